"""External identifiers: each system's format and check digit."""

from __future__ import annotations

import pytest

from kolbridge.kols.validators import normalise_external_id, npi_is_valid, orcid_is_valid


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126", "1679576722"])
def test_npi_with_a_good_luhn_check_digit_is_valid(npi):
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi",
    ["1234567890", "1234567894", "123456789", "12345678933", "123456789X", "", "1234 67893"],
)
def test_npi_with_a_wrong_check_digit_or_shape_is_invalid(npi):
    assert not npi_is_valid(npi)


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_orcid_with_a_good_mod_11_2_checksum_is_valid(orcid):
    assert orcid_is_valid(orcid)


@pytest.mark.parametrize(
    "orcid",
    ["0000-0002-1825-0098", "0000-0002-1694-2330", "0000-0002-1825-009", "0000000218250097",
     "0000-0002-1694-233x", "abcd-0002-1825-0097"],
)
def test_orcid_with_a_wrong_checksum_or_shape_is_invalid(orcid):
    assert not orcid_is_valid(orcid)


@pytest.mark.parametrize(
    "system,raw,stored",
    [
        ("npi", " 1234567893 ", "1234567893"),
        ("orcid", "https://orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("openalex", "https://openalex.org/a5023888391", "A5023888391"),
        ("crm", "  SF-00042 ", "SF-00042"),
    ],
)
def test_ids_are_stored_in_their_normal_form(system, raw, stored):
    assert normalise_external_id(system, raw) == (stored, None)


@pytest.mark.parametrize(
    "system,raw",
    [("npi", "1234567890"), ("orcid", "0000-0002-1825-0098"), ("openalex", "W123456"),
     ("crm", ""), ("crm", "x" * 101), ("fax", "123")],
)
def test_malformed_ids_say_what_is_wrong(system, raw):
    _, problem = normalise_external_id(system, raw)
    assert problem
