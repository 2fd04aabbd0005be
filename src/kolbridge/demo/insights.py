"""Demo insights: what the MSLs learned in the field over eighteen months, its medical review
and release to commercial, the adverse events KOLs mentioned and the pharmacovigilance queue,
themes across the insights as medical leads curated them, what was done about them, and the
product manager's questions at every stage.

Where the words come from: ``insight_words.py`` holds topics (renal dosing in the elderly,
prior-authorisation delays, a competitor's oral formulation ...) per product and per area, each
with a few angles and many ways to say them; an insight is one angle of one topic, said with
an opener ("Dr Chen says ...", "At Lakeshore University Hospital, ..."), numbers and sometimes
a second sentence. Topics are weighted, and some rise or fall over the months, so the grouping
finds real themes with real trends. Most insights come from a completed demo interaction (the
MSL who led it captured it, about its attendees, within two hours of its end); the rest from
KOLs of the MSL's territory met elsewhere. MSLs capture more as the months go by (the tool is
being adopted).

Two ways in, like the rest of the demo:

- **Written directly** (``RowWriter``, one ``insight.seed`` audit entry each, with the text and
  the review state): insights whose text the adverse-event screening finds clean, with their
  medical review (accepted, some reworded; rejected with a note; merged into the earlier
  insight they repeat, whose KOLs they join; or still new). Every text is screened first with
  the same screening the capture service runs, so nothing that would have opened a report is
  written this way.
- **Through the services**, as the people would act: every insight whose text screens as a
  possible adverse event (``insight_capture``, which opens the report), its review, and the PV
  officer forwarding it (with its export file) or closing it as not an adverse event with a
  reason; releases to commercial (``release_suggestion``, the lead's check, then
  ``insight_release``); actions on insights and themes; the product manager's questions, their
  routing, the answering insights and the answers or refusals; and, after one
  ``theme_regroup_all``, the lead's renames, merge, split and theme releases.

The services stamp the moment they run; the story happens before the day the seed runs. So
each service step is planned at its moment of the story, the steps run in that order (every
rule is checked against the state the story has reached), and the times each step wrote are
set to its moment right after it ran; one ``<type>.seed_history`` audit entry per such record
says where its dates were placed. The services' own audit entries keep the true time.

Times: history up to the demo's anchor date, and the present relative to the day the seed runs
(the newest insights still await review, reports received in the last days are open in the PV
queue, some past their 24-hour clock); nothing is dated on or after the start of that day.

Medical review is by each MSL's medical lead; an MSL with no lead in the demo (``msl_b``, the
other team) keeps their insights new. The same seed on the same day writes the same story:
every choice comes from one random stream drawn in a fixed order, over rows read in key order.
"""

from __future__ import annotations

import heapq
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as day_time
from functools import cache, partial
from typing import Any, cast

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from kolbridge.core.audit import AuditEvent, audit_record_many
from kolbridge.core.models import Product, Role, TherapeuticArea, User
from kolbridge.demo.data import PRODUCTS
from kolbridge.demo.insight_words import (
    AE_CATEGORY_WEIGHTS,
    AE_FRAMES,
    AE_HARMS,
    GROUP_OPENERS,
    INSIGHT_ACTIONS,
    INSTITUTION_OPENERS,
    MERGE_NOTES,
    NAMED_OPENERS,
    NOT_AE_REASONS,
    PLAIN_OPENER,
    PM_QUESTIONS,
    REJECTION_NOTES,
    SAFETY,
    SAFETY_REVIEW_NOTE,
    TOPICS,
    ActionSpec,
    PmQuestionSpec,
    Topic,
)
from kolbridge.demo.rows import SEED_ACTOR_LABEL, IdSequence, RowWriter, working_time
from kolbridge.engagements.models import Interaction, InteractionAttendee, InteractionStatus
from kolbridge.insights.models import (
    AdverseEventReport,
    AeSource,
    Decision,
    Insight,
    InsightAction,
    InsightStatus,
    PmQuestion,
    Theme,
    ThemeMembership,
    ThemeStatus,
)
from kolbridge.insights.screening import screen
from kolbridge.insights.services import (
    action_complete,
    action_record,
    ae_close_not_ae,
    ae_forward,
    insight_capture,
    insight_release,
    insight_review,
    pm_question_answer,
    pm_question_ask,
    pm_question_decline,
    pm_question_route,
    release_suggestion,
)
from kolbridge.insights.tasks import NIGHTLY_AT
from kolbridge.insights.themes import (
    MIN_THEME_SIZE,
    theme_merge,
    theme_regroup_all,
    theme_release,
    theme_rename,
    theme_split,
)
from kolbridge.kols.models import Kol

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)

# ``seed-demo``'s default: one insight for every two interactions asked for, at most this many
# (the large benchmark seeds need no more to show themes).
INSIGHTS_PER_INTERACTION = 0.5
MAX_DEFAULT_INSIGHTS = 4000
HISTORY_DAYS = 548  # eighteen months of insights before the anchor (and the weeks since)
# Capture grows as MSLs adopt the tool: the rate at the start of the history, relative to now.
FIRST_RATE = 0.35
LINKED_SHARE = 0.8  # insights captured from a completed interaction
AREA_LEVEL_SHARE = 0.15  # about the area as a whole rather than the product discussed
AE_SHARE = 0.08  # texts that mention a possible adverse event
AE_KIND_WEIGHTS = (("case", 75), ("competitor", 15), ("hearsay", 10))
DETAIL_SHARE = 0.3  # insights with a second sentence
OPENER_WEIGHTS = ((PLAIN_OPENER,), NAMED_OPENERS, INSTITUTION_OPENERS, GROUP_OPENERS)
OPENER_SHARES = (45, 30, 12, 13)
# Medical review: days from capture, and how it ends.
REVIEW_DAYS = (1, 2, 3, 5, 7, 10, 14)
REVIEW_DAY_WEIGHTS = (10, 20, 20, 20, 15, 10, 5)
BACKLOG_SHARE = 0.02  # never reviewed
REJECT_SHARE = 0.07
REWORD_SHARE = 0.15
DUPLICATE_SHARE = 0.12  # of the insights that repeat a recent one of the same MSL and topic
DUPLICATE_DAYS = 45
RELEASE_SHARE = 0.16  # of the accepted insights that may go to commercial
POLISHED_SHARE = 0.7  # releases where the lead smoothed the automatic wording
INSIGHT_ACTION_SHARE = 0.025  # of the accepted insights
DONE_SHARE = 0.6  # of the actions that are not "no action"
# Pharmacovigilance: hours from receipt to forwarding or closing; some reports run late.
HANDLING_HOURS = (1, 20)
LATE_HOURS = (25, 40)
LATE_SHARE = 0.06
DUPLICATE_CASE_SHARE = 0.1  # cases closed because the hospital reported them already
# The present of the safety story, whatever the size: (MSL of the lead's team by order, days
# before today, what PV has done). Two open reports are past their clock by any hour of today.
PRESENT_SAFETY: tuple[tuple[int, int, str], ...] = (
    (0, 1, "open"),
    (0, 3, "open"),
    (1, 2, "open"),
    (2, 4, "forward"),
    (3, 5, "close"),
)
# Themes the lead curates: released (at most one a group), renamed besides, acted on besides.
THEMES_RELEASED = 8
THEMES_RENAMED = 3
THEMES_ACTED_ON = 4
# A theme is about a topic when this share of its insights is.
CLEAR_SHARE = 0.6
# When the lead works on a past quarter's themes: days after it ends.
THEME_EDIT_DAYS = (4, 25)

Row = tuple[Any, ...]
INSIGHT_COLUMNS = (
    "id",
    "text",
    "category",
    "therapeutic_area",
    "product",
    "interaction",
    "tags",
    "captured_by",
    "captured_at",
    "status",
    "original_text",
    "reviewed_by",
    "reviewed_at",
    "review_note",
    "merged_into",
    "released_text",
    "version",
)
SEED_HISTORY_REASON = (
    "Demo data: the seed took these steps through the services and placed their dates on the "
    "demo's timeline."
)
GENERIC_NAMES = {spec.name: spec.generic_name for spec in PRODUCTS}
# "[a|b]" in a clause: one of the ways to say it, drawn per insight.
_ALTERNATIVES = re.compile(r"\[([^\[\]]+)\]")


def default_insight_count(interactions: int) -> int:
    """How many insights ``seed-demo`` writes for this many interactions."""
    return min(MAX_DEFAULT_INSIGHTS, round(interactions * INSIGHTS_PER_INTERACTION))


def seed_insights(
    *, seed: int, count: int, anchor: datetime, today: date, users: dict[str, User]
) -> None:
    """Load about ``count`` insights (and the answers to the product manager's questions)
    with their review, releases, adverse-event reports, themes and actions, into a database
    whose KOLs and engagements are seeded. Nothing is written when no MSL has KOLs."""
    InsightSeeder(
        rng=random.Random(f"{seed}:insights"),
        count=count,
        anchor=anchor,
        today=today,
        users=users,
    ).run()


@dataclass(frozen=True)
class _Kol:
    pk: int
    name: str  # as an MSL addresses them: "Dr Chen", "Prof. Rossi"
    institution: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class _Meeting:
    """A completed interaction an insight was captured from."""

    pk: int
    msl: int
    area: str
    ended: datetime
    kols: tuple[int, ...]
    products: tuple[str, ...]


@dataclass
class _Planned:
    """One insight before it is written, with its review."""

    msl: User
    area: str
    product: str | None
    topic: Topic | None  # None: a text about an adverse event
    facet: int
    text: str
    category: str
    tags: list[str]
    kols: list[int]
    interaction: int | None
    captured_at: datetime
    words: dict[str, Any]
    clause: str = ""
    # For texts that screen positive: whose case it is ("case", "competitor", "hearsay"; a
    # topic text the screening flags is a false alarm, "topic").
    ae: str | None = None
    outcome: str | None = None  # what PV does, when the story fixes it ("open", ...)
    status: str = InsightStatus.NEW
    reviewed_at: datetime | None = None
    note: str = ""
    reworded: str = ""
    kept: _Planned | None = None  # the insight this one repeats
    question: PmQuestion | None = None  # the product manager's question it answers
    pk: int = 0


class InsightSeeder:
    """Plans the insights story from one random stream, writes the clean history directly,
    runs the rest through the services in story order, then groups themes and lets the lead
    curate them."""

    def __init__(
        self,
        *,
        rng: random.Random,
        count: int,
        anchor: datetime,
        today: date,
        users: dict[str, User],
    ) -> None:
        self.rng = rng
        self.count = count
        self.today_start = timezone.make_aware(datetime.combine(today, day_time.min))
        # Eighteen months back from the end of the history (the anchor, or today if earlier).
        self.start = min(anchor, self.today_start) - HISTORY_DAYS * DAY
        self.lead = next(u for u in users.values() if u.role == Role.MEDICAL_LEAD)
        self.pv = next(u for u in users.values() if u.role == Role.PV_OFFICER)
        self.pm = next(u for u in users.values() if u.role == Role.PRODUCT_MANAGER)
        # Every MSL with a territory, by territory; the lead's team first, in username order.
        msls = sorted(
            (u for u in users.values() if u.role == Role.MSL and u.territory_id),
            key=lambda u: (u.manager_id != self.lead.pk, u.username),
        )
        self.msl_of_territory = {u.territory_id: u for u in msls}
        self.team = [u for u in msls if u.manager_id == self.lead.pk]
        leads = {u.pk: u for u in users.values() if u.role == Role.MEDICAL_LEAD}
        # Who reviews each MSL's insights: their medical lead, if the demo has one.
        self.reviewer = {u.pk: leads[u.manager_id] for u in msls if u.manager_id in leads}
        self.area_ids = dict(TherapeuticArea.objects.values_list("code", "pk"))
        self.area_codes = {pk: code for code, pk in self.area_ids.items()}
        self.products = {p.name: p for p in Product.objects.order_by("pk")}
        self.products_of_area: dict[str, list[str]] = defaultdict(list)
        for product in self.products.values():
            self.products_of_area[self.area_codes[product.therapeutic_area_id]].append(product.name)
        self.product_names = [n for p in self.products.values() for n in (p.name, p.generic_name)]
        self.topics: dict[tuple[str, str | None], list[Topic]] = defaultdict(list)
        for topic in TOPICS:
            self.topics[(topic.area, topic.product)].append(topic)
        self.kols: dict[int, _Kol] = {}
        self.kols_of_msl: dict[int, list[int]] = defaultdict(list)
        self.steps: list[tuple[datetime, int, Callable[[], Any]]] = []  # a heap
        self.order = 0
        self.planned: list[_Planned] = []
        self.topic_of: dict[int, tuple[str | None, int]] = {}  # insight id -> (topic, facet)
        self.placed: dict[type[Model], set[int]] = defaultdict(set)
        self.released: dict[int, datetime] = {}  # insight id -> released at
        self.case_numbers = iter(range(self.rng.randrange(1000, 9000), 10**6))

    def run(self) -> None:
        self._load_kols()
        if not self.kols:
            return
        self._plan_history()
        self._plan_present_safety()
        self._screen()
        self._plan_review()
        self._write_history()
        self._plan_service_path()
        self._plan_releases()
        self._plan_insight_actions()
        self._plan_pm_questions()
        self._execute()
        theme_regroup_all()
        found = self._theme_creation()
        self._curate_themes()
        self._execute()
        for theme_id, at in found.items():
            self._place(Theme, theme_id, created_at=at)
        self._audit_history()

    # --- reading what the seed wrote before --------------------------------------------------

    def _load_kols(self) -> None:
        """The KOLs of the territories that have an MSL, with their areas."""
        territories = list(self.msl_of_territory)
        areas: dict[int, list[str]] = defaultdict(list)
        through = Kol.therapeutic_areas.through.objects.filter(kol__territory_id__in=territories)
        for kol_id, area_id in through.order_by("pk").values_list("kol_id", "therapeuticarea_id"):
            areas[kol_id].append(self.area_codes[area_id])
        rows = Kol.objects.filter(territory_id__in=territories).order_by("pk")
        for pk, title, last, institution, territory in rows.values_list(
            "pk", "title", "last_name", "institution", "territory_id"
        ):
            if areas[pk]:
                self.kols[pk] = _Kol(pk, f"{title} {last}", institution, tuple(areas[pk]))
                self.kols_of_msl[self.msl_of_territory[territory].pk].append(pk)

    def _meetings(self, how_many: int) -> list[_Meeting]:
        """``how_many`` completed interactions of the window to capture from (one may give
        several insights), chosen more often as the months go by."""
        if not how_many:
            return []
        # Completed interactions all have their completion time.
        rows = cast(
            list[tuple[int, int, int, datetime]],
            list(
                Interaction.objects.filter(
                    status=InteractionStatus.COMPLETED,
                    completed_at__gte=self.start,
                    completed_at__lt=self.today_start,
                )
                .order_by("pk")
                .values_list("pk", "owner_id", "therapeutic_area_id", "completed_at")
            ),
        )
        if not rows:
            return []
        chosen = self.rng.choices(rows, [self._rate(r[3]) for r in rows], k=how_many)
        wanted = sorted({r[0] for r in chosen})
        attendees: dict[int, list[int]] = defaultdict(list)
        products: dict[int, list[str]] = defaultdict(list)
        names = {p.pk: p.name for p in self.products.values()}
        for start in range(0, len(wanted), 900):
            batch = wanted[start : start + 900]
            for interaction_id, kol_id in (
                InteractionAttendee.objects.filter(interaction_id__in=batch)
                .order_by("pk")
                .values_list("interaction_id", "kol_id")
            ):
                attendees[interaction_id].append(kol_id)
            for interaction_id, product_id in (
                Interaction.products.through.objects.filter(interaction_id__in=batch)
                .order_by("pk")
                .values_list("interaction_id", "product_id")
            ):
                products[interaction_id].append(names[product_id])
        return [
            _Meeting(
                pk, owner, self.area_codes[area], ended, tuple(attendees[pk]), tuple(products[pk])
            )
            for pk, owner, area, ended in chosen
        ]

    # --- planning the history --------------------------------------------------------------

    def _rate(self, at: datetime) -> float:
        """How much the MSLs captured at ``at``, relative to now."""
        share = (at - self.start) / (self.today_start - self.start)
        return FIRST_RATE + (1 - FIRST_RATE) * min(1.0, max(0.0, share))

    def _plan_history(self) -> None:
        rng = self.rng
        msl_by_pk = {u.pk: u for u in self.msl_of_territory.values()}
        linked = round(self.count * LINKED_SHARE)
        for meeting in self._meetings(linked):
            kols = [k for k in meeting.kols if k in self.kols]
            captured = meeting.ended + QUARTER * rng.randint(0, 8)
            captured = min(captured, self.today_start - QUARTER)
            product = rng.choice(meeting.products) if meeting.products else None
            self._plan(msl_by_pk[meeting.msl], meeting.area, product, kols, meeting.pk, captured)
        msls = [u for u in self.msl_of_territory.values() if self.kols_of_msl[u.pk]]
        span = (self.today_start - self.start).days
        for _ in range(self.count - len(self.planned)):
            msl = rng.choice(msls)
            kol = self.kols[rng.choice(self.kols_of_msl[msl.pk])]
            while True:
                day = self.start + rng.randrange(span) * DAY
                if rng.random() < self._rate(day):
                    break
            captured = self._moment(day, back=True)
            area = rng.choice(kol.areas)
            product = rng.choice(self.products_of_area[area]) if rng.random() < 0.8 else None
            self._plan(msl, area, product, [kol.pk], None, captured)

    def _plan(
        self,
        msl: User,
        area: str,
        product: str | None,
        kols: list[int],
        interaction: int | None,
        captured_at: datetime,
    ) -> None:
        rng = self.rng
        if product is not None and rng.random() < AREA_LEVEL_SHARE:
            product = None
        if kols and rng.random() < AE_SHARE:
            self.planned.append(
                self._adverse_event(msl, area, product, kols, interaction, captured_at)
            )
            return
        topic = self._topic(area, product, captured_at)
        kol = self.kols[kols[0]] if kols else None
        words = self._words(topic.product, kol)
        facet = rng.randrange(len(topic.facets))
        clause = rng.choice(topic.facets[facet].clauses)
        self.planned.append(
            _Planned(
                msl=msl,
                area=area,
                product=topic.product,
                topic=topic,
                facet=facet,
                text=self._compose(topic, clause, words, kol is not None),
                category=topic.category,
                tags=list(topic.tags),
                kols=kols,
                interaction=interaction,
                captured_at=captured_at,
                words=words,
                clause=clause,
            )
        )

    def _topic(self, area: str, product: str | None, at: datetime) -> Topic:
        """A topic of the area (and product), weighted by how much it was talked about then."""
        topics = self.topics[(area, product)]
        share = (at - self.start) / (self.today_start - self.start)
        weights = [t.weight * (t.trend[0] + (t.trend[1] - t.trend[0]) * share) for t in topics]
        return self.rng.choices(topics, weights)[0]

    def _words(self, product: str | None, kol: _Kol | None) -> dict[str, Any]:
        rng = self.rng
        return {
            "brand": product or "",
            "generic": GENERIC_NAMES[product] if product else "",
            "name": kol.name if kol else "",
            "institution": kol.institution if kol else "",
            "age": rng.choice((75, 80, 85)),
            "n": rng.randint(3, 15),
            "weeks": rng.choice((2, 3, 4, 6, 8)),
            "pct": rng.choice((10, 15, 20, 25, 30, 40)),
        }

    def _compose(self, topic: Topic, clause: str, words: dict[str, Any], named: bool) -> str:
        """An MSL's sentence: an opener (naming the KOL or their hospital only when the insight
        has a KOL), the clause, and sometimes a second sentence."""
        rng = self.rng
        shares = OPENER_SHARES if named else (OPENER_SHARES[0], 0, 0, OPENER_SHARES[3])
        opener = rng.choice(rng.choices(OPENER_WEIGHTS, shares)[0])
        said = _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), clause)
        said = said.format(**words)
        if opener == PLAIN_OPENER:
            said = said[0].upper() + said[1:]
        text = opener.format(clause=said, **words) + "."
        if rng.random() < DETAIL_SHARE:
            text += " " + rng.choice(topic.details).format(**words)
        return text

    def _adverse_event(
        self,
        msl: User,
        area: str,
        product: str | None,
        kols: list[int],
        interaction: int | None,
        captured_at: datetime,
        kind: str | None = None,
    ) -> _Planned:
        """A KOL's mention of a harm in a patient on one of the area's products."""
        rng = self.rng
        product = product or rng.choice(self.products_of_area[area])
        kol = self.kols[kols[0]]
        words = self._words(product, kol)
        words["age"] = rng.randint(34, 86)
        words["harm"] = rng.choice(AE_HARMS[product])
        if kind is None:
            kind = rng.choices([k for k, _ in AE_KIND_WEIGHTS], [w for _, w in AE_KIND_WEIGHTS])[0]
        frame = rng.choice([f for f, k in AE_FRAMES if k == kind])
        category = rng.choices(
            [c for c, _ in AE_CATEGORY_WEIGHTS], [w for _, w in AE_CATEGORY_WEIGHTS]
        )[0]
        return _Planned(
            msl=msl,
            area=area,
            product=product,
            topic=None,
            facet=0,
            text=frame.format(**words),
            category=category,
            tags=["safety"],
            kols=kols,
            interaction=interaction,
            captured_at=captured_at,
            words=words,
            ae=kind,
        )

    def _plan_present_safety(self) -> None:
        """The PV queue of the last days, the same at every size: reports still open (two of
        them past their clock), one forwarded and one closed."""
        rng = self.rng
        team = [u for u in self.team if self.kols_of_msl[u.pk]]
        for index, days, outcome in PRESENT_SAFETY:
            if not team:
                return
            msl = team[index % len(team)]
            kol = self.kols[rng.choice(self.kols_of_msl[msl.pk])]
            captured = working_time(rng, self.today_start - days * DAY)
            kind = "competitor" if outcome == "close" else "case"
            planned = self._adverse_event(
                msl, rng.choice(kol.areas), None, [kol.pk], None, captured, kind
            )
            planned.outcome = outcome
            self.planned.append(planned)

    def _screen(self) -> None:
        """Screen every text as the capture service would: what screens positive goes through
        the service (which opens its report); a topic text that does is a false alarm PV will
        close."""
        for planned in self.planned:
            self._screened(planned)

    def _screened(self, planned: _Planned) -> None:
        if planned.ae is None and screen(planned.text, self.product_names).possible_ae:
            planned.ae = "topic"

    # --- medical review --------------------------------------------------------------------

    def _plan_review(self) -> None:
        """In capture order: who reviews, when, and with what result; an insight repeating a
        recent one of the same MSL and topic is merged into it."""
        rng = self.rng
        self.planned.sort(key=lambda p: p.captured_at)
        recent: dict[tuple[int, str], _Planned] = {}
        for planned in self.planned:
            if planned.msl.pk not in self.reviewer:
                continue
            at = self._after(planned.captured_at, REVIEW_DAYS, REVIEW_DAY_WEIGHTS)
            if at >= self.today_start or rng.random() < BACKLOG_SHARE:
                continue
            planned.reviewed_at = at
            planned.status = InsightStatus.ACCEPTED
            if planned.ae is not None or planned.topic is None:
                # Reviewed as captured: what the text says about a patient is PV's to judge.
                planned.note = SAFETY_REVIEW_NOTE if planned.ae != "topic" else ""
                continue
            key = (planned.msl.pk, planned.topic.key)
            kept = recent.get(key)
            repeats = (
                kept is not None
                and kept.reviewed_at is not None
                and kept.reviewed_at < at
                and planned.captured_at - kept.captured_at < DUPLICATE_DAYS * DAY
            )
            if kept is not None and repeats and rng.random() < DUPLICATE_SHARE:
                self._merge(planned, kept)
                continue
            if rng.random() < REJECT_SHARE:
                planned.status = InsightStatus.REJECTED
                planned.note = rng.choice(REJECTION_NOTES)
                continue
            if rng.random() < REWORD_SHARE:
                facet = planned.topic.facets[planned.facet]
                planned.reworded = facet.reworded.format(**planned.words)
            recent[key] = planned

    def _merge(self, duplicate: _Planned, kept: _Planned) -> None:
        """The duplicate says the kept insight's point again (its angle and words, its own
        opener); its KOLs join the kept insight, as ``insight_merge`` does."""
        assert kept.topic is not None  # only topic texts are merged
        duplicate.facet = kept.facet
        kol = self.kols[duplicate.kols[0]] if duplicate.kols else None
        duplicate.text = self._compose(kept.topic, kept.clause, duplicate.words, kol is not None)
        duplicate.status = InsightStatus.MERGED
        duplicate.kept = kept
        duplicate.note = self.rng.choice(MERGE_NOTES)
        kept.kols += [k for k in duplicate.kols if k not in kept.kols]

    # --- the history written directly --------------------------------------------------------

    def _write_history(self) -> None:
        adapt = cache(connection.ops.adapt_datetimefield_value)
        ids = IdSequence(Insight)
        rows: list[Row] = []
        kol_rows: list[Row] = []
        events: list[AuditEvent] = []
        for planned in self.planned:
            if planned.ae is not None:
                continue
            planned.pk = ids.take()
            self.topic_of[planned.pk] = (
                planned.topic.key if planned.topic else None,
                planned.facet,
            )
        for planned in self.planned:
            if planned.ae is not None:
                continue
            text = planned.reworded or planned.text
            original = planned.text if planned.reworded else ""
            reviewer = self.reviewer.get(planned.msl.pk) if planned.reviewed_at else None
            kept = planned.kept.pk if planned.kept else None
            rows.append(
                (
                    planned.pk,
                    text,
                    planned.category,
                    self.area_ids[planned.area],
                    self.products[planned.product].pk if planned.product else None,
                    planned.interaction,
                    planned.tags,
                    planned.msl.pk,
                    planned.captured_at,
                    planned.status,
                    original,
                    reviewer.pk if reviewer else None,
                    planned.reviewed_at,
                    planned.note,
                    kept,
                    "",
                    2 if planned.status in (InsightStatus.ACCEPTED, InsightStatus.REJECTED) else 1,
                )
            )
            kol_rows += [(planned.pk, k) for k in planned.kols]
            events.append(
                AuditEvent(
                    action="insight.seed",
                    object_type="insight",
                    object_id=str(planned.pk),
                    object_repr=f"Insight #{planned.pk}: {text[:60]}",
                    after={
                        "text": text,
                        "original_text": original,
                        "category": planned.category,
                        "therapeutic_area": planned.area,
                        "product": planned.product,
                        "kols": planned.kols,
                        "interaction": planned.interaction,
                        "tags": planned.tags,
                        "captured_by": planned.msl.username,
                        "captured_at": planned.captured_at,
                        "status": planned.status,
                        "reviewed_by": reviewer.username if reviewer else None,
                        "reviewed_at": planned.reviewed_at,
                        "review_note": planned.note,
                        "merged_into": kept,
                    },
                )
            )
        RowWriter(Insight, INSIGHT_COLUMNS, adapt).write(rows)
        RowWriter(Insight.kols.through, ("insight", "kol"), adapt).write(kol_rows)
        IdSequence.reset([ids])
        audit_record_many(events, actor=None, actor_label=SEED_ACTOR_LABEL)

    # --- planning the service steps ----------------------------------------------------------

    def _step(self, at: datetime, run: Callable[[], Any]) -> None:
        self.order += 1
        heapq.heappush(self.steps, (at, self.order, run))

    def _execute(self) -> None:
        """Run the planned steps in story order; a step may plan later ones (an action's
        completion once the action exists)."""
        while self.steps:
            _, _, run = heapq.heappop(self.steps)
            run()

    def _place(self, model: type[Model], pk: int, **moments: Any) -> None:
        """Set the times a service stamped on one record to the story's moments."""
        model._default_manager.filter(pk=pk).update(**moments)
        self.placed[model].add(pk)

    def _moment(self, day: datetime, *, back: bool = False) -> datetime:
        """A working hour of that day, off the weekend (``back``: to the Friday before)."""
        at = working_time(self.rng, day)
        if at.weekday() >= 5:
            at += (-(at.weekday() - 4) if back else 7 - at.weekday()) * DAY
        return at

    def _after(
        self, at: datetime, days: Sequence[int], weights: Sequence[int] | None = None
    ) -> datetime:
        """A working moment some ``days`` after ``at`` (drawn), always after it."""
        later = self._moment(at + self.rng.choices(days, weights)[0] * DAY)
        return later if later > at else at + self.rng.randint(1, 8) * QUARTER

    def _plan_service_path(self) -> None:
        """The texts that screen positive: captured through the service (which opens the
        report), reviewed by the lead, and forwarded or closed by PV."""
        for planned in self.planned:
            if planned.ae is None:
                continue
            self._step(planned.captured_at, partial(self._capture, planned))
            if planned.reviewed_at is not None:
                self._step(planned.reviewed_at, partial(self._review, planned))
            self._plan_pv(planned)

    def _plan_pv(self, planned: _Planned) -> None:
        rng = self.rng
        kind = planned.ae
        assert kind is not None
        outcome = planned.outcome
        if outcome is None:
            duplicate = kind == "case" and rng.random() < DUPLICATE_CASE_SHARE
            outcome = "forward" if kind == "case" and not duplicate else "close"
        if outcome == "open":
            return
        hours = LATE_HOURS if rng.random() < LATE_SHARE else HANDLING_HOURS
        handled = planned.captured_at + QUARTER * rng.randint(4 * hours[0], 4 * hours[1])
        if handled >= self.today_start:
            return
        if outcome == "forward":
            self._step(handled, partial(self._forward, planned, handled))
        else:
            reason = rng.choice(NOT_AE_REASONS[kind])
            self._step(handled, partial(self._close, planned, handled, reason))

    def _capture(self, planned: _Planned) -> None:
        insight = insight_capture(
            actor=planned.msl,
            text=planned.text,
            category=planned.category,
            therapeutic_area=planned.area,
            product=planned.product,
            kol_ids=planned.kols,
            interaction_id=planned.interaction,
            tags=planned.tags,
            pm_question_id=planned.question.pk if planned.question else None,
            captured_at=planned.captured_at,
        )
        planned.pk = insight.pk
        self.topic_of[insight.pk] = (planned.topic.key if planned.topic else None, planned.facet)
        for report in AdverseEventReport.objects.filter(
            source_type=AeSource.INSIGHT, source_id=insight.pk
        ):
            received = planned.captured_at
            self._place(
                AdverseEventReport,
                report.pk,
                received_at=received,
                due_at=received + (report.due_at - report.received_at),
            )

    def _review(self, planned: _Planned) -> None:
        insight_review(
            actor=self.reviewer[planned.msl.pk],
            insight=Insight.objects.get(pk=planned.pk),
            decision="accept",
            note=planned.note,
        )
        self._place(Insight, planned.pk, reviewed_at=planned.reviewed_at)

    def _forward(self, planned: _Planned, at: datetime) -> None:
        for report in AdverseEventReport.objects.filter(
            source_type=AeSource.INSIGHT, source_id=planned.pk
        ):
            case = f"SC-{at.year}-{next(self.case_numbers):06d}"
            ae_forward(actor=self.pv, report=report, safety_case_id=case)
            self._place(AdverseEventReport, report.pk, forwarded_at=at)

    def _close(self, planned: _Planned, at: datetime, reason: str) -> None:
        for report in AdverseEventReport.objects.filter(
            source_type=AeSource.INSIGHT, source_id=planned.pk
        ):
            ae_close_not_ae(actor=self.pv, report=report, reason=reason)
            self._place(AdverseEventReport, report.pk, closed_at=at)

    # --- releases and actions on insights ----------------------------------------------------

    def _releasable(self, planned: _Planned) -> bool:
        return (
            planned.ae is None
            and planned.status == InsightStatus.ACCEPTED
            and planned.category != SAFETY
        )

    def _plan_releases(self) -> None:
        rng = self.rng
        for planned in self.planned:
            if not self._releasable(planned) or rng.random() >= RELEASE_SHARE:
                continue
            assert planned.reviewed_at is not None
            at = self._after(planned.reviewed_at, (0, 1, 2, 4, 7, 10))
            if at < self.today_start:
                self._step(at, partial(self._release, planned, at))

    def _release(self, planned: _Planned, at: datetime) -> None:
        """The lead reads the automatic de-identification and releases it, mostly after
        smoothing the placeholders into words."""
        pk = planned.pk
        insight = Insight.objects.get(pk=pk)
        text = release_suggestion(insight)
        if self.rng.random() < POLISHED_SHARE:
            text = _smoothed(text)
        lead = self.reviewer[insight.captured_by_id]
        insight_release(actor=lead, insight=insight, released_text=text)
        self._place(Insight, pk, released_at=at)
        self.released[pk] = at

    def _plan_insight_actions(self) -> None:
        rng = self.rng
        for planned in self.planned:
            if not self._releasable(planned) or rng.random() >= INSIGHT_ACTION_SHARE:
                continue
            assert planned.reviewed_at is not None
            at = self._after(planned.reviewed_at, (1, 3, 7, 14, 21))
            spec = rng.choice(INSIGHT_ACTIONS)
            owner = planned.msl if spec.decision == Decision.ACT else self.reviewer[planned.msl.pk]
            self._plan_action(spec, at, owner, insight=planned)

    def _plan_action(
        self,
        spec: ActionSpec,
        at: datetime,
        owner: User,
        *,
        insight: _Planned | None = None,
        theme: int | None = None,
    ) -> None:
        """Record a decision at ``at`` (unless that is still to come); most decisions to act
        are done some weeks later, a "no action" is settled as it is recorded."""
        rng = self.rng
        if at >= self.today_start:
            return
        settled = spec.decision == Decision.NO_ACTION
        due = None if settled else (at + rng.randint(21, 60) * DAY).date()
        done = None
        if not settled and rng.random() < DONE_SHARE:
            done = self._after(at, (10, 20, 30, 45))
            done = done if done < self.today_start else None

        def record() -> None:
            row = action_record(
                actor=self.lead,
                decision=spec.decision,
                action=spec.action,
                owner_id=owner.pk,
                insight_id=insight.pk if insight else None,
                theme_id=theme,
                due_on=due,
            )
            self._place(InsightAction, row.pk, decided_at=at, done_at=at if settled else None)
            if done is not None:
                self._step(done, partial(self._complete, row, spec.outcome, done))

        self._step(at, record)

    def _complete(self, row: InsightAction, outcome: str, at: datetime) -> None:
        action_complete(actor=self.lead, action=row, outcome=outcome)
        self._place(InsightAction, row.pk, done_at=at)

    # --- the product manager's questions -----------------------------------------------------

    def _plan_pm_questions(self) -> None:
        """Each question at its stage: answered over the last year, declined, routed to MSLs
        who have started answering, or just asked."""
        rng = self.rng
        # The lead routes to MSLs who have KOLs to ask (any of the team in a tiny demo).
        answering = [u for u in self.team if self.kols_of_msl[u.pk]] or self.team
        ages = {"answered": (320, 250, 170, 90), "declined": (140, 45), "routed": (24, 12)}
        taken: dict[str, int] = defaultdict(int)
        for spec in PM_QUESTIONS:
            if spec.stage == "asked":
                days = 2 + 3 * taken[spec.stage]
            else:
                days = ages[spec.stage][taken[spec.stage] % len(ages[spec.stage])]
            taken[spec.stage] += 1
            asked = self._moment(self.today_start - days * DAY, back=True)
            msls = rng.sample(answering, min(2, len(answering)))
            self._step(asked, partial(self._ask, spec, asked, msls))

    def _ask(self, spec: PmQuestionSpec, at: datetime, msls: list[User]) -> None:
        question = pm_question_ask(actor=self.pm, product=spec.product, text=spec.text)
        self._place(PmQuestion, question.pk, asked_at=at)
        if spec.stage == "asked":
            return
        if spec.stage == "declined":
            declined = self._after(at, (1, 2, 3, 5))

            def decline() -> None:
                pm_question_decline(actor=self.lead, question=question, reason=spec.decline_reason)
                self._place(PmQuestion, question.pk, answered_at=declined)

            self._step(declined, decline)
            return
        routed = self._after(at, (1, 2, 3))

        def route() -> None:
            pm_question_route(
                actor=self.lead,
                question=question,
                msl_ids=[m.pk for m in msls],
                note=spec.routing_note,
            )
            self._place(PmQuestion, question.pk, routed_at=routed)

        self._step(routed, route)
        topic = next(t for t in TOPICS if t.key == spec.topic)
        answers = [(msl, self._after(routed, (2, 5, 8, 12, 16))) for msl in msls for _ in range(2)]
        answers = [(msl, at) for msl, at in answers if at < self.today_start]
        if spec.stage == "routed":
            answers = answers[: max(1, len(answers) // 2)]
        planned = [self._pm_answer(msl, topic, at, question) for msl, at in answers]
        if spec.stage != "answered" or not planned:
            return
        released = []
        for reply in planned:
            assert reply.reviewed_at is not None  # the answers to old questions are reviewed
            at = self._after(reply.reviewed_at, (0, 1, 2))
            released.append(at)
            self._step(at, partial(self._release, reply, at))
        answered = self._after(max(released), (1, 3, 5))

        def send_answer() -> None:
            pm_question_answer(
                actor=self.lead,
                question=question,
                summary=spec.summary,
                insight_ids=[a.pk for a in planned],
            )
            self._place(PmQuestion, question.pk, answered_at=answered)

        self._step(answered, send_answer)

    def _pm_answer(self, msl: User, topic: Topic, at: datetime, question: PmQuestion) -> _Planned:
        """An MSL's insight answering the question, captured for it and reviewed by the lead."""
        rng = self.rng
        theirs = self.kols_of_msl[msl.pk]
        kol = self.kols[rng.choice(theirs)] if theirs else None
        words = self._words(topic.product, kol)
        facet = rng.randrange(len(topic.facets))
        clause = rng.choice(topic.facets[facet].clauses)
        planned = _Planned(
            msl=msl,
            area=topic.area,
            product=topic.product,
            topic=topic,
            facet=facet,
            text=self._compose(topic, clause, words, kol is not None),
            category=topic.category,
            tags=[*topic.tags, "pm question"],
            kols=[kol.pk] if kol else [],
            interaction=None,
            captured_at=at,
            words=words,
            clause=clause,
            question=question,
        )
        reviewed = self._after(at, (1, 2, 3))
        if reviewed < self.today_start:
            planned.reviewed_at = reviewed
            planned.status = InsightStatus.ACCEPTED
        self._screened(planned)
        self._step(at, partial(self._capture, planned))
        if planned.reviewed_at is not None:
            self._step(planned.reviewed_at, partial(self._review, planned))
        if planned.ae is not None:
            self._plan_pv(planned)
        return planned

    # --- themes ------------------------------------------------------------------------------

    def _theme_creation(self) -> dict[int, datetime]:
        """When each theme the grouping found was first found: the night after its group held
        enough insights like it (after its third member was captured)."""
        captured: dict[int, list[datetime]] = defaultdict(list)
        for theme_id, at in ThemeMembership.objects.order_by(
            "theme_id", "insight__captured_at", "insight_id"
        ).values_list("theme_id", "insight__captured_at"):
            captured[theme_id].append(at)
        found = {}
        for theme_id, times in captured.items():
            third = times[min(MIN_THEME_SIZE, len(times)) - 1]
            night = timezone.localtime(third).date() + DAY
            found[theme_id] = timezone.make_aware(datetime.combine(night, NIGHTLY_AT))
        return found

    def _curate_themes(self) -> None:
        """The lead's work on past quarters' themes: merge the two themes of one group that
        say most nearly the same thing, split off the largest second angle of a theme, name the
        themes they release or act on, release the largest ones that hold a released insight
        (one a group), and record what will be done about them."""
        curation = _Curation(self)
        curation.merge()
        curation.split()
        curation.release()
        curation.name_and_act()

    def _theme_merge(self, source: Theme, target: Theme) -> None:
        theme_merge(actor=self.lead, theme=source, into=target)

    def _theme_rename(self, theme: Theme, name: str) -> None:
        theme_rename(actor=self.lead, theme=theme, name=name)

    def _theme_split(self, theme: Theme, moving: list[int], name: str, at: datetime) -> None:
        new = theme_split(actor=self.lead, theme=theme, insight_ids=moving, name=name)
        self._place(Theme, new.pk, created_at=at)

    def _theme_release(self, theme: Theme, summary: str, at: datetime) -> None:
        theme_release(actor=self.lead, theme=theme, summary=summary)
        self._place(Theme, theme.pk, released_at=at)

    # --- the audit entries that say where dates were placed --------------------------------

    def _audit_history(self) -> None:
        fields: dict[type[Model], tuple[str, tuple[str, ...]]] = {
            Insight: ("insight", ("captured_at", "reviewed_at", "released_at")),
            AdverseEventReport: (
                "adverse_event",
                ("received_at", "due_at", "forwarded_at", "closed_at"),
            ),
            PmQuestion: ("pm_question", ("asked_at", "routed_at", "answered_at")),
            InsightAction: ("insight_action", ("decided_at", "done_at")),
            Theme: ("theme", ("created_at", "released_at")),
        }
        events = []
        for model, (object_type, names) in fields.items():
            for row in model._default_manager.filter(pk__in=self.placed[model]).order_by("pk"):
                events.append(
                    AuditEvent(
                        action=f"{object_type}.seed_history",
                        object_type=object_type,
                        object_id=str(row.pk),
                        object_repr=str(row)[:200],
                        after={name: getattr(row, name) for name in names},
                        reason=SEED_HISTORY_REASON,
                    )
                )
        audit_record_many(events, actor=None, actor_label=SEED_ACTOR_LABEL)


def _group(theme: Theme) -> tuple[Any, ...]:
    return (theme.therapeutic_area_id, theme.product_id, theme.period_start)


class _Curation:
    """The lead's decisions on the themes of past quarters, planned as steps of the seeder.

    Each theme is read through its insights' topics and angles, which the seeder knows: the
    dominant topic names it and says what to do about it."""

    def __init__(self, seeder: InsightSeeder) -> None:
        self.seeder = seeder
        self.rng = seeder.rng
        today = seeder.today_start
        self.themes = list(
            Theme.objects.filter(status=ThemeStatus.ACTIVE, period_end__lt=today.date()).order_by(
                "pk"
            )
        )
        self.members: dict[int, list[int]] = defaultdict(list)
        for theme_id, insight_id in (
            ThemeMembership.objects.filter(theme__in=self.themes)
            .order_by("pk")
            .values_list("theme_id", "insight_id")
        ):
            self.members[theme_id].append(insight_id)
        self.topics = {t.key: t for t in TOPICS}
        # When the lead works on a theme: some days after its quarter ends, before today.
        self.at: dict[int, datetime] = {}
        for theme in self.themes:
            end = timezone.make_aware(datetime.combine(theme.period_end, day_time.min)) + DAY
            at = seeder._moment(end + self.rng.randint(*THEME_EDIT_DAYS) * DAY)
            self.at[theme.pk] = min(at, today - 3 * HOUR)
        self.names: dict[int, str] = {}
        self.touched: set[int] = set()  # merged, split or released: not renamed besides

    def by_size(self) -> list[Theme]:
        return sorted(self.themes, key=lambda t: (-len(self.members[t.pk]), t.pk))

    def angles(self, theme: Theme) -> list[tuple[tuple[str, int], int]]:
        """(topic, facet) of the theme's topic insights with their counts, largest first."""
        counted: Counter[tuple[str, int]] = Counter()
        for insight_id in self.members[theme.pk]:
            key, facet = self.seeder.topic_of.get(insight_id, (None, 0))
            if key is not None:
                counted[(key, facet)] += 1
        return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))

    def dominant(self, theme: Theme) -> Topic | None:
        """The topic most of the theme's insights are about, if a clear majority is."""
        counted: Counter[str] = Counter()
        for (key, _), n in self.angles(theme):
            counted[key] += n
        if not counted:
            return None
        key = min(counted, key=lambda k: (-counted[k], k))
        return (
            self.topics[key] if counted[key] >= CLEAR_SHARE * len(self.members[theme.pk]) else None
        )

    def name(self, theme: Theme, topic: Topic) -> str:
        """The topic's label; with its leading angle when the group has that name already."""
        if theme.pk in self.names:
            return self.names[theme.pk]
        taken = {
            self.names[t.pk]
            for t in self.themes
            if t.pk in self.names and _group(t) == _group(theme)
        }
        name = topic.label
        if name in taken:
            _, facet = self.angles(theme)[0][0]
            name = f"{topic.label}: {topic.facets[facet].label}"
        self.names[theme.pk] = name
        return name

    def merge(self) -> None:
        """Two themes of one group about the same topic (else of the same category), the
        largest such pair: the smaller goes into the larger, which the lead names after its
        topic."""
        clear: dict[tuple[Any, ...], list[tuple[Theme, Topic]]] = defaultdict(list)
        for theme in self.themes:
            if (topic := self.dominant(theme)) is not None:
                clear[_group(theme)].append((theme, topic))
        best: tuple[tuple[bool, bool, int, int], Theme, Theme, Topic] | None = None
        for pairs in clear.values():
            for a, ta in pairs:
                for b, tb in pairs:
                    if a.pk >= b.pk:
                        continue
                    size = len(self.members[a.pk]) + len(self.members[b.pk])
                    score = (ta.key == tb.key, ta.category == tb.category, size, -a.pk)
                    if best is None or score > best[0]:
                        larger = ta if len(self.members[a.pk]) >= len(self.members[b.pk]) else tb
                        best = (score, a, b, larger)
        if best is None:
            return
        _, a, b, topic = best
        source, target = (a, b) if len(self.members[a.pk]) < len(self.members[b.pk]) else (b, a)
        self.members[target.pk] += self.members.pop(source.pk)
        self.themes.remove(source)
        self.touched.add(target.pk)
        name = self.name(target, topic)
        at = self.at[target.pk]
        self.seeder._step(at, partial(self.seeder._theme_merge, source, target))
        self.seeder._step(at + QUARTER, partial(self.seeder._theme_rename, target, name))

    def split(self) -> None:
        """The theme whose second (topic, angle) is largest: those insights become a theme of
        their own, named by their angle."""
        best: tuple[int, int, Theme, tuple[str, int]] | None = None
        for theme in self.themes:
            found = self.angles(theme)
            if theme.pk in self.touched or len(found) < 2 or found[1][1] < 2:
                continue
            if best is None or (found[1][1], -theme.pk) > (best[0], best[1]):
                best = (found[1][1], -theme.pk, theme, found[1][0])
        if best is None:
            return
        _, _, theme, (key, facet) = best
        topic = self.topics[key]
        moving = [i for i in self.members[theme.pk] if self.seeder.topic_of.get(i) == (key, facet)]
        self.members[theme.pk] = [i for i in self.members[theme.pk] if i not in moving]
        self.touched.add(theme.pk)
        name = f"{topic.label}: {topic.facets[facet].label}"
        at = self.at[theme.pk] + HOUR
        self.seeder._step(at, partial(self.seeder._theme_split, theme, moving, name, at))

    def release(self) -> None:
        """The largest themes holding an insight released by then, one a group: named, then
        released with their topic's summary, and acted on."""
        seeder = self.seeder
        groups: set[tuple[Any, ...]] = set()
        # Released two hours after the lead's work on the theme and its first released insight.
        latest = seeder.today_start - QUARTER - 2 * HOUR
        for theme in self.by_size():
            if len(groups) == THEMES_RELEASED:
                break
            topic = self.dominant(theme)
            first = min(
                (seeder.released[i] for i in self.members[theme.pk] if i in seeder.released),
                default=None,
            )
            if topic is None or first is None or first >= latest or _group(theme) in groups:
                continue
            groups.add(_group(theme))
            self.touched.add(theme.pk)
            at = max(self.at[theme.pk], first + QUARTER) + 2 * HOUR
            named = theme.pk in self.names
            name = self.name(theme, topic)
            if not named:
                seeder._step(at - HOUR, partial(seeder._theme_rename, theme, name))
            summary = topic.summary.format(size=len(self.members[theme.pk]))
            seeder._step(at, partial(seeder._theme_release, theme, summary, at))
            seeder._plan_action(
                topic.action, seeder._after(at, (1, 3, 7)), seeder.lead, theme=theme.pk
            )

    def name_and_act(self) -> None:
        """The next largest themes: some named by the lead, some acted on."""
        seeder = self.seeder
        others = [
            (theme, topic)
            for theme in self.by_size()
            if theme.pk not in self.touched and (topic := self.dominant(theme)) is not None
        ]
        for theme, topic in others[:THEMES_RENAMED]:
            name = self.name(theme, topic)
            seeder._step(self.at[theme.pk], partial(seeder._theme_rename, theme, name))
        for theme, topic in others[THEMES_RENAMED : THEMES_RENAMED + THEMES_ACTED_ON]:
            at = seeder._after(self.at[theme.pk], (1, 5, 10))
            seeder._plan_action(topic.action, at, seeder.lead, theme=theme.pk)


def _smoothed(text: str) -> str:
    """The automatic wording as a lead would leave it: placeholders read as words."""
    for placeholder, words in (
        ("[name]'s", "a KOL's"),
        ("[name]", "a KOL"),
        ("[institution]", "their hospital"),
        ("[date]", "recently"),
    ):
        text = text.replace(placeholder, words)
    return text[0].upper() + text[1:]
