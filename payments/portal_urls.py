"""The merchant's payment pages, under /portal/orders/<reference>/pay/."""

from django.urls import path

from payments import views

app_name = "pay"

urlpatterns = [
    path("orders/<str:reference>/pay/", views.pay, name="order"),
    path("orders/<str:reference>/pay/start/<str:provider>/", views.start, name="start"),
    path("orders/<str:reference>/pay/attempts/<int:number>/", views.attempt, name="attempt"),
    path("orders/<str:reference>/pay/attempts/<int:number>/return/", views.attempt_return, name="attempt_return"),
    path("orders/<str:reference>/pay/bank-transfer/", views.bank_transfer, name="bank_transfer"),
    path("orders/<str:reference>/pay/bank-transfer/proofs/", views.proof_upload, name="proof_upload"),
    path("orders/<str:reference>/pay/bank-transfer/proofs/<int:pk>/", views.proof_download, name="proof"),
]
