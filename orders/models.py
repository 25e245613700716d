"""The wholesale catalogue (and, with the orders issue, carts, orders, rates and invoices)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orders.money import Money

CURRENCY_CODE = RegexValidator(r"^[A-Z]{3}\Z", _("Use the three capital letters of ISO 4217, e.g. EUR."))
COUNTRY_CODE = RegexValidator(r"^[A-Z]{2}\Z", _("Use the two capital letters of ISO 3166-1, e.g. SA."))
#: Rates that are fixed (the base, and the dollar the riyal is pegged to): created by a migration, never
#: entered by finance, never stale.
FIXED_RATES = {"SAR", "USD"}


class Translated:
    """`name` and `description` in the active language, falling back to English."""

    def _in_language(self, field: str) -> str:
        language = (get_language() or "en")[:2]
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_en")


class Category(Translated, models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ("position", "slug")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self._in_language("name")


class Product(Translated, models.Model):
    """A wholesale product, priced in SAR per pack; shown to each merchant in its currency."""

    class Stock(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        LOW = "low", _("Low stock")
        OUT = "out", _("Out of stock")

    sku = models.CharField(_("SKU"), max_length=32, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    pack_size = models.CharField(_("pack size"), max_length=64, help_text=_("What one unit ordered contains."))
    unit_price_sar = models.DecimalField(
        _("wholesale price (SAR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=1)
    quantity_step = models.PositiveIntegerField(_("quantity step"), default=1)
    stock_status = models.CharField(_("stock"), max_length=16, choices=Stock.choices, default=Stock.IN_STOCK)
    origin = models.CharField(_("origin"), max_length=120, default="Morocco")
    hs_code = models.CharField(_("HS code"), max_length=16, blank=True)
    is_active = models.BooleanField(_("listed"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("category__position", "sku")
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price_sar__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=models.Q(quantity_step__gte=1), name="product_step_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name_en}"

    @property
    def name(self) -> str:
        return self._in_language("name")

    @property
    def description(self) -> str:
        return self._in_language("description")


class ExchangeRate(models.Model):
    """How many SAR one unit of a currency is worth, from a moment on. Rows are never changed: history."""

    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_CODE])
    rate_to_sar = models.DecimalField(
        _("rate to SAR"), max_digits=18, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))]
    )
    source = models.CharField(
        _("source"), max_length=64, help_text=_("Where the rate comes from, e.g. peg, ECB, finance.")
    )
    effective_at = models.DateTimeField(_("in force from"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ("currency", "-effective_at")
        indexes = [models.Index(fields=["currency", "-effective_at"])]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_sar} SAR ({self.source})"

    def clean(self) -> None:
        if self.currency in FIXED_RATES:
            raise ValidationError(
                {"currency": _("SAR is the base currency and USD is pegged at 3.75: their rates cannot be changed.")}
            )


class MinimumOrderPolicy(models.Model):
    """The first-order and repeat-order minimums, in the base currency, from a date on."""

    first_order_minimum = models.DecimalField(_("first order minimum"), max_digits=12, decimal_places=2)
    repeat_order_minimum = models.DecimalField(_("repeat order minimum"), max_digits=12, decimal_places=2)
    base_currency = models.CharField(
        _("base currency"),
        max_length=3,
        default="SAR",
        validators=[CURRENCY_CODE],
        help_text=_(
            "The currency of the two amounts; converted to SAR with its rate in force when an order is placed."
        ),
    )
    effective_from = models.DateTimeField(_("in force from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("minimum order policy")
        verbose_name_plural = _("minimum order policies")
        ordering = ("-effective_from",)

    def __str__(self) -> str:
        return f"{self.first_order_minimum} / {self.repeat_order_minimum} {self.base_currency}"

    def clean(self) -> None:
        first, repeat = self.first_order_minimum, self.repeat_order_minimum
        if first is not None and repeat is not None and not 0 <= repeat <= first:
            raise ValidationError(
                {"repeat_order_minimum": _("The repeat-order minimum is between zero and the first-order minimum.")}
            )


class VatRate(models.Model):
    """VAT charged to merchants of a country, from a date on."""

    country = models.CharField(_("country"), max_length=2, validators=[COUNTRY_CODE])
    rate = models.DecimalField(
        _("rate"),
        max_digits=5,
        decimal_places=4,
        help_text=_("0.15 for 15%."),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.5"))],
    )
    effective_from = models.DateTimeField(_("in force from"))

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ("country", "-effective_from")

    def __str__(self) -> str:
        return f"{self.country} {self.rate:%}"


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


class Cart(models.Model):
    """A member's cart for one merchant: products and quantities, priced only when shown or ordered."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="carts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [models.UniqueConstraint(fields=["merchant", "user"], name="one_cart_per_member")]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ("pk",)
        constraints = [models.UniqueConstraint(fields=["cart", "product"], name="one_line_per_product")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


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


class ProductPhoto(models.Model):
    """A photo of a product (PNG, JPEG or WebP, checked by content), shown to members only."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("image"), upload_to="products/", max_length=200)
    content_type = models.CharField(max_length=32)
    alt_text = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}"
