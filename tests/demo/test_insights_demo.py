"""The demo's field insights: every review state, releases that name nobody, a report for every
text that screens as a possible adverse event and a PV queue in every state, themes the lead
curated, actions, the product manager's questions at every stage — deterministic, on the
demo's timeline, with an audit chain that verifies.

One small demo is seeded for the whole module (twice, to compare) and rolled back at the end.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone

from kolbridge.core.audit import audit_verify
from kolbridge.core.models import AuditEntry
from kolbridge.demo.data import PRODUCTS
from kolbridge.demo.insight_words import (
    AE_FRAMES,
    AE_HARMS,
    GROUP_OPENERS,
    INSTITUTION_OPENERS,
    NAMED_OPENERS,
    PLAIN_OPENER,
    TOPICS,
)
from kolbridge.demo.insights import HISTORY_DAYS
from kolbridge.demo.seed import ANCHOR, seed_demo
from kolbridge.insights.deidentify import remaining_identifiers
from kolbridge.insights.models import (
    AdverseEventReport,
    AeSource,
    AeStatus,
    Insight,
    InsightAction,
    InsightStatus,
    PmQuestion,
    PmQuestionStatus,
    Theme,
    ThemeStatus,
)
from kolbridge.insights.screening import screen
from kolbridge.insights.services import known_names
from kolbridge.kols.models import Kol

pytestmark = pytest.mark.django_db

SMALL: dict[str, Any] = {"kols": 40, "interactions": 700, "seed": 7, "content": False}
TODAY = timezone.localdate()
PRODUCT_NAMES = [name for spec in PRODUCTS for name in (spec.name, spec.generic_name)]
GENERIC = {spec.name: spec.generic_name for spec in PRODUCTS}
# The one topic clause a recall-first screener flags on purpose (see insight_words.py).
FALSE_ALARM = "the step-up doses of {brand} need an inpatient bed for several days, and beds are"


@dataclass(frozen=True)
class Demo:
    first: dict[str, list[Any]]  # the insights as the first of two seeds wrote them
    second: dict[str, list[Any]]  # ... and as the second wrote them; this one stays loaded
    media: Path  # where its safety-system exports went


def _dump() -> dict[str, list[Any]]:
    """What the seed wrote, by content rather than by key (PostgreSQL's sequences do not roll
    back)."""
    return {
        "insights": list(
            Insight.objects.order_by("pk").values_list(
                "text",
                "original_text",
                "category",
                "product__name",
                "status",
                "captured_by__username",
                "captured_at",
                "reviewed_at",
                "review_note",
                "merged_into__text",
                "released_text",
                "released_at",
                "tags",
            )
        ),
        "kols": sorted(Insight.kols.through.objects.values_list("insight__text", "kol__last_name")),
        "reports": list(
            AdverseEventReport.objects.order_by("pk").values_list(
                "excerpt",
                "status",
                "received_at",
                "due_at",
                "forwarded_at",
                "safety_case_id",
                "closed_at",
                "close_reason",
            )
        ),
        "questions": list(
            PmQuestion.objects.order_by("pk").values_list(
                "text", "status", "asked_at", "routed_at", "answered_at", "answer_summary"
            )
        ),
        "themes": list(
            Theme.objects.order_by("pk").values_list(
                "name", "key_terms", "size", "trend", "status", "released_at", "released_summary"
            )
        ),
        "actions": list(
            InsightAction.objects.order_by("pk").values_list(
                "decision", "action", "status", "decided_at", "done_at", "due_on", "owner__username"
            )
        ),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Demo]:
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            seed_demo(**SMALL, today=TODAY)
            first = _dump()
            transaction.set_rollback(True)
        with transaction.atomic():
            seed_demo(**SMALL, today=TODAY)
            yield Demo(first, _dump(), media)
            transaction.set_rollback(True)


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(TODAY, time.min))


# --- the words, without a database ------------------------------------------------------------

_ALTERNATIVES = re.compile(r"\[([^\[\]]+)\]")


def _ways(clause: str) -> list[str]:
    """Every way a clause with ``[a|b]`` choices can be said."""
    parts = _ALTERNATIVES.split(clause)
    options = [part.split("|") if i % 2 else [part] for i, part in enumerate(parts)]
    return ["".join(chosen) for chosen in itertools.product(*options)]


@pytest.mark.django_db(databases=[])
def test_topic_wording_screens_clean_except_the_one_false_alarm() -> None:
    openers = (PLAIN_OPENER, *NAMED_OPENERS, *INSTITUTION_OPENERS, *GROUP_OPENERS)
    flagged: Counter[str] = Counter()
    for topic in TOPICS:
        brand = topic.product or "Tavriqo"
        words = {
            "brand": brand,
            "generic": GENERIC[brand],
            "name": "Dr Chen",
            "institution": "Lakeshore University Hospital",
            "age": 80,
            "n": 7,
            "weeks": 4,
            "pct": 30,
        }
        for facet in topic.facets:
            assert not screen(facet.reworded.format(**words), PRODUCT_NAMES).possible_ae
            for clause in facet.clauses:
                for said, opener in itertools.product(_ways(clause), openers):
                    for detail in ("", *topic.details):
                        text = f"{opener.format(clause=said.format(**words), **words)}. "
                        text += detail.format(**words)
                        if screen(text, PRODUCT_NAMES).possible_ae:
                            flagged[clause] += 1
        for text in (topic.summary.format(size=12), topic.action.action, topic.action.outcome):
            assert not screen(text, PRODUCT_NAMES).possible_ae
    assert list(flagged) == [next(c for c in flagged if c.startswith(FALSE_ALARM))]


@pytest.mark.django_db(databases=[])
def test_every_adverse_event_frame_screens_positive_for_every_harm() -> None:
    for (frame, _), (product, harms) in itertools.product(AE_FRAMES, AE_HARMS.items()):
        for harm in harms:
            text = frame.format(
                brand=product,
                generic=GENERIC[product],
                name="Dr Chen",
                institution="Lakeshore University Hospital",
                age=67,
                harm=harm,
            )
            assert screen(text, PRODUCT_NAMES).possible_ae, text


def test_seed_demo_can_leave_the_insights_out() -> None:
    # Before the tests that load the module's demo: this one needs an empty database.
    stdout = StringIO()
    call_command(
        "seed_demo",
        *("--kols", "10", "--interactions", "100", "--insights", "0", "--no-content"),
        stdout=stdout,
        stderr=StringIO(),
    )
    assert "no insights" in stdout.getvalue()
    assert not Insight.objects.exists() and not Theme.objects.exists()
    assert not PmQuestion.objects.exists()


# --- the seeded demo ----------------------------------------------------------------------------


def test_the_same_seed_on_the_same_day_writes_the_same_insights(demo: Demo) -> None:
    assert len(demo.first["insights"]) >= 300
    assert demo.first == demo.second


def test_insights_are_in_every_review_state(demo: Demo) -> None:
    statuses = Counter(Insight.objects.values_list("status", flat=True))
    assert set(statuses) == set(InsightStatus.values)
    assert statuses[InsightStatus.ACCEPTED] > statuses[InsightStatus.NEW] > 0
    assert statuses[InsightStatus.REJECTED] > 0 and statuses[InsightStatus.MERGED] > 0
    assert not Insight.objects.filter(status=InsightStatus.REJECTED, review_note="").exists()
    reworded = Insight.objects.exclude(original_text="")
    assert reworded.exists()
    assert all(i.status == InsightStatus.ACCEPTED and i.text != i.original_text for i in reworded)
    for duplicate in Insight.objects.filter(status=InsightStatus.MERGED).select_related(
        "merged_into"
    ):
        kept = duplicate.merged_into
        assert kept is not None and kept.status == InsightStatus.ACCEPTED
        assert kept.captured_at < duplicate.captured_at
        assert set(duplicate.kols.all()) <= set(kept.kols.all())
    reviewed = Insight.objects.exclude(reviewed_at=None).select_related("reviewed_by")
    assert all(i.reviewed_by.username == "lead1" for i in reviewed)
    assert all(i.captured_at < i.reviewed_at < _start_of_today() for i in reviewed)
    # The newest still wait for review; so does all of the other team's MSL.
    newest = Insight.objects.order_by("-captured_at")[:5]
    assert all(i.status == InsightStatus.NEW for i in newest)
    other_team = Insight.objects.filter(captured_by__username="msl_b")
    assert other_team.exists()
    assert not other_team.exclude(status=InsightStatus.NEW).exists()


def test_insights_come_from_the_msls_own_kols_and_meetings_over_the_months(demo: Demo) -> None:
    start = min(ANCHOR, _start_of_today()) - timedelta(days=HISTORY_DAYS)
    insights = Insight.objects.select_related("captured_by", "interaction", "product")
    assert not insights.filter(captured_at__gte=_start_of_today()).exists()
    assert not insights.filter(captured_at__lt=start).exists()
    months = {f"{i.captured_at:%Y-%m}" for i in insights}
    assert len(months) >= 12
    linked = insights.exclude(interaction=None)
    assert linked.count() > insights.count() // 2
    for insight in linked:
        interaction = insight.interaction
        assert interaction.status == "completed" and interaction.owner == insight.captured_by
        assert interaction.completed_at <= insight.captured_at
        # A merged duplicate's KOLs join the insight it repeats, as insight_merge does.
        joined = Kol.objects.filter(insights__merged_into=insight)
        assert set(insight.kols.all()) <= set(interaction.kols.all()) | set(joined)
    for insight in insights:
        assert insight.captured_by.role == "msl"
        territories = set(insight.kols.values_list("territory_id", flat=True))
        assert territories <= {insight.captured_by.territory_id}
        if insight.product is not None:
            assert insight.product.therapeutic_area_id == insight.therapeutic_area_id
    assert len(set(insights.values_list("category", flat=True))) == 7
    assert Insight.objects.values("text").distinct().count() > 0.7 * insights.count()


def test_released_insights_name_nobody_and_went_through_review(demo: Demo) -> None:
    released = Insight.objects.exclude(released_at=None).select_related("released_by")
    assert released.count() >= 20
    names, institutions = known_names()
    last_names = set(Kol.objects.values_list("last_name", flat=True))
    for insight in released:
        assert remaining_identifiers(insight.released_text, names, institutions) == []
        assert not any(re.search(rf"\b{re.escape(n)}\b", insight.released_text) for n in last_names)
        assert insight.status == InsightStatus.ACCEPTED and insight.category != "safety"
        assert insight.released_by is not None and insight.released_by.username == "lead1"
        assert insight.reviewed_at < insight.released_at < _start_of_today()
    assert not released.filter(
        pk__in=AdverseEventReport.objects.exclude(harms=[]).values("source_id")
    ).exists()


def test_every_text_that_screens_as_an_adverse_event_has_its_report(demo: Demo) -> None:
    reported = set(
        AdverseEventReport.objects.filter(source_type=AeSource.INSIGHT).values_list(
            "source_id", flat=True
        )
    )
    for insight in Insight.objects.all():
        captured = insight.original_text or insight.text
        assert screen(captured, PRODUCT_NAMES).possible_ae == (insight.pk in reported), captured
    assert len(reported) >= 20


def test_the_pv_queue_has_reports_in_every_status_on_the_24_hour_clock(demo: Demo) -> None:
    now = timezone.now()
    reports = AdverseEventReport.objects.all()
    statuses = Counter(reports.values_list("status", flat=True))
    assert set(statuses) == set(AeStatus.values)
    assert statuses[AeStatus.FORWARDED] > statuses[AeStatus.NOT_AE]
    captured = dict(Insight.objects.values_list("pk", "captured_at"))
    for report in reports:
        assert report.received_at == captured[report.source_id]
        assert report.due_at - report.received_at == timedelta(hours=24)
        assert report.reporter is not None and report.reporter.role == "msl"
    open_ = reports.filter(status=AeStatus.OPEN)
    assert open_.filter(due_at__lt=now).count() >= 2
    assert all(r.received_at > _start_of_today() - timedelta(days=4) for r in open_)
    for report in reports.filter(status=AeStatus.FORWARDED):
        assert report.received_at < report.forwarded_at < _start_of_today()
        assert report.safety_case_id.startswith("SC-")
        assert (demo.media / report.export_file.name).is_file()
    late = reports.filter(status=AeStatus.FORWARDED, forwarded_at__gt=F("due_at"))
    assert late.count() < statuses[AeStatus.FORWARDED] // 4
    for report in reports.filter(status=AeStatus.NOT_AE):
        assert report.close_reason and report.closed_by is not None
        assert report.received_at < report.closed_at < _start_of_today()


def test_themes_have_names_sizes_and_trends_and_the_leads_edits(demo: Demo) -> None:
    active = Theme.objects.filter(status=ThemeStatus.ACTIVE).annotate(members=Count("memberships"))
    assert active.count() >= 20
    for theme in active:
        assert theme.name and theme.size == theme.members >= 1
        assert sum(n for _, n in theme.trend) == theme.size
        assert theme.created_at < _start_of_today()
    merged = Theme.objects.filter(status=ThemeStatus.MERGED)
    assert merged.count() == 1 and merged[0].merged_into is not None
    assert AuditEntry.objects.filter(action="theme.split").count() == 1
    named = active.exclude(named_by=None)
    assert named.count() >= 5
    released = active.exclude(released_at=None)
    assert released.count() >= 3
    for theme in released:
        assert theme.released_summary and theme.named_by is not None
        assert theme.memberships.filter(insight__released_at__lt=theme.released_at).exists()
        assert theme.created_at < theme.released_at < _start_of_today()
        assert theme.period_end < theme.released_at.date()


def test_actions_are_open_and_done_on_themes_and_insights(demo: Demo) -> None:
    actions = InsightAction.objects.all()
    assert actions.filter(status="open").exists() and actions.filter(status="done").exists()
    assert actions.exclude(theme=None).exists() and actions.exclude(insight=None).exists()
    no_action = actions.filter(decision="no_action")
    assert no_action.exists()
    assert all(a.status == "done" and a.done_at == a.decided_at for a in no_action)
    for action in actions.filter(status="done").exclude(decision="no_action"):
        assert action.outcome and action.decided_at < action.done_at < _start_of_today()
    for action in actions.exclude(insight=None).select_related("insight"):
        assert action.insight.status == InsightStatus.ACCEPTED
        assert action.insight.reviewed_at < action.decided_at


def test_pm_questions_are_at_every_stage(demo: Demo) -> None:
    questions = PmQuestion.objects.all()
    assert set(questions.values_list("status", flat=True)) == set(PmQuestionStatus.values)
    assert all(q.asked_by.username == "pm1" for q in questions)
    names, institutions = known_names()
    for question in questions.filter(status=PmQuestionStatus.ANSWERED):
        answers = question.insights.all()
        assert answers.exists() and not answers.filter(released_at=None).exists()
        assert remaining_identifiers(question.answer_summary, names, institutions) == []
        assert question.asked_at < question.routed_at < question.answered_at
        assert all(a.released_at < question.answered_at for a in answers)
    for question in questions.filter(status=PmQuestionStatus.ROUTED):
        msls = set(question.routed_to.all())
        assert msls and all(m.role == "msl" and m.manager.username == "lead1" for m in msls)
        assert question.insights.exists()
        assert all(a.captured_by in msls for a in question.insights.all())
    for question in questions.filter(status=PmQuestionStatus.DECLINED):
        assert question.decline_reason and question.answered_at > question.asked_at
    asked = questions.filter(status=PmQuestionStatus.ASKED)
    assert not asked.filter(Q(routed_at__isnull=False) | Q(insights__isnull=False)).exists()


def test_the_audit_chain_verifies_and_says_where_dates_were_placed(demo: Demo) -> None:
    result = audit_verify()
    assert result.ok, result.problem
    entries = AuditEntry.objects.all()
    captured = entries.filter(action="insight.capture").count()
    assert entries.filter(action="insight.seed").count() + captured == Insight.objects.count()
    assert entries.filter(action="adverse_event.open").count() == AdverseEventReport.objects.count()
    placed = entries.filter(
        action="adverse_event.seed_history", actor_username="system (demo seed)"
    )
    assert placed.count() == AdverseEventReport.objects.count()
    assert entries.filter(action="pm_question.seed_history").count() == PmQuestion.objects.count()
    assert entries.filter(action="theme.regroup").exists()
