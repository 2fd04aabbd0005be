"""Build the demo company: reference data, one demo user per role, KOLs with two to five
years of history (journey stages, knowledge, channel preferences, scientific questions), and
their engagements (interactions, inquiries, follow-ups; see ``engagements.py``), the
content library with its use in the field (see ``content.py``), and the field insights with
their review, adverse-event reports, themes and the product manager's questions (see
``insights.py``).

The same seed gives the same rows: every choice comes from ``random.Random`` streams seeded
from ``seed`` and drawn in a fixed order (one for the KOLs, one for their engagements, so the
KOLs do not depend on how many interactions are asked for), and KOL history is dated back from
a fixed anchor, never from today. Only the present part of the engagements (meetings planned
for the coming weeks, what is overdue now) follows the day the seed runs; ``engagements.py``
says why. KOLs are written in chunks of a thousand (the per-record services would take hours at
100,000 KOLs): the profiles with ``bulk_create``, every other row with one ``executemany`` (or
``COPY`` on PostgreSQL) per table and chunk. Each KOL, interaction and inquiry gets one
``<type>.seed`` entry in the audit chain, so ``audit verify`` holds.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    ItemStatus,
    Presentation,
    PresentedContent,
    ShareLink,
    ShareOpen,
    ViewEvent,
)
from kolbridge.core.audit import AuditEvent, audit_record, audit_record_many
from kolbridge.core.models import (
    AuditEntry,
    Indication,
    Product,
    Territory,
    TherapeuticArea,
    User,
)
from kolbridge.core.services import user_add
from kolbridge.demo.content import seed_content
from kolbridge.demo.data import (
    DEMO_USERS,
    FIRST_NAMES,
    LAST_NAMES,
    LOCAL_NAMES,
    PREFERRED_TIMES,
    PRODUCTS,
    QUESTIONS,
    SPECIALTIES,
    STAGE_NOTES,
    TERRITORIES,
    THERAPEUTIC_AREAS,
    InstitutionSpec,
    ProductSpec,
    TerritorySpec,
)
from kolbridge.demo.engagements import (
    INTERACTIONS_PER_KOL,
    Catalogue,
    EngagementGenerator,
    Person,
    SeededKol,
    Team,
)
from kolbridge.demo.insights import default_insight_count, seed_insights
from kolbridge.demo.rows import SEED_ACTOR_LABEL, IdSequence, Row, RowWriter, working_time
from kolbridge.demo.words import draw_question
from kolbridge.engagements.models import FollowUp, Inquiry, Interaction, InteractionQuestion
from kolbridge.insights.models import (
    AdverseEventReport,
    AeStatus,
    Insight,
    InsightAction,
    InsightStatus,
    PmQuestion,
    Theme,
    ThemeStatus,
)
from kolbridge.kols.models import (
    Channel,
    ExternalIdSystem,
    Kol,
    KolChannelPreference,
    KolExternalId,
    KolKnowledgeAssessment,
    KolSearchToken,
    KolStageChange,
    QuestionStatus,
    ScientificQuestion,
    Stage,
)
from kolbridge.kols.search import kol_tokens

# History is dated back from here, so a run next year writes the same rows as one today.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
# KOLs generated and written per round: large enough for few round trips, small enough that
# 100,000 KOLs never sit in memory at once.
CHUNK_SIZE = 1000
STAGES: tuple[str, ...] = tuple(Stage.values)
CHANNELS: tuple[str, ...] = tuple(Channel.values)
# Few national leaders, many local physicians.
TIER_WEIGHTS = (5, 20, 75)
# How far along the journey (unaware ... advocating) a KOL of each tier ever gets.
FURTHEST_STAGE_WEIGHTS = {
    1: (0, 5, 10, 20, 30, 35),
    2: (2, 10, 20, 30, 25, 13),
    3: (5, 25, 30, 22, 13, 5),
}
# The US territories hold more KOLs than each European one.
TERRITORY_WEIGHTS = {"North America": 3, "Europe": 2}


@dataclass(frozen=True)
class SeedProgress:
    """How far the seed has come: KOLs written of all, and interactions written of all."""

    kols: int
    kols_total: int
    interactions: int
    interactions_total: int


Progress = Callable[[SeedProgress], None]


def demo_password(username: str) -> str:
    """The documented dev-only password of a demo user."""
    return f"{username}-demo-2026"


class DatabaseNotEmpty(Exception):
    """The database already holds data; the demo is only ever loaded into an empty one."""

    def __init__(self, found: dict[str, int]) -> None:
        self.found = found
        listed = ", ".join(f"{count:,} {what}" for what, count in found.items())
        super().__init__(f"The database already holds data ({listed}).")


def existing_data() -> dict[str, int]:
    """What the database holds that the demo would clash with, by kind (only non-zero)."""
    counts = {
        "KOLs": Kol.objects.count(),
        "users": User.objects.count(),
        "territories": Territory.objects.count(),
        "therapeutic areas": TherapeuticArea.objects.count(),
        "products": Product.objects.count(),
    }
    return {what: count for what, count in counts.items() if count}


@dataclass(frozen=True)
class SeedSummary:
    """What ``seed_demo`` wrote: row counts by kind, how long it took, and the day the present
    part of the engagements was placed around."""

    seed: int
    seconds: float
    counts: dict[str, int]
    today: date

    @property
    def history_rows(self) -> int:
        return sum(
            self.counts[k]
            for k in (
                "stage changes",
                "knowledge assessments",
                "channel preferences",
                "scientific questions",
            )
        )


@dataclass
class _Reference:
    """The reference rows the KOL generator picks from, in a fixed order."""

    areas: dict[str, TherapeuticArea]
    products: list[tuple[ProductSpec, Product]]
    territories: list[tuple[TerritorySpec, Territory]]

    def catalogue(self) -> Catalogue:
        by_area: dict[str, list[tuple[ProductSpec, int]]] = {}
        for spec, product in self.products:
            by_area.setdefault(spec.area_code, []).append((spec, product.pk))
        return Catalogue({code: area.pk for code, area in self.areas.items()}, by_area)


# Column order of the history rows the generator builds; ``kol`` and ``recorded_at`` are added
# when a chunk is written.
STAGE_FIELDS = ("stage", "previous_stage", "changed_at", "note", "recorded_by")
KNOWLEDGE_FIELDS = ("therapeutic_area", "product", "level", "assessed_at", "note", "recorded_by")
CHANNEL_FIELDS = (
    "channels",
    "preferred_times",
    "email_consent",
    "effective_at",
    "note",
    "recorded_by",
)
QUESTION_FIELDS = (
    "id",
    "text",
    "therapeutic_area",
    "status",
    "asked_at",
    "answered_at",
    "answer_summary",
    "recorded_by",
)


@dataclass
class _KolPlan:
    """One KOL and its history, built in memory before the chunk is written."""

    kol: Kol
    area_codes: list[str]
    area_ids: list[int]
    external_ids: dict[str, str]
    since: datetime
    stages: list[Row] = field(default_factory=list)
    knowledge: list[Row] = field(default_factory=list)
    channels: list[Row] = field(default_factory=list)
    questions: list[Row] = field(default_factory=list)


def seed_demo(
    *,
    kols: int = 300,
    interactions: int | None = None,
    seed: int = 42,
    today: date | None = None,
    progress: Progress | None = None,
    content: bool = True,
    insights: int | None = None,
) -> SeedSummary:
    """Load the demo company into an empty database, in one transaction.

    ``interactions`` is the total over all KOLs (default ``INTERACTIONS_PER_KOL`` per KOL);
    ``today`` is the day the present part of the engagements is placed around (default the
    current date). ``content=False`` leaves the content library empty: taking sixty items
    through MLR review is most of a small seed's time, and the KOL and engagement data need
    none of it. ``insights`` is about how many field insights MSLs captured (default
    ``default_insight_count`` of the interactions; 0 for none). Raises ``DatabaseNotEmpty``
    (having written nothing) if any KOL, user or reference data is already there.
    """
    started = time.monotonic()
    day = today or timezone.localdate()
    with transaction.atomic():
        # Checked inside the transaction: on SQLite it holds the write lock from BEGIN, so no
        # one can fill the database between the check and the first insert.
        found = existing_data()
        if found:
            raise DatabaseNotEmpty(found)
        reference = _seed_reference()
        users = _seed_users()
        # History times are quarter hours, so each value recurs many times and its database
        # form is worth computing once.
        adapt_datetime = cache(connection.ops.adapt_datetimefield_value)
        questions = IdSequence(ScientificQuestion)
        engagements = EngagementGenerator(
            rng=random.Random(f"{seed}:engagements"),
            total=INTERACTIONS_PER_KOL * kols if interactions is None else interactions,
            teams=_teams(users),
            catalogue=reference.catalogue(),
            history_end=ANCHOR,
            today=timezone.make_aware(datetime.combine(day, day_time.min)),
            questions=questions,
            adapt_datetime=adapt_datetime,
        )
        generator = _KolGenerator(
            random.Random(seed), reference, users, questions, engagements, adapt_datetime
        )
        generator.write(kols, progress)
        IdSequence.reset(engagements.sequences())
        if content:
            seed_content(seed=seed, anchor=ANCHOR, today=day, users=users, password=demo_password)
        count = default_insight_count(engagements.total) if insights is None else insights
        if count:
            seed_insights(seed=seed, count=count, anchor=ANCHOR, today=day, users=users)
    _gather_statistics()
    return SeedSummary(seed, time.monotonic() - started, _counts(), day)


def _gather_statistics() -> None:
    """Give the query planner statistics of the data just loaded.

    Without them SQLite guesses from the indexes alone, and at a million rows some guesses
    cost seconds a page (PostgreSQL's autovacuum would gather them within minutes).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Sample each index instead of reading it whole: a second instead of minutes.
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")


def _counts() -> dict[str, int]:
    return {
        "therapeutic areas": TherapeuticArea.objects.count(),
        "products": Product.objects.count(),
        "indications": Indication.objects.count(),
        "territories": Territory.objects.count(),
        "users": User.objects.count(),
        "KOLs": Kol.objects.count(),
        "external ids": KolExternalId.objects.count(),
        "stage changes": KolStageChange.objects.count(),
        "knowledge assessments": KolKnowledgeAssessment.objects.count(),
        "channel preferences": KolChannelPreference.objects.count(),
        "scientific questions": ScientificQuestion.objects.count(),
        "interactions": Interaction.objects.count(),
        "questions raised in interactions": InteractionQuestion.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "follow-ups": FollowUp.objects.count(),
        **{
            f"{status} content items": ContentItem.objects.filter(status=status).count()
            for status in ItemStatus.values
        },
        "content items": ContentItem.objects.count(),
        "content modules": ContentModule.objects.count(),
        "presentations": Presentation.objects.count(),
        "content presented": PresentedContent.objects.count(),
        "share links": ShareLink.objects.count(),
        "share opens": ShareOpen.objects.count(),
        "view events": ViewEvent.objects.count(),
        **{
            f"{status} insights": Insight.objects.filter(status=status).count()
            for status in InsightStatus.values
        },
        "insights": Insight.objects.count(),
        "released insights": Insight.objects.exclude(released_at=None).count(),
        "themes": Theme.objects.filter(status=ThemeStatus.ACTIVE).count(),
        "released themes": Theme.objects.exclude(released_at=None).count(),
        "insight actions": InsightAction.objects.count(),
        **{
            f"{status} adverse-event reports": AdverseEventReport.objects.filter(
                status=status
            ).count()
            for status in AeStatus.values
        },
        "adverse-event reports": AdverseEventReport.objects.count(),
        "PM questions": PmQuestion.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }


def _seed_reference() -> _Reference:
    areas = {
        code: TherapeuticArea.objects.create(code=code, name=name)
        for code, name in THERAPEUTIC_AREAS
    }
    products: list[tuple[ProductSpec, Product]] = []
    for spec in PRODUCTS:
        product = Product.objects.create(
            name=spec.name, generic_name=spec.generic_name, therapeutic_area=areas[spec.area_code]
        )
        Indication.objects.bulk_create(
            Indication(
                product=product,
                name=ind.name,
                approved=ind.approved_on is not None,
                approved_on=ind.approved_on,
            )
            for ind in spec.indications
        )
        products.append((spec, product))
    territories = [
        (spec, Territory.objects.create(code=spec.code, name=spec.name, region=spec.region))
        for spec in TERRITORIES
    ]
    return _Reference(areas, products, territories)


def _seed_users() -> dict[str, User]:
    """Create every demo user through the user service (so each is audited), by username."""
    created: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = user_add(
            actor=None,
            username=spec.username,
            role=spec.role,
            password=demo_password(spec.username),
            territory_code=spec.territory,
            manager=created[spec.manager] if spec.manager else None,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@kolbridge.example",
            # The demo passwords are documented and weak on purpose; dev only.
            check_password_strength=False,
        )
        if spec.superuser:
            _grant_django_admin(user)
        created[spec.username] = user
    return created


def _teams(users: dict[str, User]) -> dict[str, Team]:
    """Who works each territory that has an MSL: the MSL, their lead, the other MSLs of the
    region, and the sales rep of the territory."""
    region = {spec.code: spec.region for spec in TERRITORIES}
    msls = [s for s in DEMO_USERS if s.role == "msl" and s.territory]
    reps = {s.territory: s.username for s in DEMO_USERS if s.role == "sales_rep" and s.territory}

    def person(username: str) -> Person:
        return Person(users[username].pk, username)

    teams = {}
    for spec in msls:
        assert spec.territory is not None  # filtered above; tells the type checker
        same_region = tuple(
            person(other.username)
            for other in msls
            if other is not spec
            and other.territory
            and region[other.territory] == region[spec.territory]
        )
        rep = reps.get(spec.territory)
        teams[spec.territory] = Team(
            msl=person(spec.username),
            lead=person(spec.manager) if spec.manager else None,
            region=same_region,
            rep=person(rep) if rep else None,
        )
    return teams


def _grant_django_admin(user: User) -> None:
    """Let the demo administrator into Django's admin site, and say so in the audit trail."""
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    audit_record(
        actor=None,
        action="user.admin_site_grant",
        object_type="user",
        object_id=user.pk,
        object_repr=user.username,
        before={"is_staff": False, "is_superuser": False},
        after={"is_staff": True, "is_superuser": True},
        actor_label=SEED_ACTOR_LABEL,
    )


def _ascii(text: str) -> str:
    """A name as it appears in an e-mail address: no accents, spaces or apostrophes."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _orcid_check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


class _KolGenerator:
    """Draws KOLs and their history from one random stream, in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        reference: _Reference,
        users: dict[str, User],
        questions: IdSequence,
        engagements: EngagementGenerator,
        adapt_datetime: Callable[[datetime], object],
    ) -> None:
        self.rng = rng
        self.reference = reference
        # The MSL of a territory records its KOLs' history.
        self.recorder_ids = {
            spec.territory: users[spec.username].pk
            for spec in DEMO_USERS
            if spec.role == "msl" and spec.territory
        }
        self.question_ids = questions
        self.engagements = engagements
        self.territory_weights = [
            TERRITORY_WEIGHTS[spec.region] for spec, _ in reference.territories
        ]
        self.products_by_area: dict[str, list[tuple[ProductSpec, Product]]] = {}
        for spec, product in reference.products:
            self.products_by_area.setdefault(spec.area_code, []).append((spec, product))
        self.area_codes = list(reference.areas)
        # External ids are a fixed permutation of the KOL's index (a multiplier prime to 10
        # maps 0..10^k-1 onto itself), so they look random yet can never collide.
        self.npi_offset = rng.randrange(10**8)
        self.orcid_offset = rng.randrange(10**7)
        self.openalex_offset = rng.randrange(10**9)
        self.writers = {
            name: RowWriter(model, ("kol", *fields), adapt_datetime)
            for name, model, fields in (
                ("areas", Kol.therapeutic_areas.through, ("therapeuticarea",)),
                ("external_ids", KolExternalId, ("system", "value")),
                ("search_tokens", KolSearchToken, ("token",)),
                ("stages", KolStageChange, (*STAGE_FIELDS, "recorded_at")),
                ("knowledge", KolKnowledgeAssessment, (*KNOWLEDGE_FIELDS, "recorded_at")),
                ("channels", KolChannelPreference, (*CHANNEL_FIELDS, "recorded_at")),
                ("questions", ScientificQuestion, (*QUESTION_FIELDS, "created_at", "updated_at")),
            )
        }

    def write(self, total: int, progress: Progress | None) -> None:
        interactions = 0
        for start in range(0, total, CHUNK_SIZE):
            plans = [self._plan(i) for i in range(start, min(total, start + CHUNK_SIZE))]
            self._write_chunk(plans)
            done = start + len(plans)
            interactions += self.engagements.write([self._seeded(p) for p in plans], total - done)
            if progress is not None:
                progress(SeedProgress(done, total, interactions, self.engagements.total))

    @staticmethod
    def _seeded(plan: _KolPlan) -> SeededKol:
        """What the engagement generator needs of a KOL just written."""
        kol = plan.kol
        product = KNOWLEDGE_FIELDS.index("product")
        channels, consent, effective_at = (
            CHANNEL_FIELDS.index(name) for name in ("channels", "email_consent", "effective_at")
        )
        question_id, asked_at, area = (
            QUESTION_FIELDS.index(name) for name in ("id", "asked_at", "therapeutic_area")
        )
        return SeededKol(
            pk=kol.pk,
            name=f"{kol.title} {kol.last_name}",
            tier=kol.tier,
            territory=kol.territory.code,
            institution=kol.institution,
            since=plan.since,
            area_codes=tuple(plan.area_codes),
            product_ids=tuple(r[product] for r in plan.knowledge if r[product] is not None),
            channels=tuple(
                (r[effective_at], tuple(r[channels]), r[consent]) for r in plan.channels
            ),
            questions=tuple((r[question_id], r[asked_at], r[area]) for r in plan.questions),
        )

    def _write_chunk(self, plans: Sequence[_KolPlan]) -> None:
        # bulk_create fills in the new primary keys (RETURNING on SQLite and PostgreSQL); the
        # history rows then carry them.
        Kol.objects.bulk_create([p.kol for p in plans])
        now = timezone.now()
        w = self.writers
        w["areas"].write([(p.kol.pk, area) for p in plans for area in p.area_ids])
        w["external_ids"].write([(p.kol.pk, *e) for p in plans for e in p.external_ids.items()])
        # The words search finds a KOL by, as the profile services keep them.
        w["search_tokens"].write(
            [(p.kol.pk, token) for p in plans for token in sorted(kol_tokens(p.kol))]
        )
        w["stages"].write([(p.kol.pk, *r, now) for p in plans for r in p.stages])
        w["knowledge"].write([(p.kol.pk, *r, now) for p in plans for r in p.knowledge])
        w["channels"].write([(p.kol.pk, *r, now) for p in plans for r in p.channels])
        w["questions"].write([(p.kol.pk, *r, now, now) for p in plans for r in p.questions])
        audit_record_many(
            (self._audit_event(p) for p in plans), actor=None, actor_label=SEED_ACTOR_LABEL
        )

    @staticmethod
    def _audit_event(plan: _KolPlan) -> AuditEvent:
        kol = plan.kol
        return AuditEvent(
            action="kol.seed",
            object_type="kol",
            object_id=str(kol.pk),
            object_repr=kol.display_name,
            after={
                "name": kol.display_name,
                "territory": kol.territory.code,
                "tier": kol.tier,
                "current_stage": kol.current_stage,
                "external_ids": plan.external_ids,
                "history": {
                    "stage_changes": len(plan.stages),
                    "knowledge_assessments": len(plan.knowledge),
                    "channel_preferences": len(plan.channels),
                    "scientific_questions": len(plan.questions),
                },
            },
        )

    # --- one KOL -------------------------------------------------------------------------

    def _plan(self, index: int) -> _KolPlan:
        rng = self.rng
        spec, territory = rng.choices(self.reference.territories, self.territory_weights)[0]
        primary_area = rng.choice(self.area_codes)
        # A cardiologist works at a university hospital or a heart centre, not a cancer centre.
        fitting = [i for i in spec.institutions if i.focus in (None, primary_area)]
        institution = rng.choice(fitting)
        first_name, last_name = self._name(institution.country)
        tier = rng.choices((1, 2, 3), TIER_WEIGHTS)[0]
        area_codes = [primary_area]
        if rng.random() < 0.2:
            area_codes.append(rng.choice([c for c in self.area_codes if c != primary_area]))
        specialty, department = rng.choice(SPECIALTIES[primary_area])
        others = [i.name for i in fitting if i is not institution]
        kol = Kol(
            title=self._title(tier, institution.country),
            first_name=first_name,
            last_name=last_name,
            specialty=specialty,
            tier=tier,
            institution=institution.name,
            department=department,
            city=institution.city,
            country=institution.country,
            other_affiliations=rng.sample(others, rng.choices((0, 1, 2), (50, 35, 15))[0]),
            email=self._email(first_name, last_name, institution),
            territory=territory,
        )
        external_ids = self._external_ids(index, tier, institution.country)
        # Each KOL has been followed for two to five years before the anchor date.
        since = ANCHOR - timedelta(days=rng.randint(2 * 365, 5 * 365))
        plan = _KolPlan(
            kol=kol,
            area_codes=area_codes,
            area_ids=[self.reference.areas[c].pk for c in area_codes],
            external_ids=external_ids,
            since=since,
        )
        recorder = self.recorder_ids.get(spec.code)
        self._stages(plan, since, recorder)
        self._knowledge(plan, since, recorder, area_codes)
        self._channels(plan, since, recorder)
        self._questions(plan, since, recorder, area_codes)
        # The profile's current stage is the newest stage change, as the stage service keeps it.
        kol.current_stage = plan.stages[-1][STAGE_FIELDS.index("stage")]
        kol.stage_since = plan.stages[-1][STAGE_FIELDS.index("changed_at")]
        return plan

    def _name(self, country: str) -> tuple[str, str]:
        local = LOCAL_NAMES.get(country)
        if local is not None and self.rng.random() < 0.6:
            return self.rng.choice(local[0]), self.rng.choice(local[1])
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def _title(self, tier: int, country: str) -> str:
        professor = self.rng.random() < {1: 0.6, 2: 0.25, 3: 0.05}[tier]
        if not professor:
            return "Dr"
        # German-speaking countries keep the doctorate beside the professorship.
        return "Prof. Dr" if country in {"DE", "AT", "CH"} else "Prof."

    def _email(self, first_name: str, last_name: str, institution: InstitutionSpec) -> str:
        if self.rng.random() < 0.3:
            return ""
        return f"{_ascii(first_name)}.{_ascii(last_name)}@{institution.domain}"

    def _external_ids(self, index: int, tier: int, country: str) -> dict[str, str]:
        rng = self.rng
        ids = {ExternalIdSystem.CRM.value: f"HCP-{index + 1:07d}"}
        if country == "US":
            # NPIs start with 1 or 2; the tenth digit is the Luhn check over the 80840 prefix.
            body = "1" + f"{(index * 7_654_321 + self.npi_offset) % 10**8:08d}"
            ids[ExternalIdSystem.NPI.value] = body + _luhn_check_digit("80840" + body)
        if rng.random() < {1: 0.9, 2: 0.6, 3: 0.2}[tier]:
            digits = "00000002" + f"{(index * 3_456_789 + self.orcid_offset) % 10**7:07d}"
            digits += _orcid_check_char(digits)
            ids[ExternalIdSystem.ORCID.value] = "-".join(digits[i : i + 4] for i in range(0, 16, 4))
        if rng.random() < {1: 0.8, 2: 0.5, 3: 0.15}[tier]:
            ids[ExternalIdSystem.OPENALEX.value] = (
                f"A5{(index * 987_654_321 + self.openalex_offset) % 10**9:09d}"
            )
        return ids

    def _at(self, moment: datetime) -> datetime:
        return working_time(self.rng, moment)

    def _stages(self, plan: _KolPlan, since: datetime, recorder: int | None) -> None:
        """Mostly forward through the journey, sometimes back a step, up to a stage the KOL
        will not pass; national leaders go further and faster than local physicians."""
        rng = self.rng
        tier = plan.kol.tier
        gap_days = {1: (60, 300), 2: (90, 400), 3: (120, 480)}[tier]
        furthest = rng.choices(range(len(STAGES)), FURTHEST_STAGE_WEIGHTS[tier])[0]
        stage, previous, at = 0, "", self._at(since)
        while True:
            name = STAGES[stage]
            notes = STAGE_NOTES.get(name, ("Imported from the field CRM.",))
            note = rng.choice(notes) if rng.random() < 0.5 else ""
            plan.stages.append((name, previous, at, note, recorder))
            at = self._at(at + timedelta(days=rng.randint(*gap_days)))
            if at >= ANCHOR or stage == furthest:
                return
            previous = name
            stage = stage - 1 if stage > 1 and rng.random() < 0.12 else stage + 1

    def _knowledge(
        self, plan: _KolPlan, since: datetime, recorder: int | None, area_codes: list[str]
    ) -> None:
        """Assessments per area and per product of interest, levels rising over the years."""
        rng = self.rng
        subjects: list[tuple[int | None, int | None]] = []
        for code in area_codes:
            subjects.append((self.reference.areas[code].pk, None))
            products = self.products_by_area[code]
            for _, product in rng.sample(products, rng.randint(0, min(2, len(products)))):
                subjects.append((None, product.pk))
        for area_id, product_id in subjects:
            level = rng.randint(1, 2) + (1 if plan.kol.tier == 1 else 0)
            at = self._at(since + timedelta(days=rng.randint(20, 200)))
            while at < ANCHOR:
                plan.knowledge.append((area_id, product_id, level, at, "", recorder))
                if level < 5 and rng.random() < 0.45:
                    level += 1
                at = self._at(at + timedelta(days=rng.randint(200, 500)))

    def _channels(self, plan: _KolPlan, since: datetime, recorder: int | None) -> None:
        """One to three snapshots of preferred channels and times, some with e-mail consent."""
        rng = self.rng
        at = self._at(since + timedelta(days=rng.randint(0, 120)))
        for _ in range(rng.randint(1, 3)):
            if at >= ANCHOR:
                return
            consent = rng.random() < 0.6
            channels = rng.sample(CHANNELS, rng.randint(1, 3))
            if not consent:
                # E-mail is a preferred channel only with consent.
                channels = [c for c in channels if c != Channel.EMAIL] or [Channel.IN_PERSON.value]
            preferred_times = rng.choice(PREFERRED_TIMES)
            plan.channels.append((channels, preferred_times, consent, at, "", recorder))
            at = self._at(at + timedelta(days=rng.randint(180, 720)))

    def _questions(
        self, plan: _KolPlan, since: datetime, recorder: int | None, area_codes: list[str]
    ) -> None:
        """Questions about the area's products; older ones are mostly answered."""
        rng = self.rng
        span = (ANCHOR - since).days
        how_many = rng.choices((0, 1, 2, 3, 4), (25, 30, 25, 12, 8))[0]
        for days in sorted(rng.randrange(span) for _ in range(how_many)):
            code = rng.choice(area_codes)
            spec, _ = rng.choice(self.products_by_area[code])
            question, answer = draw_question(rng, spec, QUESTIONS[code])
            asked_at = self._at(since + timedelta(days=days))
            age = (ANCHOR - asked_at).days
            if rng.random() < (0.9 if age > 45 else 0.3):
                answered_at = min(asked_at + timedelta(days=rng.randint(1, 30), hours=2), ANCHOR)
                status, summary = QuestionStatus.ANSWERED.value, answer
            else:
                answered_at, status, summary = None, QuestionStatus.OPEN.value, ""
            plan.questions.append(
                (
                    # Numbered here: interactions link to the questions raised in them.
                    self.question_ids.take(),
                    question,
                    self.reference.areas[code].pk,
                    status,
                    asked_at,
                    answered_at,
                    summary,
                    recorder,
                )
            )
