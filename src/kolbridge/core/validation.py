"""Checks every service shares: a record's own invariants, and reference data named by code or
name in the input. Each failure is an ``Invalid`` naming the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from kolbridge.core.errors import Invalid
from kolbridge.core.models import Product, Territory, TherapeuticArea


def full_clean_or_invalid(instance: Any, exclude: Iterable[str] = ()) -> None:
    """Run the model's own validation; report every bad field at once."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise Invalid(exc.message_dict) from exc


def territory_by_code(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise Invalid({"territory": [f"Unknown territory {code!r}."]})
    return territory


def therapeutic_area_by_code(code: str | None) -> TherapeuticArea | None:
    """The area with this code, or None when no code was given."""
    if not code:
        return None
    area = TherapeuticArea.objects.filter(code=code).first()
    if area is None:
        raise Invalid({"therapeutic_area": [f"Unknown therapeutic area {code!r}."]})
    return area


def therapeutic_areas_by_codes(codes: Iterable[str]) -> list[TherapeuticArea]:
    codes = list(dict.fromkeys(codes))
    areas = list(TherapeuticArea.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {a.code for a in areas})
    if unknown:
        raise Invalid(
            {"therapeutic_areas": [f"Unknown therapeutic area(s): {', '.join(unknown)}."]}
        )
    return areas


def product_by_name(name: str | None) -> Product | None:
    """The product with this name (any case), or None when no name was given."""
    if not name:
        return None
    product = Product.objects.filter(name__iexact=name).first()
    if product is None:
        raise Invalid({"product": [f"Unknown product {name!r}."]})
    return product


def products_by_names(names: Iterable[str]) -> list[Product]:
    names = list(dict.fromkeys(names))
    products = list(Product.objects.filter(name__in=names))
    unknown = sorted(set(names) - {p.name for p in products})
    if unknown:
        raise Invalid({"products": [f"Unknown product(s): {', '.join(unknown)}."]})
    return products
