from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("details/", views.edit_profile, name="profile"),
    path("email/", views.change_email, name="email"),
    path("company/", views.correct_company_contact, name="company"),
    path("consents/", views.save_consents, name="consents"),
    path("exports/", views.request_export, name="export_request"),
    path("exports/<str:token>/", views.download_export, name="export_download"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("erasure/", views.request_erasure, name="erasure"),
    path("erasure/cancel/", views.cancel_erasure, name="erasure_cancel"),
    path("policies/<int:pk>/accept/", views.accept_policy, name="policy_accept"),
]
