"""KOL search by word prefixes: tokens, range bounds, and what a searcher finds."""

from __future__ import annotations

import pytest

from kolbridge.kols import selectors, services
from kolbridge.kols.models import KolSearchToken
from kolbridge.kols.search import prefix_upper_bound, query_prefixes, tokens_of


def test_tokens_are_lower_case_without_accents_and_split_on_punctuation():
    assert tokens_of("Dr. Zoë O'Brien-Müller, Hôpital Saint-Louis") == [
        "dr", "zoe", "o", "brien", "muller", "hopital", "saint", "louis",
    ]


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [("okaf", "okag"), ("card9", "carda"), ("abz", "ac"), ("a9", "aa"), ("zz", None)],
)
def test_prefix_upper_bound_is_the_next_string_after_every_word_with_the_prefix(prefix, bound):
    assert prefix_upper_bound(prefix) == bound
    if bound:
        for word in (prefix, prefix + "0", prefix + "zzzz"):
            assert prefix <= word < bound


def test_query_words_repeat_once():
    assert query_prefixes("Onc onc  BOSTON") == ["onc", "boston"]


@pytest.mark.django_db
def test_search_finds_a_kol_by_the_start_of_any_word_and_needs_every_word(msl_a, kol_a):
    kol = services.kol_create(
        actor=msl_a, first_name="Zoë", last_name="Okonkwo-Smith", specialty="Medical oncology",
        institution="Hôpital Saint-Louis", city="Boston", territory_code="NE",
    )

    def found(q: str) -> list[int]:
        return list(selectors.kol_search(user=msl_a, q=q).values_list("pk", flat=True))

    assert kol.pk in found("zoe")
    assert kol.pk in found("OKONK smith")
    assert kol.pk in found("onc hopital bost")
    assert kol.pk not in found("onc paris")
    assert kol.pk not in found("konkwo")  # the middle of a word is not a word start


@pytest.mark.django_db
def test_renaming_a_kol_moves_its_search_words(msl_a, kol_a):
    services.kol_update(actor=msl_a, kol=kol_a, changes={"last_name": "Adebayo"})
    tokens = set(KolSearchToken.objects.filter(kol=kol_a).values_list("token", flat=True))
    assert "adebayo" in tokens
    assert "okafor" not in tokens
    assert list(selectors.kol_search(user=msl_a, q="adeb")) == [kol_a]
    assert list(selectors.kol_search(user=msl_a, q="okafor")) == []
