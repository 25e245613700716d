from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        from orders.extensions import register_after_paid, register_order_links
        from shipping.links import order_links
        from shipping.tasks import start_shipping_when_paid

        register_order_links(order_links)
        register_after_paid(start_shipping_when_paid)
