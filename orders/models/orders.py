"""Orders: their lines, history, invoices, and the yearly number sequences they are numbered from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models.catalogue import Product
from orders.money import Money


class Sequence(models.Model):
    """An unbroken counter per name and year (order references, invoice numbers)."""

    name = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="one_sequence_per_name_and_year")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last}"


class Order(models.Model):
    """A placed wholesale order, with everything needed to explain its minimum decision years later."""

    class Status(models.TextChoices):
        """Where an order stands; the moves allowed are `orders.services.TRANSITIONS`, made by the named actions
        of `orders.services.lifecycle` only.

        There is no draft: the cart is the draft, and an order exists once placed. awaiting_payment: placed,
        minimum checked, pro-forma issued. paid: payment confirmed (`mark_paid`), tax invoice issued.
        in_fulfilment, shipped, completed: the warehouse's steps. cancelled (by the merchant or staff) and
        rejected (by staff) happen only before payment; refunded means fully refunded (a partial refund
        leaves the status alone). Cancelled, rejected and refunded orders no longer count for the minimum.
        """

        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")
        REFUNDED = "refunded", _("Refunded")

    class MinimumKind(models.TextChoices):
        FIRST = "first", _("First order")
        AWAITING_FIRST_PAYMENT = "awaiting_first_payment", _("First order still unpaid: first-order minimum")
        REPEAT = "repeat", _("Repeat order")
        EXEMPT = "exempt", _("Replacement: exempt")

    class Delivery(models.TextChoices):
        OWN_ADDRESS = "own_address", _("To our own address")
        WHITE_LABEL = "white_label", _("White-label, to our customers")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="orders")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT)
    delivery_mode = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.OWN_ADDRESS
    )
    currency = models.CharField(_("currency"), max_length=3)
    rate_to_sar = models.DecimalField(_("rate to SAR"), max_digits=18, decimal_places=8)
    rate_source = models.CharField(_("rate source"), max_length=64)
    rate_effective_at = models.DateTimeField(_("rate in force from"))
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=3)
    subtotal_sar = models.DecimalField(_("subtotal (SAR)"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=3)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=3)
    minimum_kind = models.CharField(_("minimum applied"), max_length=24, choices=MinimumKind.choices)
    minimum_sar = models.DecimalField(_("minimum (SAR)"), max_digits=12, decimal_places=2)
    minimum_in_currency = models.DecimalField(_("minimum (order currency)"), max_digits=14, decimal_places=3)
    is_replacement = models.BooleanField(_("replacement raised by staff"), default=False)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ("-placed_at", "-pk")
        permissions = [
            ("change_order_status", "Can change an order's status with a reason"),
            ("raise_replacement", "Can raise a replacement order"),
        ]
        constraints = [
            # At most one live order per merchant is its first order.
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(minimum_kind="first") & ~models.Q(status__in=["cancelled", "rejected", "refunded"]),
                name="one_live_first_order_per_merchant",
            ),
            # the column holds only a status of the table (tests/orders/test_transitions.py checks the list)
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "awaiting_payment",
                        "paid",
                        "in_fulfilment",
                        "shipped",
                        "completed",
                        "cancelled",
                        "rejected",
                        "refunded",
                    ]
                ),
                name="order_status_known",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def total_money(self) -> Money:
        """What the merchant pays (VAT included), e.g. for `orders.money.to_minor_units` in a payment."""
        return Money(self.total, self.currency)

    @property
    def vat_money(self) -> Money:
        return Money(self.vat_amount, self.currency)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=3)
    unit_price_sar = models.DecimalField(_("unit price (SAR)"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """The status history of an order: who, when, from where, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Order.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(
        _("source"), max_length=64, blank=True, help_text=_("Where the change came from: portal, admin, payment...")
    )
    note = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status history")
        ordering = ("at", "pk")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Order.Status.values), name="order_event_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"


class Invoice(models.Model):
    """A pro-forma (at placement) or tax invoice (once paid), numbered without gaps per kind and year."""

    class Kind(models.TextChoices):
        PROFORMA = "proforma", _("Pro-forma invoice")
        TAX = "tax", _("Tax invoice")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    language = models.CharField(_("language"), max_length=8)
    pdf = models.FileField(_("PDF"), upload_to="invoices/", max_length=200)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("issued_at", "pk")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="one_invoice_of_each_kind_per_order")]

    def __str__(self) -> str:
        return self.number
