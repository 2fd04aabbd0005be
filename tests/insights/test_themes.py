"""Themes: the pure grouping on hand-written insights about three topics, then regrouping in
the database with medical leads' renames, merges and splits surviving it, the release to
commercial, the firewall, the command and the task."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus

from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.core.models import AuditEntry
from kolbridge.insights.models import Insight, Theme, ThemeMembership, ThemeStatus
from kolbridge.insights.services import insight_capture, insight_release, insight_review
from kolbridge.insights.tasks import default_since, next_run_after, regroup_themes
from kolbridge.insights.themes import (
    group_texts,
    months_between,
    period_label,
    period_of,
    terms_of,
    theme_merge,
    theme_regroup,
    theme_regroup_all,
    theme_release,
    theme_rename,
    theme_split,
)

RENAL = [
    "Dose adjustment in renal impairment is unclear when eGFR falls below 30.",
    "Nephrologists want renal dosing guidance for patients on dialysis.",
    "No renal impairment data below eGFR 30, so she holds the drug in CKD stage 4.",
    "Asked whether renal clearance changes the dose in elderly patients with low eGFR.",
    "Renal function monitoring schedule is not in the label; the clinic checks eGFR monthly.",
]
ACCESS = [
    "Prior authorization takes three weeks at the regional payer, delaying starts.",
    "Payer denials for prior authorization keep rising; appeal letters take hours.",
    "Step therapy through two generics before prior authorization is approved.",
    "The hospital formulary committee deferred the listing until payer coverage is clear.",
    "Prior authorization paperwork is the main barrier in community practice.",
]
INFUSION = [
    "Infusion reactions at the first dose worry nurses; premedication protocol unclear.",
    "Infusion chair capacity is full, a subcutaneous formulation would help.",
    "Premedication with antihistamines reduced infusion reactions in their centre.",
    "The two-hour infusion time blocks chairs; nurses ask about shorter infusion.",
    "Second infusion went well after premedication; reactions only at first infusion.",
]
MORE_RENAL = [
    "Renal dosing below eGFR 30 again: the nephrology team wants a dose table.",
    "Dialysis centre asks for renal impairment dosing data and eGFR cut-offs.",
    "Dose reduction in renal impairment is guesswork without eGFR-based guidance.",
]
TOPICS = {"renal": RENAL, "access": ACCESS, "infusion": INFUSION}

Q3_START, Q3_END = date(2025, 7, 1), date(2025, 9, 30)


# The pure grouping ------------------------------------------------------------------------


def _partition(clusters) -> set[frozenset[int]]:
    return {frozenset(c.members) for c in clusters}


def test_three_topics_make_three_themes_named_by_their_words():
    texts = RENAL + ACCESS + INFUSION
    clusters = group_texts(texts)
    assert _partition(clusters) == {
        frozenset(range(0, 5)),
        frozenset(range(5, 10)),
        frozenset(range(10, 15)),
    }
    by_topic = {texts[c.members[0]]: c for c in clusters}
    renal = next(c for c in clusters if 0 in c.members)
    access = next(c for c in clusters if 5 in c.members)
    infusion = next(c for c in clusters if 10 in c.members)
    assert {"egfr", "renal impairment"} <= set(renal.key_terms)
    assert "prior authorization" in access.key_terms
    assert {"premedication", "infusion reactions"} <= set(infusion.key_terms)
    assert "prior authorization" in access.name and " · " in renal.name
    for cluster in by_topic.values():
        # The representative is the member closest to the centroid: listed first, most similar.
        assert cluster.representative == cluster.members[0]
        assert cluster.similarities == sorted(cluster.similarities, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in cluster.similarities)


def test_the_grouping_is_deterministic():
    texts = RENAL + ACCESS + INFUSION + MORE_RENAL
    assert group_texts(texts) == group_texts(texts)
    assert group_texts(texts, seed=3) == group_texts(texts, seed=3)


def test_fewer_than_five_insights_make_no_theme():
    assert group_texts(RENAL[:4]) == []
    assert group_texts([]) == []


def test_five_insights_make_one_theme():
    [only] = group_texts(RENAL)
    assert sorted(only.members) == [0, 1, 2, 3, 4]


def test_texts_with_no_words_make_no_theme():
    assert group_texts(["123", "4.5 mg", "...", "30%", "2025"]) == []


def test_max_themes_caps_the_number_of_themes():
    assert len(group_texts(RENAL + ACCESS + INFUSION, max_themes=2)) <= 2


def test_a_known_persons_name_never_names_a_theme():
    texts = [f"Okafor: {t}" for t in RENAL] + ACCESS + INFUSION
    unbanned = {w for c in group_texts(texts) for t in c.key_terms for w in t.split()}
    assert "okafor" in unbanned  # the name is what the renal insights share most
    banned = {
        w for c in group_texts(texts, banned={"okafor"}) for t in c.key_terms for w in t.split()
    }
    assert "okafor" not in banned and "egfr" in banned


def test_a_phrase_is_two_words_side_by_side_in_one_clause():
    terms = terms_of("Elderly excluded from trials; renal dosing, eGFR 30 data.")
    assert "renal dosing" in terms and "excluded" in terms
    assert "excluded trials" not in terms  # "from" stood between them
    assert "dosing egfr" not in terms  # a comma stood between them
    assert "30" not in terms and "data" in terms


def test_periods_are_quarters_or_months():
    assert period_of(date(2025, 8, 14)) == (date(2025, 7, 1), date(2025, 9, 30))
    assert period_of(date(2024, 2, 29), "month") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_of(date(2025, 12, 31)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_label(Q3_START, Q3_END) == "2025 Q3"
    assert period_label(date(2025, 8, 1), date(2025, 8, 31)) == "2025-08"
    assert months_between(Q3_START, Q3_END) == ["2025-07", "2025-08", "2025-09"]
    with pytest.raises(Invalid):
        period_of(date(2025, 8, 14), "week")


# In the database --------------------------------------------------------------------------


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def capture(msl, texts, *, start=date(2025, 7, 3), step_days=9, category="clinical_practice"):
    """Capture insights about Zentorix in oncology, spread over the quarter."""
    return [
        insight_capture(
            actor=msl,
            text=text,
            category=category,
            therapeutic_area="ONC",
            product="Zentorix",
            captured_at=_at(start + timedelta(days=(i * step_days) % 85)),
        )
        for i, text in enumerate(texts)
    ]


def regroup(actor, ref):
    return theme_regroup(
        actor=actor,
        therapeutic_area=ref.onc,
        product=ref.product,
        period_start=Q3_START,
        period_end=Q3_END,
    )


def members_of(theme: Theme) -> set[int]:
    return set(ThemeMembership.objects.filter(theme=theme).values_list("insight_id", flat=True))


def theme_of(insight: Insight) -> Theme:
    return Theme.objects.get(memberships__insight=insight, status=ThemeStatus.ACTIVE)


@pytest.fixture
def topics(msl_a) -> dict[str, list[Insight]]:
    return {name: capture(msl_a, texts) for name, texts in TOPICS.items()}


@pytest.mark.django_db
def test_regroup_makes_themes_with_size_trend_and_representative(lead, ref, topics):
    themes = regroup(lead, ref)
    assert len(themes) == 3
    for name, insights in topics.items():
        theme = theme_of(insights[0])
        assert members_of(theme) == {i.pk for i in insights}, name
        assert theme.size == 5
        assert theme.representative_id in members_of(theme)
        assert [m for m, _ in theme.trend] == ["2025-07", "2025-08", "2025-09"]
        assert sum(n for _, n in theme.trend) == 5
        assert (theme.period_start, theme.period_end) == (Q3_START, Q3_END)
    renal = theme_of(topics["renal"][0])
    assert "egfr" in renal.key_terms and renal.name.count(" · ") == 2
    entry = AuditEntry.objects.get(action="theme.regroup")
    assert entry.actor_username == "lead"
    assert entry.after["insights"] == 15 and len(entry.after["created"]) == 3


@pytest.mark.django_db
def test_regrouping_unchanged_insights_writes_nothing(lead, ref, topics):
    first = {t.pk: members_of(t) for t in regroup(lead, ref)}
    second = {t.pk: members_of(t) for t in regroup(lead, ref)}
    assert first == second
    assert AuditEntry.objects.filter(action="theme.regroup").count() == 1


@pytest.mark.django_db
def test_new_insights_join_the_theme_they_are_like(lead, msl_a, ref, topics):
    regroup(lead, ref)
    renal = theme_of(topics["renal"][0])
    newcomers = capture(msl_a, MORE_RENAL, start=date(2025, 9, 10), step_days=3)
    regroup(lead, ref)
    renal.refresh_from_db()
    assert members_of(renal) == {i.pk for i in topics["renal"] + newcomers}
    assert renal.size == 8
    assert dict(renal.trend)["2025-09"] >= 3
    assert Theme.objects.filter(status=ThemeStatus.ACTIVE).count() == 3


@pytest.mark.django_db
def test_a_lead_s_name_survives_regrouping(lead, msl_a, ref, topics):
    regroup(lead, ref)
    renal = theme_of(topics["renal"][0])
    theme_rename(actor=lead, theme=renal, name="Renal dosing below eGFR 30")
    capture(msl_a, MORE_RENAL, start=date(2025, 9, 10), step_days=3)
    regroup(lead, ref)
    renal.refresh_from_db()
    assert renal.name == "Renal dosing below eGFR 30"
    assert renal.named_by == lead
    assert renal.size == 8
    entry = AuditEntry.objects.get(action="theme.rename")
    assert entry.before == {"name": entry.before["name"]} and entry.after == {
        "name": "Renal dosing below eGFR 30"
    }


@pytest.mark.django_db
def test_a_merge_survives_regrouping_and_draws_like_insights(lead, msl_a, ref, topics):
    regroup(lead, ref)
    renal, access = theme_of(topics["renal"][0]), theme_of(topics["access"][0])
    kept = theme_merge(actor=lead, theme=renal, into=access)
    assert kept.pk == access.pk
    renal.refresh_from_db()
    assert renal.status == ThemeStatus.MERGED and renal.merged_into_id == access.pk
    assert members_of(access) == {i.pk for i in topics["renal"] + topics["access"]}
    assert ThemeMembership.objects.filter(theme=access, pinned=False).count() == 0
    access.refresh_from_db()
    assert access.size == 10

    newcomers = capture(msl_a, MORE_RENAL, start=date(2025, 9, 10), step_days=3)
    regroup(lead, ref)
    access.refresh_from_db()
    # The new renal insights follow the lead's merge; no renal theme comes back.
    assert members_of(access) == {i.pk for i in topics["renal"] + topics["access"] + newcomers}
    assert Theme.objects.filter(status=ThemeStatus.ACTIVE).count() == 2
    assert AuditEntry.objects.get(action="theme.merge").after["merged_into"] == access.pk


@pytest.mark.django_db
def test_a_split_survives_regrouping(lead, msl_a, ref, topics):
    regroup(lead, ref)
    infusion = theme_of(topics["infusion"][0])
    reactions = [topics["infusion"][0].pk, topics["infusion"][2].pk, topics["infusion"][4].pk]
    split = theme_split(
        actor=lead, theme=infusion, insight_ids=reactions, name="Infusion reactions"
    )
    assert members_of(split) == set(reactions)
    assert members_of(infusion) == {topics["infusion"][1].pk, topics["infusion"][3].pk}
    assert split.named_by == lead and split.size == 3

    capture(msl_a, MORE_RENAL, start=date(2025, 9, 10), step_days=3)
    regroup(lead, ref)
    split.refresh_from_db()
    infusion.refresh_from_db()
    assert split.status == ThemeStatus.ACTIVE and split.name == "Infusion reactions"
    assert members_of(split) == set(reactions)
    assert members_of(infusion) == {topics["infusion"][1].pk, topics["infusion"][3].pk}
    assert AuditEntry.objects.get(action="theme.split").after["new_theme"] == split.pk


@pytest.mark.django_db
def test_a_split_needs_insights_of_the_theme_and_leaves_some(lead, ref, topics):
    regroup(lead, ref)
    renal = theme_of(topics["renal"][0])
    with pytest.raises(Invalid, match="Not in this theme"):
        theme_split(actor=lead, theme=renal, insight_ids=[topics["access"][0].pk], name="x")
    with pytest.raises(Invalid, match="Leave at least one"):
        theme_split(actor=lead, theme=renal, insight_ids=[i.pk for i in topics["renal"]], name="x")
    with pytest.raises(Invalid, match="Name the theme"):
        theme_split(actor=lead, theme=renal, insight_ids=[topics["renal"][0].pk], name=" ")


@pytest.mark.django_db
def test_a_theme_merges_only_into_another_active_theme_of_its_group(lead, ref, topics):
    regroup(lead, ref)
    renal, access = theme_of(topics["renal"][0]), theme_of(topics["access"][0])
    with pytest.raises(Invalid):
        theme_merge(actor=lead, theme=renal, into=renal)
    theme_merge(actor=lead, theme=renal, into=access)
    with pytest.raises(Conflict, match="merged"):
        theme_merge(actor=lead, theme=renal, into=access)
    other_quarter = Theme.objects.create(
        therapeutic_area=ref.onc,
        product=ref.product,
        period_start=date(2025, 10, 1),
        period_end=date(2025, 12, 31),
        name="Q4 theme",
    )
    with pytest.raises(Invalid, match="same therapeutic area"):
        theme_merge(actor=lead, theme=access, into=other_quarter)


@pytest.mark.django_db
def test_a_rejected_insight_leaves_its_theme(lead, ref, topics):
    regroup(lead, ref)
    gone = topics["access"][4]
    insight_review(actor=lead, insight=gone, decision="reject", note="Not an insight.")
    regroup(lead, ref)
    access = theme_of(topics["access"][0])
    assert gone.pk not in members_of(access) and access.size == 4


@pytest.mark.django_db
def test_release_is_refused_while_the_summary_names_a_person(lead, ref, topics, kol_a):
    regroup(lead, ref)
    access = theme_of(topics["access"][0])
    with pytest.raises(Invalid, match="Okafor"):
        theme_release(
            actor=lead,
            theme=access,
            summary="Dr Amelia Okafor says prior authorization delays starts.",
        )
    assert Theme.objects.get(pk=access.pk).released_at is None


@pytest.mark.django_db
def test_release_is_refused_while_the_theme_s_name_names_a_person(lead, ref, topics, kol_a):
    regroup(lead, ref)
    access = theme_of(topics["access"][0])
    one = topics["access"][0]
    insight_review(actor=lead, insight=one, decision="accept")
    insight_release(actor=lead, insight=one, released_text=one.text)
    theme_rename(actor=lead, theme=access, name="Dr Okafor's prior authorization delays")
    with pytest.raises(Invalid, match="Okafor"):
        theme_release(actor=lead, theme=access, summary="Prior authorization delays starts.")
    theme_rename(actor=lead, theme=access, name="Prior authorization delays")
    released = theme_release(actor=lead, theme=access, summary="Prior authorization delays starts.")
    # Once released, a new name crosses the firewall too: it is checked the same way.
    with pytest.raises(Invalid, match="Okafor"):
        theme_rename(actor=lead, theme=released, name="Amelia Okafor on payers")


@pytest.mark.django_db
def test_release_needs_a_released_insight_then_commercial_sees_the_theme(lead, pm, ref, topics):
    from kolbridge.insights.selectors import released_themes

    regroup(lead, ref)
    access = theme_of(topics["access"][0])
    summary = "Prior authorization delays new starts by weeks in community practice."
    with pytest.raises(Conflict, match="Release at least one"):
        theme_release(actor=lead, theme=access, summary=summary)
    one = topics["access"][4]
    insight_review(actor=lead, insight=one, decision="accept")
    insight_release(actor=lead, insight=one, released_text=one.text)
    released = theme_release(actor=lead, theme=access, summary=summary)
    assert released.released_at is not None
    [seen] = released_themes(user=pm)
    assert seen.id == access.pk and seen.summary == summary
    assert [i.id for i in seen.insights] == [one.pk]
    assert AuditEntry.objects.get(action="theme.release").after["released_insights"] == 1


@pytest.mark.django_db
def test_a_released_theme_keeps_the_words_medical_released(lead, msl_a, ref, topics):
    regroup(lead, ref)
    access = theme_of(topics["access"][0])
    one = topics["access"][0]
    insight_review(actor=lead, insight=one, decision="accept")
    insight_release(actor=lead, insight=one, released_text=one.text)
    theme_release(actor=lead, theme=access, summary="Prior authorization delays starts.")
    access.refresh_from_db()
    name, terms = access.name, list(access.key_terms)
    capture(msl_a, ["Payer formulary committee wants budget impact data first."] * 3)
    regroup(lead, ref)
    access.refresh_from_db()
    assert (access.name, access.key_terms) == (name, terms)
    with pytest.raises(Conflict, match="released"):
        theme_merge(actor=lead, theme=access, into=theme_of(topics["renal"][0]))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["msl_a", "pm", "rep", "reviewer", "pv"])
def test_only_medical_leads_regroup_rename_merge_split_and_release(who, request, lead, ref, topics):
    regroup(lead, ref)
    user = request.getfixturevalue(who)
    renal, access = theme_of(topics["renal"][0]), theme_of(topics["access"][0])
    attempts = [
        lambda: regroup(user, ref),
        lambda: theme_regroup_all(actor=user),
        lambda: theme_rename(actor=user, theme=renal, name="Mine"),
        lambda: theme_merge(actor=user, theme=renal, into=access),
        lambda: theme_split(
            actor=user, theme=renal, insight_ids=[topics["renal"][0].pk], name="Mine"
        ),
        lambda: theme_release(actor=user, theme=access, summary="Prior authorization."),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden, match="Firewall rule"):
            attempt()
    renal.refresh_from_db()
    assert renal.status == ThemeStatus.ACTIVE and renal.named_by is None


@pytest.mark.django_db
def test_regroup_all_finds_every_group_and_the_command_reports_each(lead, msl_a, ref, topics):
    capture(msl_a, RENAL + ACCESS, start=date(2025, 10, 2), step_days=5)
    out, err = StringIO(), StringIO()
    call_command("insights_regroup", "--area", "ONC", stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("[1/2] ONC · Zentorix · 2025 Q3: 15 insights → 3 themes (3 new")
    assert lines[1].startswith("[2/2] ONC · Zentorix · 2025 Q4: 10 insights → 2 themes (2 new")
    assert out.getvalue().strip() == (
        "Regrouped 2 group(s) of 25 insights: 5 themes, 2 group(s) changed."
    )
    err = StringIO()
    call_command("insights_regroup", "--since", "2025-10-01", stdout=out, stderr=err)
    [line] = err.getvalue().splitlines()
    assert line.startswith("[1/1] ONC · Zentorix · 2025 Q4: 10 insights → 2 themes, unchanged")
    months = theme_regroup_all(period="month")
    assert [r.group.label for r in months] == [
        "ONC · Zentorix · 2025-07",
        "ONC · Zentorix · 2025-08",
        "ONC · Zentorix · 2025-10",
        "ONC · Zentorix · 2025-11",
    ]


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_area(ref):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown therapeutic area"):
        call_command("insights_regroup", "--area", "XX", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_the_task_regroups_and_the_nightly_run_is_booked(settings, ref, topics):
    from django_tasks_db.models import DBTaskResult

    result = regroup_themes.enqueue(since="2025-07-01")
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value == {"groups": 1, "changed": 1, "insights": 15, "themes": 3}
    entry = AuditEntry.objects.get(action="theme.regroup")
    assert entry.actor_id is None and entry.actor_username == "system"

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    out = StringIO()
    call_command("insights_regroup", "--schedule", stdout=out)
    call_command("insights_regroup", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == [
        "Booked the nightly theme regrouping.",
        "The nightly theme regrouping is already booked.",
    ]
    [booked] = DBTaskResult.objects.all()
    assert booked.run_after == next_run_after(timezone.now())


def test_the_nightly_run_regroups_the_current_and_previous_period():
    assert default_since(date(2026, 1, 15), "quarter") == date(2025, 10, 1)
    assert default_since(date(2026, 3, 1), "month") == date(2026, 2, 1)
