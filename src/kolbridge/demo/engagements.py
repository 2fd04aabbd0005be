"""Demo engagements: the interactions, inquiries and follow-ups of the KOLs the seed writes.

Two clocks, on purpose. The KOL histories are dated back from the fixed anchor (``seed.ANCHOR``)
so that a seed always writes the same rows; but a demo must look alive on the day it is opened:
meetings planned for today and the coming weeks, inquiries and follow-ups overdue now. So:

- **History** — completed and cancelled meetings, answered and closed inquiries, follow-ups done
  — lies on each KOL's own timeline, from the start of its history up to the anchor, in the
  same frame as its stage changes and scientific questions: a question the KOL asked is raised
  in a meeting at the very time it was asked, and the two are linked.
- **The present** — meetings planned for the next four weeks (two today for each MSL), meetings
  of the last thirty days with their open follow-ups, open inquiries of the last three weeks —
  is placed relative to the day the seed runs, at offsets drawn from the seed.

One seed therefore writes the same rows on the same day; on another day the present moves by
whole days (due dates following the business-day calendar) and the history is identical. A
database seeded one day and opened weeks later shows that present aging, as real data would.

Only the KOLs of territories that have an MSL get engagements: every interaction is owned by
the MSL of its KOLs' territory. ``--interactions`` is spread over those KOLs by tier and by how
long each has been followed, and the total is exact (see ``EngagementGenerator.quotas``).

Rows are written with ``RowWriter`` like the KOL history. Each interaction and each inquiry
gets one ``<type>.seed`` audit entry, in the style of ``kol.seed``: a summary of the record and
of what was created with it (attendees, questions raised, follow-ups), no free text.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kolbridge.core.audit import AuditEvent, audit_record_many
from kolbridge.demo.data import (
    AREA_IN_SENTENCE,
    CANCEL_REASONS,
    FOLLOW_UP_TITLES,
    INQUIRY_QUESTIONS,
    NEXT_STEPS,
    NOTES,
    OBJECTIVES,
    OUTCOMES,
    QUESTIONS,
    REACTIVE_OBJECTIVES,
    TOPICS,
    ProductSpec,
)
from kolbridge.demo.rows import SEED_ACTOR_LABEL, IdSequence, Row, RowWriter, working_time
from kolbridge.demo.words import draw_question
from kolbridge.engagements.clock import inquiry_due_at
from kolbridge.engagements.models import (
    FollowUp,
    FollowUpStatus,
    Inquiry,
    InquirySource,
    InquiryStatus,
    Interaction,
    InteractionAttendee,
    InteractionKind,
    InteractionQuestion,
    InteractionStaff,
    InteractionStatus,
    Urgency,
)
from kolbridge.kols.models import Channel, QuestionStatus, ScientificQuestion

# ``seed-demo``'s default: about twenty interactions per KOL, the benchmark's ratio too.
INTERACTIONS_PER_KOL = 20
# Unsolicited requests per interaction over a KOL's history.
INQUIRIES_PER_INTERACTION = 0.08
PLANNED_DAYS = 28  # the present: meetings planned up to four weeks ahead ...
RECENT_DAYS = 30  # ... meetings of the last month, whose follow-ups are still open ...
LIVE_INQUIRY_DAYS = 20  # ... and inquiries received in the last three weeks.
LIVE_INQUIRY_SHARE = 0.12  # of the KOLs with engagements
# National leaders are seen far more often than local physicians (mean factor 1 over tiers).
TIER_FACTOR = {1: 2.4, 2: 1.4, 3: 0.8}
# When no preference is on record yet, and for the meetings that do not follow one.
CHANNEL_WEIGHTS = {
    Channel.IN_PERSON.value: 40,
    Channel.VIDEO.value: 25,
    Channel.PHONE.value: 15,
    Channel.EMAIL.value: 8,
    Channel.CONGRESS.value: 8,
    Channel.WEBINAR.value: 4,
}
DURATIONS = {
    Channel.IN_PERSON.value: (30, 45, 60),
    Channel.VIDEO.value: (20, 30, 45),
    Channel.PHONE.value: (15, 20, 30),
    Channel.EMAIL.value: (5, 10),
    Channel.CONGRESS.value: (20, 30, 45),
    Channel.WEBINAR.value: (45, 60),
}
CHANNEL_LABELS = {c.value: c.label for c in Channel}
QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)

# The first KOLs of each MSL's territory carry the demo's story, so that whatever the size,
# "My work", the calendar and the inquiry queue have something today: (days from today, hour,
# minute, status, follow-ups due in days from today).
STARTER_MEETINGS: dict[int, tuple[tuple[int, int, int, str, tuple[int, ...]], ...]] = {
    0: ((0, 10, 0, InteractionStatus.PLANNED, ()),),
    1: (
        (0, 14, 30, InteractionStatus.PLANNED, ()),
        (-6, 11, 0, InteractionStatus.COMPLETED, (-2, 0)),
    ),
    2: ((2, 9, 30, InteractionStatus.PLANNED, ()),),
}
# ... and their inquiries: (days before today, urgency, status, referred by the sales rep).
STARTER_INQUIRIES: dict[int, tuple[tuple[int, str, str, bool], ...]] = {
    0: ((9, Urgency.STANDARD, InquiryStatus.OPEN, False),),
    1: ((2, Urgency.STANDARD, InquiryStatus.OPEN, True),),
    2: ((3, Urgency.URGENT, InquiryStatus.IN_PROGRESS, False),),
}

INTERACTION_COLUMNS = (
    "id",
    "status",
    "kind",
    "channel",
    "starts_at",
    "duration_minutes",
    "owner",
    "therapeutic_area",
    "objectives",
    "notes",
    "outcome",
    "next_steps",
    "completed_at",
    "cancelled_at",
    "cancel_reason",
    "version",
    "created_at",
    "updated_at",
)
INQUIRY_COLUMNS = (
    "id",
    "kol",
    "question",
    "product",
    "channel_received",
    "received_at",
    "unsolicited_confirmed",
    "urgency",
    "due_at",
    "status",
    "source",
    "captured_by",
    "interaction",
    "response",
    "responder",
    "responded_at",
    "delivery_channel",
    "closed_at",
    "version",
    "created_at",
    "updated_at",
)
FOLLOW_UP_COLUMNS = (
    "id",
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "kol",
    "interaction",
    "inquiry",
    "completed_at",
    "created_by",
    "created_at",
)
QUESTION_COLUMNS = (
    "id",
    "kol",
    "text",
    "therapeutic_area",
    "status",
    "asked_at",
    "answered_at",
    "answer_summary",
    "recorded_by",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Person:
    pk: int
    username: str


@dataclass(frozen=True)
class Team:
    """The people who work one territory's KOLs.

    The MSL's lead and the other MSLs of the region sometimes join a meeting; follow-ups and
    answers to inquiries stay with those who may see the KOL: the MSL and their lead.
    """

    msl: Person
    lead: Person | None
    region: tuple[Person, ...]  # the other MSLs of the region
    rep: Person | None  # the sales rep who refers HCPs' questions from this territory

    @property
    def colleagues(self) -> tuple[Person, ...]:
        return ((self.lead,) if self.lead else ()) + self.region


@dataclass(frozen=True)
class SeededKol:
    """What the engagement generator needs of a KOL the seed has just written."""

    pk: int
    name: str  # as notes address them: "Dr Chen", "Prof. Rossi"
    tier: int
    territory: str
    institution: str
    since: datetime  # when the KOL's history starts
    area_codes: tuple[str, ...]
    product_ids: tuple[int, ...]  # the products the KOL's knowledge is assessed on
    # Channel preference snapshots, oldest first: (effective from, channels, e-mail consent).
    channels: tuple[tuple[datetime, tuple[str, ...], bool], ...]
    questions: tuple[tuple[int, datetime, int | None], ...]  # (id, asked at, area id)


@dataclass(frozen=True)
class Catalogue:
    """The reference rows engagements pick from."""

    area_ids: dict[str, int]
    products_by_area: dict[str, list[tuple[ProductSpec, int]]]


@dataclass
class _Meeting:
    """One interaction to write, before its details are drawn."""

    starts_at: datetime
    status: str
    area: str | None = None
    question_id: int | None = None  # the KOL's scientific question raised in it
    follow_up_days: tuple[int, ...] | None = None  # due days from today, for a starter
    present: bool = False  # in the present rather than the history


@dataclass(frozen=True)
class _Written:
    """A completed interaction an inquiry may have been received in."""

    pk: int
    ends_at: datetime
    channel: str


@dataclass
class _Chunk:
    """Rows and audit events of one chunk of KOLs, written together."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    events: list[AuditEvent] = field(default_factory=list)
    interactions: int = 0


def _weekday(rng: random.Random, moment: datetime, *, forward: bool) -> datetime:
    """The moment moved off a weekend to any working day of the week after (``forward``: it
    stays in the future) or of the same week (it stays in the past), so that no weekday gets
    more meetings than another."""
    weekday = moment.weekday()
    if weekday < 5:
        return moment
    monday = moment - weekday * DAY + (7 * DAY if forward else timedelta(0))
    return monday + rng.randrange(5) * DAY


def _quarters(minutes: int) -> timedelta:
    """``minutes`` rounded up to quarter hours, so every time stays on a quarter hour."""
    return QUARTER * -(-minutes // 15)


class EngagementGenerator:
    """Draws each KOL's engagements from its own random stream and writes them by chunk."""

    def __init__(
        self,
        *,
        rng: random.Random,
        total: int,
        teams: dict[str, Team],
        catalogue: Catalogue,
        history_end: datetime,
        today: datetime,
        questions: IdSequence,
        adapt_datetime: Callable[[datetime], Any],
    ) -> None:
        self.rng = rng
        self.total = total
        self.remaining = total
        self.teams = teams
        self.catalogue = catalogue
        self.history_end = history_end
        self.today = today  # midnight at the start of the day the seed runs
        self.ids = {
            "interaction": IdSequence(Interaction),
            "inquiry": IdSequence(Inquiry),
            "follow_up": IdSequence(FollowUp),
            "question": questions,
        }
        self.writers = {
            name: RowWriter(model, columns, adapt_datetime)
            for name, model, columns in (
                ("interaction", Interaction, INTERACTION_COLUMNS),
                ("staff", InteractionStaff, ("interaction", "user")),
                ("attendee", InteractionAttendee, ("interaction", "kol")),
                ("product", Interaction.products.through, ("interaction", "product")),
                ("question", ScientificQuestion, QUESTION_COLUMNS),
                ("raised", InteractionQuestion, ("interaction", "question")),
                ("inquiry", Inquiry, INQUIRY_COLUMNS),
                ("follow_up", FollowUp, FOLLOW_UP_COLUMNS),
            )
        }
        self.area_codes = {pk: code for code, pk in catalogue.area_ids.items()}
        self.product_names = {
            pk: spec.name for specs in catalogue.products_by_area.values() for spec, pk in specs
        }
        self.starters: dict[str, int] = defaultdict(int)
        self.seen_kols = 0
        self.seen_weight = 0.0
        # The chunk's KOLs by hospital, for the meetings several of them attend together.
        self.colleagues: dict[tuple[str, str], list[SeededKol]] = {}

    def sequences(self) -> list[IdSequence]:
        return list(self.ids.values())

    # --- how many interactions each KOL gets ---------------------------------------------

    def _weight(self, kol: SeededKol) -> float:
        if kol.territory not in self.teams:
            return 0.0
        return TIER_FACTOR[kol.tier] * (self.history_end - kol.since).days / 365

    def quotas(self, kols: Sequence[SeededKol], kols_after: int) -> list[int]:
        """Interactions per KOL of this chunk, in proportion to tier and years followed.

        The KOLs to come are not drawn yet, so the chunk takes its share of what remains
        against their expected weight (the mean weight seen so far); the last chunk takes all
        that remains, which makes the total exact.
        """
        weights = [self._weight(k) for k in kols]
        chunk_weight = sum(weights)
        self.seen_kols += len(kols)
        self.seen_weight += chunk_weight
        if not chunk_weight:
            return [0] * len(kols)
        later = kols_after * self.seen_weight / self.seen_kols
        budget = round(self.remaining * chunk_weight / (chunk_weight + later))
        self.remaining -= budget
        # Cumulative rounding hands out exactly ``budget``.
        quotas, given, running = [], 0, 0.0
        for weight in weights:
            running += weight
            upto = round(budget * running / chunk_weight)
            quotas.append(upto - given)
            given = upto
        return quotas

    # --- one chunk -----------------------------------------------------------------------

    def write(self, kols: Sequence[SeededKol], kols_after: int) -> int:
        """Draw and write the engagements of a chunk of KOLs; returns interactions written."""
        chunk = _Chunk()
        self.colleagues = defaultdict(list)
        for kol in kols:
            self.colleagues[(kol.territory, kol.institution)].append(kol)
        for kol, quota in zip(kols, self.quotas(kols, kols_after), strict=True):
            if quota:
                self._kol(kol, quota, chunk)
        for name, writer in self.writers.items():
            writer.write(chunk.rows[name])
        audit_record_many(chunk.events, actor=None, actor_label=SEED_ACTOR_LABEL)
        return chunk.interactions

    def _frac(self, expected: float) -> int:
        """A whole count with the given expectation."""
        whole = int(expected)
        return whole + (1 if self.rng.random() < expected - whole else 0)

    def _kol(self, kol: SeededKol, quota: int, chunk: _Chunk) -> None:
        """The KOL's ``quota`` interactions (the present first, the rest in its history),
        then its inquiries."""
        rng = self.rng
        team = self.teams[kol.territory]
        starter = self.starters[kol.territory]
        self.starters[kol.territory] += 1
        span = (self.history_end - kol.since).days
        rate = quota / span  # interactions a day
        present = [
            _Meeting(
                self.today + days * DAY + timedelta(hours=hour, minutes=minute),
                status,
                follow_up_days=follow_ups,
                present=True,
            )
            for days, hour, minute, status, follow_ups in STARTER_MEETINGS.get(starter, ())
        ]
        for _ in range(self._frac(rate * PLANNED_DAYS)):
            day = self.today + rng.randrange(PLANNED_DAYS) * DAY
            cancelled = rng.random() < 0.05
            status = InteractionStatus.CANCELLED if cancelled else InteractionStatus.PLANNED
            when = _weekday(rng, working_time(rng, day), forward=True)
            present.append(_Meeting(when, status, present=True))
        for _ in range(self._frac(rate * RECENT_DAYS)):
            day = self.today - rng.randint(1, RECENT_DAYS) * DAY
            when = _weekday(rng, working_time(rng, day), forward=False)
            present.append(_Meeting(when, InteractionStatus.COMPLETED, present=True))
        present = present[:quota]
        history = self._history(kol, quota - len(present), span)
        written = [self._meeting(kol, team, m, chunk) for m in (*history, *present)]
        self._inquiries(kol, team, quota, starter, [w for w in written if w is not None], chunk)

    def _history(self, kol: SeededKol, count: int, span: int) -> list[_Meeting]:
        """Completed and cancelled meetings up to the anchor; most questions the KOL asked
        were raised in one of them."""
        rng = self.rng
        meetings: list[_Meeting] = []
        for question_id, asked_at, area_id in kol.questions:
            if len(meetings) < count and asked_at < self.history_end and rng.random() < 0.7:
                area = self.area_codes.get(area_id) if area_id else None
                meetings.append(
                    _Meeting(asked_at, InteractionStatus.COMPLETED, area, question_id=question_id)
                )
        for _ in range(count - len(meetings)):
            when = working_time(rng, kol.since + rng.randrange(span) * DAY)
            when = _weekday(rng, when, forward=False)
            cancelled = rng.random() < 0.07
            status = InteractionStatus.CANCELLED if cancelled else InteractionStatus.COMPLETED
            meetings.append(_Meeting(when, status))
        return meetings

    # --- one interaction -----------------------------------------------------------------

    @staticmethod
    def _preferences(kol: SeededKol, when: datetime) -> tuple[tuple[str, ...], bool]:
        """The KOL's preferred channels at ``when`` and whether they had consented to e-mail."""
        preferred: tuple[str, ...] = ()
        consent = False
        for effective_at, channels, email_consent in kol.channels:
            if effective_at > when:
                break
            preferred, consent = channels, email_consent
        return preferred, consent

    def _channel(self, kol: SeededKol, when: datetime) -> str:
        """The channel of a meeting at ``when``: mostly one the KOL prefers then; e-mail only
        with consent."""
        rng = self.rng
        preferred, consent = self._preferences(kol, when)
        if preferred and rng.random() < 0.8:
            # Among the preferred, the usual channels still come first: a KOL who would take
            # a webinar or a congress meeting is mostly met in person or by video all the same.
            return rng.choices(preferred, [CHANNEL_WEIGHTS[c] for c in preferred])[0]
        weights = {c: w for c, w in CHANNEL_WEIGHTS.items() if consent or c != Channel.EMAIL}
        return rng.choices(list(weights), list(weights.values()))[0]

    def _words(self, kol: SeededKol, area: str, spec: ProductSpec) -> dict[str, str]:
        return {
            "name": kol.name,
            "brand": spec.name,
            "generic": spec.generic_name,
            "area": AREA_IN_SENTENCE[area],
            "topic": self.rng.choice(TOPICS[area]),
            "institution": kol.institution,
        }

    def _products(self, kol: SeededKol, area: str) -> tuple[list[int], ProductSpec]:
        """The products discussed (mostly ones the KOL's knowledge is tracked on) and the one
        the meeting's words name."""
        rng = self.rng
        offered = self.catalogue.products_by_area[area]
        known = [(s, pk) for s, pk in offered if pk in kol.product_ids]
        spec, pk = rng.choice(known or offered)
        draw = rng.random()
        if draw < 0.15:
            return [], spec
        others = [p for _, p in offered if p != pk]
        if draw < 0.25 and others:
            return [pk, rng.choice(others)], spec
        return [pk], spec

    def _attendees(self, kol: SeededKol, when: datetime) -> list[int]:
        """The KOL, and now and then colleagues of the same hospital already followed then."""
        rng = self.rng
        if rng.random() >= 0.05:
            return [kol.pk]
        others = [
            k.pk
            for k in self.colleagues[(kol.territory, kol.institution)]
            if k.pk != kol.pk and k.since <= when
        ]
        return [kol.pk, *rng.sample(others, min(len(others), rng.randint(1, 2)))]

    def _meeting(
        self, kol: SeededKol, team: Team, meeting: _Meeting, chunk: _Chunk
    ) -> _Written | None:
        """Write one interaction with its staff, attendees, products, questions raised and
        follow-ups; returns it if it was completed in the history (inquiries may cite it)."""
        rng = self.rng
        pk = self.ids["interaction"].take()
        starts_at = meeting.starts_at
        area = meeting.area or rng.choice(kol.area_codes)
        products, spec = self._products(kol, area)
        words = self._words(kol, area, spec)
        channel = self._channel(kol, starts_at)
        if starts_at.weekday() >= 5:
            channel = Channel.CONGRESS.value  # the weekend meetings are at congresses
        duration = rng.choice(DURATIONS[channel])
        reactive = rng.random() < 0.06
        objectives = rng.choice(REACTIVE_OBJECTIVES if reactive else OBJECTIVES).format(**words)
        staff = [team.msl]
        if team.colleagues and rng.random() < 0.06:
            staff.append(rng.choice(team.colleagues))
        attendees = self._attendees(kol, starts_at)
        if meeting.present:
            created_at = working_time(rng, self.today - rng.randint(4, 14) * DAY)
            created_at = min(created_at, working_time(rng, starts_at - 2 * DAY))
        else:
            created_at = working_time(rng, starts_at - rng.randint(7, 21) * DAY)
        notes = outcome = next_steps = cancel_reason = ""
        completed_at = cancelled_at = None
        updated_at = created_at
        version = 2
        if meeting.status == InteractionStatus.COMPLETED:
            completed_at = starts_at + _quarters(duration) + QUARTER * rng.randrange(17)
            updated_at = completed_at
            notes = rng.choice(NOTES).format(**words) if rng.random() < 0.9 else ""
            outcome = rng.choice(OUTCOMES).format(**words) if rng.random() < 0.85 else ""
            next_steps = rng.choice(NEXT_STEPS).format(**words) if rng.random() < 0.75 else ""
        elif meeting.status == InteractionStatus.CANCELLED:
            # Called off one to five days before; a meeting still ahead was called off lately.
            latest = min(starts_at, self.today) - DAY
            cancelled_at = working_time(rng, latest - rng.randrange(5) * DAY)
            cancelled_at = max(cancelled_at, created_at + QUARTER)
            updated_at = cancelled_at
            cancel_reason = rng.choice(CANCEL_REASONS).format(**words)
        else:
            version = 1
        chunk.rows["interaction"].append(
            (
                pk,
                meeting.status,
                InteractionKind.REACTIVE if reactive else InteractionKind.PROACTIVE,
                channel,
                starts_at,
                duration,
                team.msl.pk,
                self.catalogue.area_ids[area],
                objectives,
                notes,
                outcome,
                next_steps,
                completed_at,
                cancelled_at,
                cancel_reason,
                version,
                created_at,
                updated_at,
            )
        )
        chunk.interactions += 1
        chunk.rows["staff"].extend((pk, person.pk) for person in staff)
        chunk.rows["attendee"].extend((pk, kol_id) for kol_id in attendees)
        chunk.rows["product"].extend((pk, product_id) for product_id in products)
        raised = self._raised(kol, team, meeting, pk, area, spec, completed_at, chunk)
        follow_ups: list[int] = []
        if completed_at is not None:
            follow_ups = self._meeting_follow_ups(
                kol, team, meeting, pk, staff, attendees, completed_at, next_steps, words, chunk
            )
        chunk.events.append(
            AuditEvent(
                action="interaction.seed",
                object_type="interaction",
                object_id=str(pk),
                object_repr=f"{CHANNEL_LABELS[channel]} on {starts_at:%Y-%m-%d %H:%M}",
                after={
                    "status": meeting.status,
                    "channel": channel,
                    "starts_at": starts_at,
                    "duration_minutes": duration,
                    "therapeutic_area": area,
                    "kols": sorted(attendees),
                    "msls": sorted(p.username for p in staff),
                    "products": sorted(self.product_names[p] for p in products),
                    "questions_raised": raised,
                    "follow_ups": follow_ups,
                },
            )
        )
        if meeting.present or completed_at is None:
            return None
        return _Written(pk, starts_at + _quarters(duration), channel)

    def _raised(
        self,
        kol: SeededKol,
        team: Team,
        meeting: _Meeting,
        pk: int,
        area: str,
        spec: ProductSpec,
        completed_at: datetime | None,
        chunk: _Chunk,
    ) -> list[int]:
        """Link the question the meeting was placed for; a recent meeting sometimes raised a
        new one, which becomes the KOL's open scientific question."""
        question_id = meeting.question_id
        recent = meeting.present and completed_at is not None
        if question_id is None and recent and self.rng.random() < 0.3:
            question_id = self.ids["question"].take()
            text, _ = draw_question(self.rng, spec, QUESTIONS[area])
            chunk.rows["question"].append(
                (
                    question_id,
                    kol.pk,
                    text,
                    self.catalogue.area_ids[area],
                    QuestionStatus.OPEN,
                    meeting.starts_at,
                    None,
                    "",
                    team.msl.pk,
                    completed_at,
                    completed_at,
                )
            )
        if question_id is None:
            return []
        chunk.rows["raised"].append((pk, question_id))
        return [question_id]

    def _meeting_follow_ups(
        self,
        kol: SeededKol,
        team: Team,
        meeting: _Meeting,
        pk: int,
        staff: list[Person],
        attendees: list[int],
        completed_at: datetime,
        next_steps: str,
        words: dict[str, str],
        chunk: _Chunk,
    ) -> list[int]:
        rng = self.rng
        if meeting.follow_up_days is not None:
            dues = [(self.today + days * DAY).date() for days in meeting.follow_up_days]
        else:
            draw = rng.random()
            count = 2 if draw < 0.05 else 1 if draw < 0.35 else 0
            dues = [(completed_at + rng.randint(3, 14) * DAY).date() for _ in range(count)]
        written = []
        for due in dues:
            if meeting.follow_up_days is not None:
                status, done_at = FollowUpStatus.OPEN.value, None
            else:
                status, done_at = self._follow_up_state(completed_at, meeting.present)
            written.append(
                self._follow_up(
                    title=rng.choice(FOLLOW_UP_TITLES).format(**words),
                    description=next_steps,
                    owner=rng.choice([p for p in staff if p in (team.msl, team.lead)]),
                    due=due,
                    status=status,
                    done_at=done_at,
                    kol=kol.pk if len(attendees) == 1 else None,
                    interaction=pk,
                    inquiry=None,
                    created_by=team.msl,
                    created_at=completed_at,
                    chunk=chunk,
                )
            )
        return written

    def _follow_up_state(self, created_at: datetime, present: bool) -> tuple[str, datetime | None]:
        """Done (and when) or still open: the history's are nearly all settled, the present's
        mostly open. Nothing is done after today."""
        rng = self.rng
        draw = rng.random()
        if not present and draw < 0.08:
            return FollowUpStatus.CANCELLED, None
        if present and draw > 0.3:
            return FollowUpStatus.OPEN, None
        done_at = working_time(rng, created_at + rng.randint(1, 14) * DAY)
        if done_at >= self.today:
            return FollowUpStatus.OPEN, None
        return FollowUpStatus.DONE, done_at

    def _follow_up(
        self,
        *,
        title: str,
        description: str,
        owner: Person,
        due: date,
        status: str,
        done_at: datetime | None,
        kol: int | None,
        interaction: int | None,
        inquiry: int | None,
        created_by: Person,
        created_at: datetime,
        chunk: _Chunk,
    ) -> int:
        pk = self.ids["follow_up"].take()
        chunk.rows["follow_up"].append(
            (
                pk,
                title[:200],
                description,
                owner.pk,
                due,
                status,
                kol,
                interaction,
                inquiry,
                done_at,
                created_by.pk,
                created_at,
            )
        )
        return pk

    # --- inquiries -----------------------------------------------------------------------

    def _inquiries(
        self,
        kol: SeededKol,
        team: Team,
        quota: int,
        starter: int,
        met: list[_Written],
        chunk: _Chunk,
    ) -> None:
        rng = self.rng
        span = (self.history_end - kol.since).days
        for _ in range(self._frac(quota * INQUIRIES_PER_INTERACTION)):
            referred = team.rep is not None and rng.random() < 0.3
            if met and not referred and rng.random() < 0.4:
                meeting = rng.choice(met)
                received, channel, interaction = meeting.ends_at, meeting.channel, meeting.pk
            else:
                day = kol.since + rng.randrange(max(1, span - 14)) * DAY
                received = _weekday(rng, working_time(rng, day), forward=False)
                channel, interaction = self._received_by(kol, received, referred), None
            urgency = Urgency.URGENT.value if rng.random() < 0.12 else Urgency.STANDARD.value
            closed = rng.random() < 0.85
            status = InquiryStatus.CLOSED.value if closed else InquiryStatus.ANSWERED.value
            self._inquiry(
                kol,
                team,
                received,
                channel,
                urgency,
                status,
                referred,
                interaction,
                chunk,
                present=False,
            )
        present = list(STARTER_INQUIRIES.get(starter, ()))
        if rng.random() < LIVE_INQUIRY_SHARE:
            days = rng.randint(1, LIVE_INQUIRY_DAYS)
            urgency = Urgency.URGENT.value if rng.random() < 0.12 else Urgency.STANDARD.value
            status = (
                InquiryStatus.OPEN.value
                if days <= 2
                else rng.choices(list(InquiryStatus), (35, 25, 20, 20))[0].value
            )
            present.append((days, urgency, status, team.rep is not None and rng.random() < 0.3))
        for days, urgency, status, referred in present:
            if referred and team.rep is None:
                continue
            received = working_time(rng, self.today - days * DAY)
            channel = self._received_by(kol, received, referred)
            self._inquiry(
                kol, team, received, channel, urgency, status, referred, None, chunk, present=True
            )

    def _received_by(self, kol: SeededKol, when: datetime, referred: bool) -> str:
        """How a question reached medical: a rep hears it on a visit or call; medical by
        e-mail (given consent), phone or in person."""
        if referred:
            return self.rng.choice((Channel.IN_PERSON.value, Channel.PHONE.value))
        channel = self._channel(kol, when)
        if channel in (Channel.WEBINAR, Channel.CONGRESS):
            return Channel.PHONE.value
        return channel

    def _inquiry(
        self,
        kol: SeededKol,
        team: Team,
        received: datetime,
        channel: str,
        urgency: str,
        status: str,
        referred: bool,
        interaction: int | None,
        chunk: _Chunk,
        *,
        present: bool,
    ) -> None:
        """Write one inquiry. An answered one was answered before today (most within the
        service level); a closed one was closed after that."""
        rng = self.rng
        pk = self.ids["inquiry"].take()
        area = rng.choice(kol.area_codes)
        spec, product = rng.choice(self.catalogue.products_by_area[area])
        templates = INQUIRY_QUESTIONS if rng.random() < 0.3 else QUESTIONS[area]
        question, answer = draw_question(rng, spec, templates)
        due = inquiry_due_at(received, urgency)
        captured_by = team.rep if referred and team.rep else team.msl
        response = delivery = ""
        responder: Person | None = None
        responded_at = closed_at = None
        # One version per step taken: captured, taken on, answered, closed.
        version = 1 if status == InquiryStatus.OPEN else 2
        if status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED):
            # Mostly within the service level, some late; never after today began.
            latest = min(due if rng.random() < 0.9 else due + 3 * DAY, self.today - QUARTER)
            steps = max(1, (latest - received) // QUARTER)
            responded_at = received + QUARTER * rng.randint(min(8, steps), steps)
            response = answer
            helped = team.lead is not None and rng.random() < 0.2
            responder = team.lead if helped and team.lead else team.msl
            # The answer goes by e-mail where the KOL consented to it, else by phone.
            consent = self._preferences(kol, responded_at)[1]
            delivery = Channel.EMAIL.value if consent else Channel.PHONE.value
            version = 3
            if status == InquiryStatus.CLOSED:
                closed_at = responded_at + QUARTER * rng.randint(4, 4 * 24 * 10)
                if closed_at >= self.today:
                    status, closed_at = InquiryStatus.ANSWERED.value, None
                else:
                    version = 4
        updated_at = closed_at or responded_at or received
        chunk.rows["inquiry"].append(
            (
                pk,
                kol.pk,
                question,
                product,
                channel,
                received,
                True,
                urgency,
                due,
                status,
                InquirySource.SALES_REFERRAL if referred else InquirySource.MSL,
                captured_by.pk,
                interaction,
                response,
                responder.pk if responder else None,
                responded_at,
                delivery,
                closed_at,
                version,
                received,
                updated_at,
            )
        )
        follow_ups = []
        # Closing an answered inquiry settles its follow-up; a recent answer's is still open.
        settled = closed_at is not None
        if responded_at is not None and (settled or present) and rng.random() < 0.25:
            follow_ups.append(
                self._follow_up(
                    title=f"Check that {kol.name} received the response and needs nothing more",
                    description="",
                    owner=team.msl,
                    due=(responded_at + 7 * DAY).date(),
                    status=FollowUpStatus.DONE if settled else FollowUpStatus.OPEN,
                    done_at=closed_at,
                    kol=kol.pk,
                    interaction=None,
                    inquiry=pk,
                    created_by=team.msl,
                    created_at=responded_at,
                    chunk=chunk,
                )
            )
        chunk.events.append(
            AuditEvent(
                action="inquiry.seed",
                object_type="inquiry",
                object_id=str(pk),
                object_repr=f"Inquiry #{pk}",
                after={
                    "kol": kol.pk,
                    "product": spec.name,
                    "channel_received": channel,
                    "received_at": received,
                    "urgency": urgency,
                    "due_at": due,
                    "status": status,
                    "source": "sales_referral" if referred else "msl",
                    "captured_by": captured_by.username,
                    "interaction": interaction,
                    "responder": responder.username if responder else None,
                    "responded_at": responded_at,
                    "closed_at": closed_at,
                    "follow_ups": follow_ups,
                },
            )
        )
