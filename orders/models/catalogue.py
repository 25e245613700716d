"""The wholesale catalogue: categories, products and their photos, named in each language."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
