"""Factories of the orders domain."""

from decimal import Decimal

import factory

from orders.models import Category, Product


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = "argan-oil"
    name_en, name_fr, name_ar = "Argan oil", "Huile d'argan", "زيت الأركان"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    category = factory.SubFactory(CategoryFactory)
    name_en = factory.Sequence(lambda n: f"Product {n}")
    name_fr = factory.Sequence(lambda n: f"Produit {n}")
    name_ar = factory.Sequence(lambda n: f"منتج {n}")
    pack_size = "12 × 100 ml"
    unit_price_sar = Decimal("100.00")
