"""Consignees of a white-label order: entered one by one, by CSV or through the API, all checked alike."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.crypto import keyed_hash
from merchants.models import User
from orders.models import Order, OrderLine
from shipping import addresses
from shipping.errors import ConsigneesLocked, NotWhiteLabel, ShippingError
from shipping.models import Consignee, ConsigneeItem, Shipment, ShippingPlan

__all__ = [
    "CSV_COLUMNS",
    "MAX_CONSIGNEES",
    "ConsigneeData",
    "CsvRejected",
    "QuantitiesExceeded",
    "add_consignees",
    "clean_consignee",
    "consignees_editable",
    "import_consignees_csv",
    "phone_hmac",
    "remaining_quantities",
    "remove_consignee",
    "set_notify_consignees",
]

CSV_COLUMNS = ("name", "phone", "email", "address_line1", "address_line2", "city", "postal_code", "country", "items")
REQUIRED = ("name", "phone", "address_line1", "city", "country")
MAX_CONSIGNEES = 5000
MAX_CSV_BYTES = 2 * 1024 * 1024
EDITABLE_STATUSES = {Order.Status.AWAITING_PAYMENT, Order.Status.PAID}
ITEM = re.compile(r"^\s*([^:]+?)\s*[:x×]\s*(\d{1,6})\s*$")


class QuantitiesExceeded(ShippingError):
    code = "quantities_exceeded"
    message = _("More %(sku)s sent to consignees (%(wanted)s) than the order holds (%(left)s left).")


class CsvRejected(ShippingError):
    """The file was not imported; `errors` lists every bad line as (line number, message)."""

    code = "csv_rejected"
    message = _("Nothing was imported: correct the lines below and upload the file again.")

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__()
        self.errors = errors


@dataclass
class ConsigneeData:
    """A checked consignee, ready to save: `items` maps order line id -> quantity."""

    name: str
    phone: str
    address_line1: str
    city: str
    country: str
    email: str = ""
    address_line2: str = ""
    postal_code: str = ""
    items: dict[int, int] = field(default_factory=dict)


def phone_hmac(phone: str) -> str:
    """Keyed hash of a normalised phone number (`+` and digits), for lookups without decrypting."""
    return keyed_hash(phone)


def consignees_editable(order: Order) -> bool:
    """Consignees can change until shipping starts (and only on a white-label order still in play)."""
    return (
        order.delivery_mode == Order.Delivery.WHITE_LABEL
        and order.status in EDITABLE_STATUSES
        and not Shipment.objects.filter(order=order).exists()
    )


def _lock_editable(order: Order) -> Order:
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        raise NotWhiteLabel
    locked = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if not consignees_editable(locked):
        raise ConsigneesLocked
    return locked


def parse_items(text: str, *, lines: list[OrderLine]) -> dict[int, int]:
    """'SKU-1:2; SKU-2:1' -> {line id: quantity}; blank means one unit when the order has a single line."""
    by_sku = {line.sku.upper(): line for line in lines}
    if not (text or "").strip():
        if len(lines) == 1:
            return {lines[0].pk: 1}
        raise ValidationError(
            _("Say which items go to this consignee, e.g. “%(example)s”."),
            code="items_missing",
            params={"example": "; ".join(f"{line.sku}:1" for line in lines[:2])},
        )
    items: dict[int, int] = {}
    for part in re.split(r"[;|]", text):
        if not part.strip():
            continue
        match = ITEM.match(part)
        if not match:
            raise ValidationError(
                _("“%(part)s” is not SKU:quantity."), code="items", params={"part": part.strip()[:40]}
            )
        sku, quantity = match.group(1).upper(), int(match.group(2))
        line = by_sku.get(sku)
        if line is None:
            raise ValidationError(_("%(sku)s is not in this order."), code="items_sku", params={"sku": sku[:32]})
        if quantity < 1:
            raise ValidationError(_("Quantities start at 1."), code="items_quantity")
        items[line.pk] = items.get(line.pk, 0) + quantity
    return items


def _whole_number(value: Any) -> int | None:
    """An int from JSON (or its digits as text); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _structured_items(value: dict[Any, Any] | list[Any], *, lines: list[OrderLine]) -> dict[int, int]:
    """Items given through the API: {line id: quantity} or [{"sku": ..., "quantity": ...}, ...]."""
    invalid = ValidationError(
        _('Give items as {"line id": quantity} or as a list of {"sku": "…", "quantity": 1}, quantities from 1.'),
        code="items",
    )
    if isinstance(value, list):
        parts = []
        for entry in value:
            if not isinstance(entry, dict) or not isinstance(entry.get("sku"), str):
                raise invalid
            quantity = _whole_number(entry.get("quantity"))
            if quantity is None or quantity < 1:
                raise invalid
            parts.append(f"{entry['sku']}:{quantity}")
        if not parts:
            raise ValidationError(_("Send at least one item."), code="items_missing")
        return parse_items("; ".join(parts), lines=lines)
    items: dict[int, int] = {}
    for key, raw_quantity in value.items():
        line_id, quantity = _whole_number(key), _whole_number(raw_quantity)
        if line_id is None or quantity is None:
            raise invalid
        if quantity > 0:
            items[line_id] = items.get(line_id, 0) + quantity
    if not items:
        raise ValidationError(_("Send at least one item."), code="items_missing")
    return items


def clean_consignee(raw: dict[str, Any], *, lines: list[OrderLine]) -> ConsigneeData:
    """Check one consignee's fields (per-country address rules); raise a ValidationError keyed by field."""
    values = {name: str(raw.get(name) or "").strip() for name in CSV_COLUMNS}
    errors: dict[str, list[Any]] = {}

    def check(name: str, func: Any) -> Any:
        try:
            return func()
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.error_list)
            return ""

    for name in REQUIRED:
        if not values[name]:
            errors.setdefault(name, []).append(ValidationError(_("This field is required."), code="required"))
    limits = {"name": 200, "address_line1": 200, "address_line2": 200, "city": 100, "email": 254}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            errors.setdefault(name, []).append(
                ValidationError(_("At most %(limit)s characters."), code="too_long", params={"limit": limit})
            )
    country = check("country", lambda: addresses.clean_country(values["country"])) if values["country"] else ""
    postal_code = check("postal_code", lambda: addresses.clean_postal_code(country, values["postal_code"]))
    phone = check("phone", lambda: addresses.clean_phone(values["phone"])) if values["phone"] else ""
    if values["email"]:
        check("email", lambda: validate_email(values["email"]))
    if isinstance(raw.get("items"), dict | list):
        items = check("items", lambda: _structured_items(raw["items"], lines=lines)) or {}
    else:
        items = check("items", lambda: parse_items(values["items"], lines=lines)) or {}
    if errors:
        raise ValidationError(errors)
    return ConsigneeData(
        name=values["name"],
        phone=phone,
        email=values["email"].lower(),
        address_line1=values["address_line1"],
        address_line2=values["address_line2"],
        city=values["city"],
        postal_code=postal_code,
        country=country,
        items=items,
    )


def remaining_quantities(order: Order) -> dict[int, int]:
    """Per order line: units not yet given to a consignee."""
    remaining = {line.pk: line.quantity for line in order.lines.all()}
    for line_id, quantity in ConsigneeItem.objects.filter(consignee__order=order).values_list("line_id", "quantity"):
        remaining[line_id] = remaining.get(line_id, 0) - quantity
    return remaining


def add_consignees(*, order: Order, by: User, consignees: list[ConsigneeData]) -> list[Consignee]:
    """Add checked consignees to a white-label order, within the quantities it holds."""
    with transaction.atomic():
        order = _lock_editable(order)
        lines = {line.pk: line for line in order.lines.all()}
        remaining = remaining_quantities(order)
        wanted: Counter[int] = Counter()
        for data in consignees:
            for line_id, quantity in data.items.items():
                if line_id not in lines:
                    raise QuantitiesExceeded(sku=str(line_id), wanted=quantity, left=0)
                wanted[line_id] += quantity
        for line_id, quantity in wanted.items():
            if quantity > remaining[line_id]:
                raise QuantitiesExceeded(sku=lines[line_id].sku, wanted=quantity, left=max(remaining[line_id], 0))
        existing = Consignee.objects.filter(order=order).count()
        if existing + len(consignees) > MAX_CONSIGNEES:
            raise ShippingError(_("An order ships to at most %(max)s consignees."), max=MAX_CONSIGNEES)
        last = Consignee.objects.filter(order=order).order_by("-number").values_list("number", flat=True).first() or 0
        rows = Consignee.objects.bulk_create(
            [
                Consignee(
                    order=order,
                    number=last + index,
                    name=data.name,
                    phone=data.phone,
                    email=data.email,
                    address_line1=data.address_line1,
                    address_line2=data.address_line2,
                    city=data.city,
                    postal_code=data.postal_code,
                    country=data.country,
                    phone_hmac=phone_hmac(data.phone),
                    created_by=by,
                )
                for index, data in enumerate(consignees, start=1)
            ]
        )
        if any(row.pk is None for row in rows):  # a backend that does not return ids on bulk inserts
            rows = list(Consignee.objects.filter(order=order, number__gt=last).order_by("number"))
        ConsigneeItem.objects.bulk_create(
            [
                ConsigneeItem(consignee=row, line_id=line_id, quantity=quantity)
                for row, data in zip(rows, consignees, strict=True)
                for line_id, quantity in data.items.items()
            ]
        )
        ShippingPlan.objects.get_or_create(order=order)
    return rows


def _read_csv(upload: Any) -> list[tuple[int, dict[str, str]]]:
    """The rows of the file by column name, each with its line number in the file (blank lines count);
    a file that cannot be read at all is rejected whole."""
    raw = upload.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise CsvRejected(errors=[(0, str(_("The file is larger than 2 MB: split it into several files.")))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRejected(
            errors=[(0, str(_("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")))]
        ) from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise CsvRejected(errors=[(1, str(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}))])
    reader.fieldnames = header
    # line_num is the physical line the row ends on, so blank lines skipped by the reader do not shift it.
    return [(reader.line_num, {k: v for k, v in row.items() if k}) for row in reader]


def import_consignees_csv(*, order: Order, by: User, upload: Any) -> list[Consignee]:
    """Import a CSV of consignees: all lines or none, every bad line reported with its number."""
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        raise NotWhiteLabel
    rows = _read_csv(upload)
    lines = list(order.lines.all())
    errors: list[tuple[int, str]] = []
    cleaned: list[ConsigneeData] = []
    numbers: list[int] = []
    for number, row in rows:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a line of empty cells
        try:
            cleaned.append(clean_consignee(row, lines=lines))
            numbers.append(number)
        except ValidationError as exc:
            details = "; ".join(
                f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in exc.message_dict.items()
            )
            errors.append((number, details))
    if not cleaned and not errors:
        errors.append((0, str(_("The file has no consignees."))))
    errors += _overruns(order, lines=lines, cleaned=cleaned, numbers=numbers)
    if errors:
        raise CsvRejected(errors=sorted(errors, key=lambda error: error[0]))
    try:
        return add_consignees(order=order, by=by, consignees=cleaned)
    except QuantitiesExceeded as exc:
        raise CsvRejected(errors=[(0, str(exc))]) from exc


def _overruns(
    order: Order, *, lines: list[OrderLine], cleaned: list[ConsigneeData], numbers: list[int]
) -> list[tuple[int, str]]:
    """The lines of the file that give out more of an order line than is left, each with its number."""
    remaining = remaining_quantities(order)
    skus = {line.pk: line.sku for line in lines}
    wanted: Counter[int] = Counter()
    errors: list[tuple[int, str]] = []
    for number, data in zip(numbers, cleaned, strict=True):
        over = []
        for line_id, quantity in data.items.items():
            wanted[line_id] += quantity
            left = max(remaining.get(line_id, 0), 0)
            if wanted[line_id] > left:
                over.append(str(QuantitiesExceeded(sku=skus.get(line_id, line_id), wanted=wanted[line_id], left=left)))
        if over:
            errors.append((number, " ".join(over)))
    return errors


def remove_consignee(*, order: Order, consignee_id: int, by: User) -> None:
    """Take a consignee off an order before shipping starts."""
    with transaction.atomic():
        order = _lock_editable(order)
        Consignee.objects.filter(order=order, pk=consignee_id).delete()


def set_notify_consignees(*, order: Order, by: User, notify: bool) -> ShippingPlan:
    """Choose whether consignees get an email, in the merchant's name, when their parcel is booked."""
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        raise NotWhiteLabel
    with transaction.atomic():
        plan, _created = ShippingPlan.objects.select_for_update(of=("self",)).get_or_create(order=order)
        plan.notify_consignees = notify
        plan.save(update_fields=["notify_consignees"])
    return plan
