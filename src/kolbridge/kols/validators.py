"""Checks of external identifiers: each system has its own format and check digit."""

from __future__ import annotations

import re

from kolbridge.kols.models import ExternalIdSystem


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def npi_is_valid(value: str) -> bool:
    """A US NPI: 10 digits whose Luhn check over the prefix 80840 holds."""
    return bool(re.fullmatch(r"\d{10}", value)) and _luhn_ok("80840" + value)


def orcid_is_valid(value: str) -> bool:
    """An ORCID iD: 0000-0000-0000-000X with the ISO 7064 MOD 11-2 check character."""
    if not re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", value):
        return False
    digits = value.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def normalise_external_id(system: str, value: str) -> tuple[str, str | None]:
    """The stored form of an id and, if it is malformed, what is wrong with it."""
    value = value.strip()
    if system == ExternalIdSystem.NPI:
        return value, None if npi_is_valid(value) else "is not a valid 10-digit NPI"
    if system == ExternalIdSystem.ORCID:
        value = value.removeprefix("https://orcid.org/").upper()
        return value, None if orcid_is_valid(value) else "is not a valid ORCID iD"
    if system == ExternalIdSystem.OPENALEX:
        value = value.removeprefix("https://openalex.org/").upper()
        ok = re.fullmatch(r"A\d{4,12}", value)
        return value, None if ok else "is not an OpenAlex author id (A followed by digits)"
    if system == ExternalIdSystem.CRM:
        return value, None if 0 < len(value) <= 100 else "must be 1 to 100 characters"
    return value, f"unknown system {system!r}; use one of {', '.join(ExternalIdSystem.values)}"
