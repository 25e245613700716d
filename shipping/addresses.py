"""Addresses and phone numbers checked per country, for the fields carriers actually refuse.

Postal codes follow each country's format where it has one (Saudi Arabia, France, the United States,
the United Kingdom...); countries without postal codes (UAE, Qatar...) take none. Phones are kept as
`+` and digits.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

#: country -> (pattern of a valid postal code, example shown in the error)
POSTAL_CODES: dict[str, tuple[str, str]] = {
    "SA": (r"\d{5}(-\d{4})?", "12611"),
    "FR": (r"\d{5}", "75011"),
    "US": (r"\d{5}(-\d{4})?", "94103"),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", "SW1A 1AA"),
    "DE": (r"\d{5}", "10115"),
    "ES": (r"\d{5}", "28013"),
    "IT": (r"\d{5}", "00184"),
    "MA": (r"\d{5}", "20250"),
    "BE": (r"\d{4}", "1000"),
    "NL": (r"\d{4} [A-Z]{2}", "1012 AB"),
    "CA": (r"[A-Z]\d[A-Z] \d[A-Z]\d", "K1A 0B1"),
    "KW": (r"\d{5}", "13001"),
    "BH": (r"\d{3,4}", "317"),
    "OM": (r"\d{3}", "112"),
    "EG": (r"\d{5}", "11511"),
    "JO": (r"\d{5}", "11118"),
}
#: countries whose addresses have no postal code
NO_POSTAL_CODE = {"AE", "QA", "HK", "IE", "PA", "JM"}
PHONE = re.compile(r"\+?\d{7,15}")


def normalise_postal_code(country: str, value: str) -> str:
    """Upper case, single spaces; UK and Canadian codes get their space before the last three characters."""
    value = " ".join(value.upper().split())
    if country in {"GB", "CA"} and " " not in value and len(value) > 3:
        value = f"{value[:-3]} {value[-3:]}"
    if country == "NL" and " " not in value and len(value) == 6:
        value = f"{value[:4]} {value[4:]}"
    return value


def clean_country(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in dict(countries):
        raise ValidationError(
            _("“%(value)s” is not a country code (use two letters, e.g. SA, FR)."),
            code="country",
            params={"value": value[:10]},
        )
    return code


def clean_postal_code(country: str, value: str) -> str:
    """The postal code in its country's format, or a translated error saying what is expected."""
    value = normalise_postal_code(country, value or "")
    if country in NO_POSTAL_CODE:
        return ""
    rule = POSTAL_CODES.get(country)
    if rule is None:
        return value[:16]
    pattern, example = rule
    if not value:
        raise ValidationError(
            _("A postal code is needed for this country (e.g. %(example)s)."),
            code="postal_code_missing",
            params={"example": example},
        )
    if not re.fullmatch(pattern, value):
        raise ValidationError(
            _("“%(value)s” is not a postal code of %(country)s (e.g. %(example)s)."),
            code="postal_code",
            params={"value": value[:16], "country": countries.name(country), "example": example},
        )
    return value


def clean_phone(value: str) -> str:
    """`+` and digits only; spaces, dashes, dots and brackets go; 00 becomes +."""
    compact = re.sub(r"[\s\-.()/]", "", value or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not PHONE.fullmatch(compact):
        raise ValidationError(_("Enter a phone number of 7 to 15 digits, e.g. +966 55 123 4567."), code="phone")
    return compact
