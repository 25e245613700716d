from django.urls import path

from merchants import views

app_name = "merchants"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/documents/<int:pk>/", views.document, name="document"),
    path("portal/", views.home, name="home"),
    path("portal/members/", views.members, name="members"),
    path("portal/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("portal/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("portal/invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("portal/switch/", views.switch, name="switch"),
    path("portal/settings/", views.company_settings, name="settings"),
]
