from django.urls import path

from privacy import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_index, name="index"),
    path("<str:kind>/", views.policy, name="current"),
    path("<str:kind>/v<int:version>/", views.policy, name="version"),
    path("<str:kind>/v<int:version>/changes/", views.policy_changes, name="changes"),
]
