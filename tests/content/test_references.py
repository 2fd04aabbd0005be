"""References that back a claim: PubMed ids and DOIs, normalised; anything else refused with
the reason."""

from __future__ import annotations

import pytest

from kolbridge.content.models import ContentModule, ModuleVersion
from kolbridge.content.references import format_reference, parse_reference, reference_url
from kolbridge.content.services import module_create, module_revise
from kolbridge.core.errors import Invalid


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("31535829", {"type": "pmid", "value": "31535829"}),
        ("PMID: 31535829", {"type": "pmid", "value": "31535829"}),
        ("pmid 31535829", {"type": "pmid", "value": "31535829"}),
        ("  PMID:31535829  ", {"type": "pmid", "value": "31535829"}),
        ("10.1056/NEJMoa1911303", {"type": "doi", "value": "10.1056/NEJMoa1911303"}),
        ("doi:10.1056/NEJMoa1911303", {"type": "doi", "value": "10.1056/NEJMoa1911303"}),
        ("DOI: 10.1056/NEJMoa1911303", {"type": "doi", "value": "10.1056/NEJMoa1911303"}),
        (
            "https://doi.org/10.1016/S0140-6736(21)00228-2",
            {"type": "doi", "value": "10.1016/S0140-6736(21)00228-2"},
        ),
        (
            "http://dx.doi.org/10.1056/NEJMoa1911303",
            {"type": "doi", "value": "10.1056/NEJMoa1911303"},
        ),
        (
            "https://dx.doi.org/10.1056/NEJMoa1911303",
            {"type": "doi", "value": "10.1056/NEJMoa1911303"},
        ),
    ],
)
def test_pubmed_ids_and_dois_are_recognised_in_their_usual_spellings(raw, expected):
    assert parse_reference(raw) == expected


@pytest.mark.parametrize(
    "raw,reason",
    [
        ("PMID: 0123", "is not a PubMed id"),
        ("PMID: 31535829a", "is not a PubMed id"),
        ("1234567890", "neither a PubMed id"),
        ("Smith et al. 2019", "neither a PubMed id"),
        ("10.12/abc", "neither a PubMed id"),
        ("10.1056/", "neither a PubMed id"),
        ("doi:", "neither a PubMed id"),
    ],
)
def test_anything_else_is_refused_with_the_reason(raw, reason):
    with pytest.raises(ValueError) as refused:
        parse_reference(raw)
    assert reason in str(refused.value)
    assert raw in str(refused.value)


def test_references_are_written_and_linked_the_way_readers_expect():
    pmid = {"type": "pmid", "value": "31535829"}
    doi = {"type": "doi", "value": "10.1056/NEJMoa1911303"}
    assert format_reference(pmid) == "PMID 31535829"
    assert format_reference(doi) == "doi:10.1056/NEJMoa1911303"
    assert reference_url(pmid) == "https://pubmed.ncbi.nlm.nih.gov/31535829/"
    assert reference_url(doi) == "https://doi.org/10.1056/NEJMoa1911303"


# ---- on modules -----------------------------------------------------------------------------


def claim(actor, references):
    return module_create(
        actor=actor,
        kind="claim",
        therapeutic_area="ONC",
        title="Response rate",
        text="Objective response rate was 38% with zentorimab.",
        references=references,
    )


@pytest.mark.django_db
def test_a_claim_keeps_its_references_normalised_without_duplicates_or_blanks(lead):
    module = claim(lead, ["PMID: 31535829", "31535829", "", "  ", "doi:10.1056/NEJMoa1911303"])
    assert module.latest_version.references == [
        {"type": "pmid", "value": "31535829"},
        {"type": "doi", "value": "10.1056/NEJMoa1911303"},
    ]


@pytest.mark.django_db
def test_a_module_with_an_invalid_reference_is_refused_naming_each_bad_one_and_not_stored(lead):
    with pytest.raises(Invalid) as refused:
        claim(lead, ["PMID: 31535829", "Smith 2019", "PMID: x1"])
    errors = refused.value.errors["references"]
    assert len(errors) == 2
    assert "“Smith 2019” is neither a PubMed id" in errors[0]
    assert "“PMID: x1” is not a PubMed id" in errors[1]
    assert ContentModule.objects.count() == 0
    assert ModuleVersion.objects.count() == 0


@pytest.mark.django_db
def test_revising_a_module_with_an_invalid_reference_changes_nothing(lead, claim_module):
    before = claim_module.latest_version.references
    with pytest.raises(Invalid, match="neither a PubMed id"):
        module_revise(actor=lead, module=claim_module, references=["see the label"])
    claim_module.latest_version.refresh_from_db()
    assert claim_module.latest_version.references == before
