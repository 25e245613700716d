from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Models are loaded only now: the services (and their models) cannot be imported with the app module.
        from orders.extensions import register_after_paid
        from orders.services.invoices import issue_tax_invoice_when_paid

        register_after_paid(issue_tax_invoice_when_paid)
