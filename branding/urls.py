from django.urls import path

from branding import views

app_name = "branding"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("kit/", views.brand_kit, name="kit"),
    path("kit/<int:version>/restore/", views.kit_restore, name="kit_restore"),
    path("files/<str:token>/", views.signed_file, name="file"),
    path("<str:reference>/", views.request_detail, name="detail"),
    path("<str:reference>/quote/", views.answer_quote, name="answer_quote"),
    path("<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:reference>/changes/", views.request_changes, name="changes"),
    path("<str:reference>/approve/", views.approve, name="approve"),
    path("<str:reference>/comments/", views.comment, name="comment"),
    path("<str:reference>/proofs/<int:version>/sheet.pdf", views.proof_sheet, name="proof_sheet"),
]
