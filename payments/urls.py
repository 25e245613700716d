"""Provider events: /payments/webhooks/<provider>/."""

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("webhooks/moyasar/invoices/", views.moyasar_invoice_callback, name="moyasar_invoice_callback"),
    path("webhooks/<str:provider>/", views.webhook, name="webhook"),
]
