"""Demo content: the library (modules, items, MLR review), presentations, share links and what
the KOLs did with them.

Every regulated step goes through the content services, as a person would take it: authors
write modules and items and send them to review, the three MLR reviewers sign with their
passwords or return drafts with comments, a reviewer withdraws one item, the daily task expires
others; MSLs build presentations for KOLs of their territory, present them in completed
meetings, share them and single items, and answer unsolicited inquiries with reactive-only
standard responses. So the records, their review history and their audit entries are exactly
what the product writes.

The services stamp the moment they run, but the story happens over the two years before the
anchor date. Each step is therefore planned at its moment in the story, the steps run in that
order (so every rule is checked against the state the story has reached), and afterwards every
timestamp a step wrote is moved to the step's planned moment. The services' own audit entries
keep the true time of the seed; one ``<type>.seed_history`` entry per moved record says where
its dates were placed. Expiry dates in the past cannot be approved, so an item that is to
expire is approved with a future date, which its expiry step moves back before running the
daily expiry task for that day.

What the KOLs did behind their links (opens, seconds per module, downloads) are view events,
not audited records: they are written directly with their times, up to the start of the day
the seed runs. Shares in the weeks before the seed day follow that day (like the present part
of the engagements), so a demo opened at any date has live links beside expired ones.

The same seed on the same day plans the same steps: every choice comes from one random stream
drawn in a fixed order, over rows read in key order.
"""

from __future__ import annotations

import functools
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as day_time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model, OuterRef, Q, Subquery
from django.utils import timezone

from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    EmailTemplate,
    ItemVersion,
    ModuleVersion,
    NoticeKind,
    Presentation,
    PresentationNotice,
    PresentedContent,
    ReviewEvent,
    ReviewSignature,
    ShareLink,
    ShareOpen,
    VersionStatus,
    ViewEvent,
    ViewEventKind,
)
from kolbridge.content.references import format_reference, parse_reference
from kolbridge.content.services import (
    Classification,
    Timing,
    content_expire_due,
    email_template_approve,
    email_template_create,
    item_create,
    item_return,
    item_revise,
    item_sign,
    item_submit,
    item_withdraw,
    module_create,
    module_revise,
    presentation_accept_update,
    presentation_add,
    presentation_create,
    presentation_record_presenting,
    share_create,
    share_revoke,
)
from kolbridge.core.audit import AuditEvent, audit_record_many
from kolbridge.core.models import Indication, Role, User
from kolbridge.demo import media
from kolbridge.demo.data import PRODUCTS
from kolbridge.demo.library import (
    APPROVED,
    DRAFT,
    EMAIL_TEMPLATES,
    EXPIRED,
    IN_REVIEW,
    ITEMS,
    MODULES,
    PRESENTATION_TITLES,
    PRIVATE_NOTES,
    PROACTIVE,
    RETURNED,
    SIGNATURE_MEANINGS,
    WITHDRAWN,
    ItemSpec,
    ModuleSpec,
    RevisionSpec,
)
from kolbridge.demo.rows import SEED_ACTOR_LABEL, working_time
from kolbridge.demo.words import in_sentence
from kolbridge.engagements.models import (
    Inquiry,
    Interaction,
    InteractionAttendee,
    InteractionStatus,
)
from kolbridge.kols.models import Channel, Kol

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)
DISCIPLINES = ("medical", "legal", "regulatory")
# Each discipline's MLR reviewer; legal and regulatory are the ones who send drafts back.
SIGNER = {"medical": "reviewer1", "legal": "reviewer2", "regulatory": "reviewer3"}
RETURNERS = ("reviewer2", "reviewer3")
# The item states in which an item was approved at some point of its story.
WAS_APPROVED = (APPROVED, EXPIRED, WITHDRAWN)
# How many of a territory's KOLs, an MSL's recent meetings and the inquiries about one use the
# field work chooses from (read in key order).
KOLS_PER_TERRITORY = 400
MEETINGS_PER_MSL = 400
INQUIRIES_READ = 50
PRESENTATIONS_PER_MSL = 5  # built for meetings in the history, plus one for a coming meeting
MEETING_WINDOW = 200 * DAY  # the meetings presentations were built for: the last months
ITEM_SHARES_PER_MSL = 4  # single items shared in the weeks before the anchor ...
SHARE_WINDOW = 84 * DAY
PRESENT_SHARES_PER_MSL = 2  # ... and in the weeks before the seed day
PRESENT_WINDOW = 20 * DAY
REACTIVE_SHARES_PER_ITEM = 2  # standard responses sent in answer to logged inquiries
SHARE_DAYS = (30, 30, 30, 14, 60)
# Slides are presented in person or on a video call, not by phone or e-mail.
PRESENTING_CHANNELS = (Channel.IN_PERSON.value, Channel.VIDEO.value)
GENERIC_NAMES = {spec.name: spec.generic_name for spec in PRODUCTS}
# The timestamps the services write, which the seed moves to the story's moments.
STAMPED: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (ContentItem, ("created_at", "updated_at", "withdrawn_at")),
    (ItemVersion, ("created_at", "submitted_at", "approved_at")),
    (ContentModule, ("created_at",)),
    (ModuleVersion, ("created_at", "approved_at")),
    (ReviewSignature, ("signed_at",)),
    (ReviewEvent, ("at",)),
    (Presentation, ("created_at", "updated_at")),
    (PresentationNotice, ("created_at", "resolved_at")),
    (PresentedContent, ("presented_at",)),
    (EmailTemplate, ("created_at", "approved_at")),
)
OPENS = (0, 1, 2, 3, 4, 6)
OPEN_WEIGHTS = (12, 28, 24, 16, 12, 8)
SEED_HISTORY_REASON = (
    "Demo data: the seed took these steps through the services and placed their dates on the "
    "demo's timeline."
)


@dataclass
class _Step:
    at: datetime
    order: int
    run: Callable[[], Any]


@dataclass
class _PlannedItem:
    spec: ItemSpec
    number: int  # its place in the catalogue, for the job code on its files
    created: datetime
    expires_on: date
    approved: datetime | None = None  # when its first version was approved
    ends: datetime | None = None  # expired or withdrawn at: links carrying it are gone then
    flagged: datetime | None = None  # a newer version flags presentations carrying it


@dataclass
class _PlannedPresentation:
    msl: str
    kol_id: int
    title: str
    note: str
    slots: list[tuple[str, str | None]]  # (item key, module key or None: the whole item)
    pk: int = 0


@dataclass
class _PlannedLink:
    at: datetime
    msl: str
    kol_id: int
    slots: list[tuple[str, str | None]]
    days: int
    presentation: _PlannedPresentation | None = None
    inquiry_id: int | None = None
    revoked: datetime | None = None
    pk: int = 0


@dataclass(frozen=True)
class _Meeting:
    pk: int
    kol_id: int
    starts_at: datetime
    minutes: int
    area: str


@dataclass
class _Territory:
    msl: str
    kols: list[int] = field(default_factory=list)
    meetings: list[_Meeting] = field(default_factory=list)
    coming: list[_Meeting] = field(default_factory=list)  # planned meetings from today on


def seed_content(
    *,
    seed: int,
    anchor: datetime,
    today: date,
    users: dict[str, User],
    password: Callable[[str], str],
) -> None:
    """Load the demo library and its use into a database whose KOLs and engagements are
    seeded; ``password`` gives each demo user's password (the reviewers sign with theirs)."""
    ContentSeeder(
        rng=random.Random(f"{seed}:content"),
        anchor=anchor,
        today=today,
        users=users,
        password=password,
    ).run()


class ContentSeeder:
    """Plans the content story from one random stream, runs it through the services in the
    order of the story, then dates it back and adds the KOLs' view history."""

    def __init__(
        self,
        *,
        rng: random.Random,
        anchor: datetime,
        today: date,
        users: dict[str, User],
        password: Callable[[str], str],
    ) -> None:
        self.rng = rng
        self.anchor = anchor
        self.today = today
        self.today_start = timezone.make_aware(datetime.combine(today, day_time.min))
        self.history_end = min(anchor, self.today_start)
        self.users = users
        self.password = password
        self.steps: list[_Step] = []
        # (the real time a step began, the moment of the story it stands for)
        self.marks: list[tuple[datetime, datetime]] = []
        self.module_specs = {m.key: m for m in MODULES}
        self.planned: dict[str, _PlannedItem] = {}
        self.presentations: list[_PlannedPresentation] = []
        self.links: list[_PlannedLink] = []
        # Approved in the story at (modules reworded by a revision): presentations showing
        # the old wording are flagged then.
        self.reworded: dict[str, datetime] = {}
        self.modules: dict[str, int] = {}  # module key -> ContentModule id
        self.items: dict[str, int] = {}  # item key -> ContentItem id
        self.indications: dict[tuple[str, str], int] = {}
        self.kol_names: dict[int, str] = {}  # as the MSL addresses them: "Dr Chen"
        self.shared_items: set[str] = set()  # items shared on their own

    def run(self) -> None:
        self._remember_passwords()
        self._plan_templates()
        self._plan_library()
        self._plan_field_work()
        self._execute()
        self._date_back()
        self._write_views()
        self._audit_history()

    # --- planning helpers ----------------------------------------------------------------

    def _step(self, at: datetime, run: Callable[[], Any]) -> None:
        self.steps.append(_Step(at, len(self.steps), run))

    def _moment(self, day: datetime, *, back: bool = False) -> datetime:
        """A working hour of that day, moved off a weekend to the Monday after (``back``: to
        the Friday before, so that a moment chosen before a limit stays before it)."""
        at = working_time(self.rng, day)
        if at.weekday() >= 5:
            at += (-(at.weekday() - 4) if back else 7 - at.weekday()) * DAY
        return at

    def _after(self, at: datetime, low: int, high: int) -> datetime:
        """A working moment ``low`` to ``high`` days after ``at``, and always after it."""
        later = self._moment(at + self.rng.randint(low, high) * DAY)
        return later if later > at else at + self.rng.randint(1, 8) * QUARTER

    def _usable_until(self, key: str) -> datetime | None:
        """Until when presentations carrying the item can be presented and shared: its
        expiry or withdrawal, or the approval of a change that flags them."""
        plan = self.planned[key]
        moments = [m for m in (plan.ends, plan.flagged) if m is not None]
        modules = set(plan.spec.modules)
        if plan.spec.revision and plan.spec.revision.modules:
            modules |= set(plan.spec.revision.modules)
        moments += [self.reworded[k] for k in modules if k in self.reworded]
        return min(moments, default=None)

    def _presentable(self, key: str, start: datetime, end: datetime) -> bool:
        """Whether a presentation can carry the item from ``start`` to ``end``: approved by
        then, and nothing takes it out of use or flags it before the end."""
        plan = self.planned[key]
        if plan.approved is None or plan.approved + DAY > start:
            return False
        until = self._usable_until(key)
        return until is None or end < until

    # --- the library -----------------------------------------------------------------------

    def _remember_passwords(self) -> None:
        """The reviewers re-enter their passwords at every e-signature, as the service
        demands; each check costs half a second by design (PBKDF2), and the seed signs some
        two hundred times, so each reviewer's answer is remembered after its first check."""
        for username in SIGNER.values():
            user = self.users[username]
            user.check_password = functools.cache(user.check_password)  # type: ignore[method-assign]

    def _plan_templates(self) -> None:
        at = self._moment(self.anchor - 600 * DAY)
        self._step(at, self._create_templates)
        self._step(self._after(at, 1, 4), self._approve_templates)

    def _create_templates(self) -> None:
        for name, subject, body, _ in EMAIL_TEMPLATES:
            email_template_create(actor=self.users["admin"], name=name, subject=subject, body=body)

    def _approve_templates(self) -> None:
        reviewer = self.users[SIGNER["medical"]]
        for name, _, _, approved in EMAIL_TEMPLATES:
            if approved:
                email_template_approve(
                    actor=reviewer,
                    template=EmailTemplate.objects.get(name=name),
                    password=self.password(reviewer.username),
                )

    def _plan_library(self) -> None:
        first_use: dict[str, datetime] = {}
        for number, spec in enumerate(ITEMS, start=1):
            plan = _PlannedItem(
                spec,
                number,
                self._moment(self.anchor - spec.days_before * DAY),
                self._expiry(spec),
            )
            self.planned[spec.key] = plan
            for key in spec.modules:
                first_use[key] = min(first_use.get(key, plan.created), plan.created)
            self._plan_review(plan)
            revision = spec.revision
            if revision and revision.modules:
                started = self._moment(self.anchor - revision.days_before * DAY)
                for key in revision.modules:
                    first_use[key] = min(first_use.get(key, started), started)
        for module in MODULES:
            used = first_use.get(module.key)
            if used is not None:
                at = min(self._moment(used - self.rng.randint(1, 3) * DAY), used - HOUR)
                self._step(at, functools.partial(self._create_module, module))

    def _expiry(self, spec: ItemSpec) -> date:
        """The expiry date an item is approved with: most a year or two ahead, a few within
        the month (the library's "expiring soon"); one that is to expire gets a date its
        expiry step moves back."""
        if spec.state == EXPIRED:
            return self.today + 400 * DAY
        if self.rng.random() < 0.12:
            return self.today + self.rng.randint(8, 30) * DAY
        return self.today + self.rng.randint(90, 720) * DAY

    def _plan_review(self, plan: _PlannedItem) -> None:
        spec, rng = plan.spec, self.rng
        key = spec.key
        at = plan.created
        self._step(at, functools.partial(self._create_item, plan))
        for round_number, comment in enumerate(spec.comments, start=1):
            at = self._after(at, 2, 6)
            self._step(at, functools.partial(self._submit, key))
            if rng.random() < 0.5:
                at = self._after(at, 1, 3)
                self._step(at, functools.partial(self._sign, key, "medical"))
            at = self._after(at, 1, 5)
            returner = rng.choice(RETURNERS)
            self._step(at, functools.partial(self._return, key, returner, comment))
            if spec.state == RETURNED and round_number == len(spec.comments):
                return
            at = self._after(at, 2, 8)
            self._step(at, functools.partial(self._correct, plan, round_number))
        if spec.state == DRAFT:
            return
        at = self._after(at, 2, 6)
        self._step(at, functools.partial(self._submit, key))
        disciplines = rng.sample(DISCIPLINES, len(DISCIPLINES))
        if spec.state == IN_REVIEW:
            disciplines = disciplines[: spec.signatures]
        for discipline in disciplines:
            at = self._after(at, 1, 4)
            self._step(at, functools.partial(self._sign, key, discipline))
        if spec.state == IN_REVIEW:
            return
        plan.approved = at
        if spec.revision is not None:
            self._plan_revision(plan, spec.revision)
        if spec.state == EXPIRED:
            expires_on = (self.anchor - spec.ends_days_before * DAY).date()
            # The daily task runs in the night after the last day of use.
            ends = timezone.make_aware(datetime.combine(expires_on + DAY, day_time(5, 0)))
            plan.ends = ends
            self._step(ends, functools.partial(self._expire, key, expires_on))
        elif spec.state == WITHDRAWN:
            plan.ends = self._moment(self.anchor - spec.ends_days_before * DAY)
            self._step(plan.ends, functools.partial(self._withdraw, key, spec.reason))

    def _plan_revision(self, plan: _PlannedItem, revision: RevisionSpec) -> None:
        key = plan.spec.key
        at = self._moment(self.anchor - revision.days_before * DAY)
        assert plan.approved is not None and at > plan.approved, f"{key}: revised before approval"
        for module_key, wording in revision.rewordings:
            self._step(at, functools.partial(self._reword, module_key, wording))
            at += QUARTER
        self._step(at, functools.partial(self._revise, plan, revision))
        if revision.outcome == DRAFT:
            return
        at = self._after(at, 1, 4)
        self._step(at, functools.partial(self._submit, key))
        if revision.outcome == IN_REVIEW:
            return
        for discipline in self.rng.sample(DISCIPLINES, len(DISCIPLINES)):
            at = self._after(at, 1, 4)
            self._step(at, functools.partial(self._sign, key, discipline))
        if revision.indications is not None or revision.modules is not None:
            plan.flagged = at
        for module_key, _ in revision.rewordings:
            self.reworded[module_key] = at

    # --- the library's steps -----------------------------------------------------------------

    def _create_module(self, spec: ModuleSpec) -> None:
        figure = None
        if spec.bars:
            data = media.png(spec.bars, colour=media.AREA_COLOURS[spec.area])
            figure = SimpleUploadedFile(f"{spec.key}.png", data, content_type="image/png")
        module = module_create(
            actor=self.users[spec.author],
            kind=spec.kind,
            therapeutic_area=spec.area,
            title=spec.title,
            text=spec.text,
            references=spec.references,
            figure=figure,
        )
        self.modules[spec.key] = module.pk

    def _indications(self, wanted: Sequence[tuple[str, str]]) -> list[tuple[int, str]]:
        """The (id, name) of each indication given as (product, words of its name)."""
        if not self.indications:
            for pk, product, name in Indication.objects.values_list("pk", "product__name", "name"):
                self.indications[(product, name)] = pk
        found = []
        for product, words in wanted:
            matches = [
                (pk, name)
                for (p, name), pk in self.indications.items()
                if p == product and words in name
            ]
            assert len(matches) == 1, f"{product}: “{words}” names {len(matches)} indications"
            found.extend(matches)
        return found

    def _indication_ids(self, wanted: Sequence[tuple[str, str]]) -> list[int]:
        return [pk for pk, _ in self._indications(wanted)]

    def _indication_names(self, wanted: Sequence[tuple[str, str]]) -> list[str]:
        return [name for _, name in self._indications(wanted)]

    def _classification(
        self, plan: _PlannedItem, indications: Sequence[tuple[str, str]]
    ) -> Classification:
        spec = plan.spec
        return Classification(
            therapeutic_area=spec.area,
            products=spec.products,
            indications=self._indication_ids(indications),
            audiences=spec.audiences,
            usage=spec.usage,
            expires_on=plan.expires_on,
        )

    def _upload(
        self, plan: _PlannedItem, label: str, modules: Sequence[str]
    ) -> SimpleUploadedFile | None:
        """The item's file: a deck or reprint PDF made of its modules, an infographic, or the
        head of a video."""
        spec = plan.spec
        colour = media.AREA_COLOURS[spec.area]
        job = f"Job code KB-{spec.area}-{plan.number:04d} {label}"
        slug = "-".join(spec.title.lower().replace(":", "").split()[:6])
        if spec.kind == "faq":
            return None
        if spec.kind == "video":
            data = media.mp4(f"{spec.title} ({job})")
            return SimpleUploadedFile(f"{slug}.mp4", data, "video/mp4")
        if spec.kind == "infographic":
            bars = next(
                (self.module_specs[k].bars for k in modules if self.module_specs[k].bars),
                (60, 35, 80),
            )
            data = media.png(bars, colour=colour, width=540, height=720, tiles=3)
            return SimpleUploadedFile(f"{slug}.png", data, "image/png")
        audience = {
            "medical_external": "For healthcare professionals",
            "commercial": "Promotional material",
            "internal_training": "Internal training - not for external use",
        }[spec.audiences[0]]
        footer = f"{audience} | {job} | Date of preparation {plan.created:%B %Y}"
        products = ", ".join(f"{name} ({GENERIC_NAMES[name]})" for name in spec.products)
        pages = [media.Page(spec.title, [spec.summary, products], footer)]
        for key in modules:
            module = self.module_specs[key]
            paragraphs = [module.text]
            if module.references:
                refs = "; ".join(format_reference(parse_reference(r)) for r in module.references)
                paragraphs.append(f"References: {refs}")
            pages.append(media.Page(module.title, paragraphs, footer))
        data = media.pdf(pages, colour=colour, landscape=spec.kind == "deck")
        return SimpleUploadedFile(f"{slug}.pdf", data, "application/pdf")

    def _create_item(self, plan: _PlannedItem) -> None:
        spec = plan.spec
        item = item_create(
            actor=self.users[spec.author],
            kind=spec.kind,
            title=spec.title,
            summary=spec.summary,
            body=spec.body,
            classification=self._classification(plan, spec.indications),
            module_ids=[self.modules[k] for k in spec.modules],
            upload=self._upload(plan, "v1", spec.modules),
        )
        self.items[spec.key] = item.pk

    def _item(self, key: str) -> ContentItem:
        return ContentItem.objects.select_related("working_version", "approved_version").get(
            pk=self.items[key]
        )

    def _submit(self, key: str) -> None:
        item = self._item(key)
        item_submit(actor=self.users[self.planned[key].spec.author], item=item)

    def _sign(self, key: str, discipline: str) -> None:
        reviewer = self.users[SIGNER[discipline]]
        item_sign(
            actor=reviewer,
            item=self._item(key),
            discipline=discipline,
            password=self.password(reviewer.username),
            meaning=SIGNATURE_MEANINGS[discipline],
        )

    def _return(self, key: str, reviewer: str, comment: str) -> None:
        item_return(actor=self.users[reviewer], item=self._item(key), comment=comment)

    def _correct(self, plan: _PlannedItem, round_number: int) -> None:
        """The author answers the reviewers' comments with a corrected file."""
        spec = plan.spec
        item_revise(
            actor=self.users[spec.author],
            item=self._item(spec.key),
            change_summary="Changes asked for in MLR review made.",
            upload=self._upload(plan, f"v1 rev. {round_number}", spec.modules),
        )

    def _reword(self, module_key: str, wording: str) -> None:
        spec = self.module_specs[module_key]
        module_revise(
            actor=self.users[spec.author],
            module=ContentModule.objects.get(pk=self.modules[module_key]),
            text=wording,
        )

    def _revise(self, plan: _PlannedItem, revision: RevisionSpec) -> None:
        spec = plan.spec
        modules = revision.modules or spec.modules
        item_revise(
            actor=self.users[spec.author],
            item=self._item(spec.key),
            change_summary=revision.change,
            module_ids=[self.modules[k] for k in modules],
            classification=(
                self._classification(plan, revision.indications)
                if revision.indications is not None
                else None
            ),
            upload=self._upload(plan, "v2", modules),
        )

    def _expire(self, key: str, expires_on: date) -> None:
        """The item's date comes, and the daily expiry task of the next night runs."""
        ItemVersion.objects.filter(item_id=self.items[key], status=VersionStatus.APPROVED).update(
            expires_on=expires_on
        )
        content_expire_due(today=expires_on + DAY)

    def _withdraw(self, key: str, reason: str) -> None:
        item_withdraw(actor=self.users[SIGNER["medical"]], item=self._item(key), reason=reason)

    # --- the field: presentations, presenting, sharing --------------------------------------

    def _territories(self) -> dict[int, _Territory]:
        """The MSLs' territories with some of their KOLs, the MSL's completed meetings of
        recent months where slides could be shown, and the next meeting planned from today.

        Each is read in key order up to a bound: the field work needs a few dozen of them,
        and a demo of 100,000 KOLs must not load millions of meetings to choose them."""
        territories = {
            user.territory_id: _Territory(username)
            for username, user in self.users.items()
            if user.role == Role.MSL and user.territory_id is not None
        }
        first_attendee = InteractionAttendee.objects.filter(interaction_id=OuterRef("pk")).order_by(
            "kol_id"
        )
        for territory_id, territory in territories.items():
            territory.kols = list(
                Kol.objects.filter(territory_id=territory_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:KOLS_PER_TERRITORY]
            )
            # A meeting with colleagues of one hospital is presented to the first of them.
            meetings = (
                Interaction.objects.filter(
                    owner=self.users[territory.msl],
                    channel__in=PRESENTING_CHANNELS,
                    therapeutic_area__isnull=False,
                )
                .annotate(kol_id=Subquery(first_attendee.values("kol_id")[:1]))
                .values_list(
                    "pk", "kol_id", "starts_at", "duration_minutes", "therapeutic_area__code"
                )
            )
            done = meetings.filter(
                status=InteractionStatus.COMPLETED,
                starts_at__gte=self.history_end - MEETING_WINDOW,
                starts_at__lt=self.history_end,
            ).order_by("pk")[:MEETINGS_PER_MSL]
            coming = meetings.filter(
                status=InteractionStatus.PLANNED, starts_at__gte=self.today_start
            ).order_by("starts_at", "pk")[:1]
            territory.meetings = sorted(
                (_Meeting(*row) for row in done), key=lambda m: (m.starts_at, m.pk)
            )
            territory.coming = [_Meeting(*row) for row in coming]
        return territories

    def _plan_field_work(self) -> None:
        territories = self._territories()
        kol_ids = {k for t in territories.values() for k in t.kols}
        kol_ids |= {m.kol_id for t in territories.values() for m in (*t.meetings, *t.coming)}
        for pk, title, last_name in Kol.objects.filter(pk__in=kol_ids).values_list(
            "pk", "title", "last_name"
        ):
            self.kol_names[pk] = f"{title} {last_name}".strip()
        areas: dict[int, set[str]] = defaultdict(set)
        for kol_id, code in Kol.therapeutic_areas.through.objects.filter(
            kol_id__in=kol_ids
        ).values_list("kol_id", "therapeuticarea__code"):
            areas[kol_id].add(code)
        featured: set[str] = set()
        for territory in territories.values():
            self._plan_presentations(territory, featured)
            self._plan_coming_presentation(territory)
            self._plan_item_shares(territory, areas)
        self._plan_reactive_shares(territories)
        self._plan_revocation()
        self._plan_accepted_updates()

    def _shareable(self, *, area: str | None = None) -> list[str]:
        """Items a medical colleague may share proactively with a KOL, once approved."""
        return [
            key
            for key, plan in self.planned.items()
            if plan.spec.state in WAS_APPROVED
            and plan.spec.audiences == ("medical_external",)
            and plan.spec.usage == PROACTIVE
            and (area is None or plan.spec.area == area)
        ]

    def _slots(self, keys: Sequence[str]) -> list[tuple[str, str | None]]:
        """Whole items, and now and then one claim or figure of a deck."""
        slots: list[tuple[str, str | None]] = []
        for key in keys:
            spec = self.planned[key].spec
            parts = [
                k
                for k in spec.modules
                if self.module_specs[k].kind in ("claim", "figure")
                and (spec.revision is None or k in (spec.revision.modules or spec.modules))
            ]
            if spec.kind == "deck" and parts and self.rng.random() < 0.35:
                slots.append((key, self.rng.choice(parts)))
            else:
                slots.append((key, None))
        return slots

    def _presentation(
        self, msl: str, kol_id: int, area: str, keys: Sequence[str]
    ) -> _PlannedPresentation:
        rng = self.rng
        kol = self.kol_names[kol_id]
        brand = self.planned[keys[0]].spec.products[0]
        title = rng.choice(PRESENTATION_TITLES[area]).format(kol=kol, brand=brand)
        note = rng.choice(PRIVATE_NOTES).format(kol=kol)
        planned = _PlannedPresentation(msl, kol_id, title, note, self._slots(keys))
        self.presentations.append(planned)
        return planned

    def _plan_presentations(self, territory: _Territory, featured: set[str]) -> None:
        """Presentations built for meetings of the last months, presented there and often
        shared afterwards. Items that a later change, expiry or withdrawal will touch go in
        first, so their owners get the notices."""
        rng = self.rng
        meetings = list(territory.meetings)
        rng.shuffle(meetings)
        chosen: list[_Meeting] = []
        for meeting in meetings:
            if len(chosen) == PRESENTATIONS_PER_MSL:
                break
            if all(m.kol_id != meeting.kol_id for m in chosen):
                chosen.append(meeting)
        for meeting in sorted(chosen, key=lambda m: (m.starts_at, m.pk)):
            built = self._moment(meeting.starts_at - rng.randint(2, 9) * DAY, back=True)
            if built >= meeting.starts_at:
                built = meeting.starts_at - DAY
            shared = self._after(meeting.starts_at, 0, 2)
            usable = [
                k for k in self._shareable(area=meeting.area) if self._presentable(k, built, shared)
            ]
            if not usable:
                continue
            touched = [k for k in usable if self._usable_until(k) and k not in featured]
            picks = touched[:1]
            rest = [k for k in usable if k not in picks]
            picks += rng.sample(rest, min(len(rest), rng.randint(2, 4) - len(picks)))
            featured.update(picks)
            planned = self._presentation(territory.msl, meeting.kol_id, meeting.area, picks)
            self._step(built, functools.partial(self._build, planned))
            budget = meeting.minutes * 60 * 4 // 5
            seconds = [rng.randint(60, 420) for _ in planned.slots]
            scale = min(1.0, budget / sum(seconds))
            timings = [Timing(i, int(s * scale)) for i, s in enumerate(seconds, start=1)]
            # Recorded when the slides are closed, before the meeting ends.
            presented = meeting.starts_at + rng.randint(5, max(5, meeting.minutes - 5)) * MINUTE
            self._step(presented, functools.partial(self._present, planned, meeting.pk, timings))
            if rng.random() < 0.65 and shared < self.history_end:
                link = _PlannedLink(
                    shared,
                    territory.msl,
                    meeting.kol_id,
                    planned.slots,
                    rng.choice(SHARE_DAYS),
                    presentation=planned,
                )
                self._plan_link(link)

    def _plan_coming_presentation(self, territory: _Territory) -> None:
        """One presentation being prepared for a meeting in the coming days."""
        if not territory.coming:
            return
        rng = self.rng
        meeting = territory.coming[0]
        built = self._moment(self.today_start - rng.randint(1, 4) * DAY, back=True)
        usable = [
            k
            for k in self._shareable(area=meeting.area)
            if self.planned[k].spec.state == APPROVED and self._presentable(k, built, built)
        ]
        if not usable:
            return
        picks = rng.sample(usable, min(len(usable), rng.randint(2, 3)))
        planned = self._presentation(territory.msl, meeting.kol_id, meeting.area, picks)
        self._step(built, functools.partial(self._build, planned))

    def _plan_item_shares(self, territory: _Territory, areas: dict[int, set[str]]) -> None:
        """Single items shared with KOLs of the territory: some in the weeks before the anchor,
        some in the weeks before the seed day. An item that expires or is withdrawn in those
        weeks is shared first, so the demo shows its links going out of use."""
        rng = self.rng
        windows = [(self.history_end - SHARE_WINDOW, self.history_end)] * ITEM_SHARES_PER_MSL
        windows += [(self.today_start - PRESENT_WINDOW, self.today_start - HOUR)] * (
            PRESENT_SHARES_PER_MSL
        )
        candidates = self._shareable()
        for start, end in windows:
            ending = [
                k
                for k in candidates
                if (ends := self.planned[k].ends) is not None
                and start + 2 * DAY < ends < end
                and k not in self.shared_items
                and any(self.planned[k].spec.area in areas[kol] for kol in territory.kols)
            ]
            key = ending[0] if ending else rng.choice(candidates)
            plan = self.planned[key]
            kols = [k for k in territory.kols if plan.spec.area in areas[k]]
            assert plan.approved is not None  # _shareable lists approved items only
            low = max(start, plan.approved + DAY)
            high = min(end, plan.ends or end)
            if not kols or low >= high:
                continue
            at = self._moment(low + (high - low) * rng.random(), back=True)
            if not low <= at < high:
                continue
            link = _PlannedLink(
                at, territory.msl, rng.choice(kols), [(key, None)], rng.choice(SHARE_DAYS)
            )
            self.shared_items.add(key)
            self._plan_link(link)

    def _plan_reactive_shares(self, territories: dict[int, _Territory]) -> None:
        """Reactive-only standard responses, each sent a day or two after the question came
        in to KOLs who asked about its use in a logged unsolicited inquiry."""
        rng = self.rng
        msls = {tid: t.msl for tid, t in territories.items()}
        for key, plan in self.planned.items():
            spec = plan.spec
            if spec.usage == PROACTIVE or spec.state != APPROVED or plan.approved is None:
                continue
            # The use the response is about, as a question names it.
            topics = Q()
            for name in self._indication_names(spec.indications):
                topics |= Q(question__contains=in_sentence(name))
            asked = list(
                Inquiry.objects.filter(
                    topics,
                    kol__territory_id__in=list(msls),
                    unsolicited_confirmed=True,
                    product__name__in=spec.products,
                    received_at__gt=plan.approved + DAY,
                    received_at__lt=self.today_start - 3 * DAY,
                )
                .order_by("pk")
                .values_list("pk", "kol_id", "kol__territory_id", "received_at")[:INQUIRIES_READ]
            )
            for pk, kol_id, territory_id, received in rng.sample(
                asked, min(len(asked), REACTIVE_SHARES_PER_ITEM)
            ):
                at = self._after(received, 0, 2)
                if at >= self.today_start:
                    continue
                link = _PlannedLink(
                    at,
                    msls[territory_id],
                    kol_id,
                    [(key, None)],
                    rng.choice(SHARE_DAYS),
                    inquiry_id=pk,
                )
                self._plan_link(link)

    def _plan_link(self, link: _PlannedLink) -> None:
        self.links.append(link)
        self._step(link.at, functools.partial(self._share, link))

    def _plan_revocation(self) -> None:
        """One link pulled back by its sender a day or two after sending it."""
        history = [link for link in self.links if link.at < self.history_end - 7 * DAY]
        if not history:
            return
        link = self.rng.choice(history)
        link.revoked = self._after(link.at, 1, 2)
        self._step(link.revoked, functools.partial(self._revoke, link))

    def _plan_accepted_updates(self) -> None:
        """After a change that flags presentations, the owner of the first one flagged looks
        at it and takes the new version."""
        for key, plan in self.planned.items():
            if plan.flagged is None:
                continue
            carrying = [p for p in self.presentations if any(k == key for k, _ in p.slots)]
            if carrying:
                at = self._after(plan.flagged, 2, 5)
                self._step(at, functools.partial(self._accept_updates, carrying[0]))

    # --- the field's steps -------------------------------------------------------------------

    def _build(self, planned: _PlannedPresentation) -> None:
        msl = self.users[planned.msl]
        presentation = presentation_create(
            actor=msl, kol_id=planned.kol_id, title=planned.title, private_note=planned.note
        )
        for item_key, module_key in planned.slots:
            presentation_add(
                actor=msl,
                presentation=presentation,
                item_id=self.items[item_key],
                module_id=self.modules[module_key] if module_key else None,
            )
        planned.pk = presentation.pk

    def _present(
        self, planned: _PlannedPresentation, interaction_id: int, timings: Sequence[Timing]
    ) -> None:
        presentation_record_presenting(
            actor=self.users[planned.msl],
            presentation=Presentation.objects.get(pk=planned.pk),
            interaction_id=interaction_id,
            timings=timings,
        )

    def _share(self, link: _PlannedLink) -> None:
        new = share_create(
            actor=self.users[link.msl],
            kol_id=link.kol_id,
            presentation_id=link.presentation.pk if link.presentation else None,
            item_id=None if link.presentation else self.items[link.slots[0][0]],
            inquiry_id=link.inquiry_id,
            expires_in_days=link.days,
        )
        link.pk = new.link.pk

    def _revoke(self, link: _PlannedLink) -> None:
        share_revoke(
            actor=self.users[link.msl],
            link=ShareLink.objects.get(pk=link.pk),
            reason="Shared the previous data cut by mistake; a link to the current material "
            "follows.",
        )

    def _accept_updates(self, planned: _PlannedPresentation) -> None:
        presentation = Presentation.objects.get(pk=planned.pk)
        notices = PresentationNotice.objects.filter(
            presentation=presentation, kind=NoticeKind.NEEDS_REVIEW, resolved_at__isnull=True
        ).order_by("pk")
        for notice_id in list(notices.values_list("pk", flat=True)):
            presentation_accept_update(
                actor=self.users[planned.msl], presentation=presentation, notice_id=notice_id
            )

    # --- running and dating back ---------------------------------------------------------

    def _execute(self) -> None:
        for step in sorted(self.steps, key=lambda s: (s.at, s.order)):
            self.marks.append((timezone.now(), step.at))
            step.run()

    def _date_back(self) -> None:
        """Move every timestamp a step wrote to the step's moment in the story (a share link's
        expiry moves with its sending). One statement per table: at this size the ORM's
        ``bulk_update`` spends most of its time building the statement."""
        reals = [real for real, _ in self.marks]

        def moved(value: datetime | None) -> datetime | None:
            if value is None or value < reals[0]:
                return value
            return self.marks[bisect_right(reals, value) - 1][1]

        for model, fields in STAMPED:
            rows = [
                (*(moved(v) for v in values), pk)
                for pk, *values in model._default_manager.values_list("pk", *fields)
            ]
            self._update(model, fields, rows)
        links = []
        for pk, created, expires, revoked in ShareLink.objects.values_list(
            "pk", "created_at", "expires_at", "revoked_at"
        ):
            sent = moved(created)
            assert sent is not None  # created_at is never empty
            links.append((sent, sent + (expires - created), moved(revoked), pk))
        self._update(ShareLink, ("created_at", "expires_at", "revoked_at"), links)

    @staticmethod
    def _update(model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Set ``fields`` (datetime columns named as their fields) of each row; a row is the
        new values, then its key."""
        if not rows:
            return
        quote = connection.ops.quote_name
        adapt = connection.ops.adapt_datetimefield_value
        columns = ", ".join(f"{quote(f)} = %s" for f in fields)
        # Table and column names come from the models; the values are parameters.
        sql = f"UPDATE {quote(model._meta.db_table)} SET {columns} WHERE id = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(*(adapt(v) for v in row[:-1]), row[-1]) for row in rows])

    # --- what the KOLs did ---------------------------------------------------------------

    def _write_views(self) -> None:
        """Opens of each link, and per open the seconds on each module and the downloads, from
        the link's sending until it expired, was revoked or lost its material (or today)."""
        rng = self.rng
        opens: list[ShareOpen] = []
        events: list[tuple[int, ViewEvent]] = []
        for link in self.links:
            ends = [link.at + link.days * DAY, self.today_start - HOUR]
            if link.revoked:
                ends.append(link.revoked)
            ends += [e for k, _ in link.slots if (e := self.planned[k].ends) is not None]
            end = min(ends)
            at = link.at
            for visit in range(rng.choices(OPENS, OPEN_WEIGHTS)[0]):
                gap = rng.uniform(0.02, 2.5) if visit == 0 else rng.uniform(0.3, 9.0)
                at += gap * DAY
                if at >= end:
                    break
                scripted = rng.random() < 0.85
                opens.append(ShareOpen(share_link_id=link.pk, opened_at=at, scripted=scripted))
                if not scripted:
                    continue
                moment = at
                for position, (key, module) in enumerate(link.slots, start=1):
                    if rng.random() > (0.9 if position == 1 else 0.7) * (1 if visit == 0 else 0.6):
                        continue
                    seconds = max(4, min(900, int(rng.lognormvariate(4.0, 0.8))))
                    moment += timedelta(seconds=seconds)
                    events.append((len(opens) - 1, self._event(link, position, seconds, moment)))
                    downloadable = module is None and self.planned[key].spec.kind != "faq"
                    if downloadable and rng.random() < 0.15:
                        events.append((len(opens) - 1, self._event(link, position, 0, moment)))
        ShareOpen.objects.bulk_create(opens, batch_size=1000)
        for index, event in events:
            event.open = opens[index]
        ViewEvent.objects.bulk_create([event for _, event in events], batch_size=1000)

    @staticmethod
    def _event(link: _PlannedLink, position: int, seconds: int, at: datetime) -> ViewEvent:
        kind = ViewEventKind.DWELL if seconds else ViewEventKind.DOWNLOAD
        return ViewEvent(
            share_link_id=link.pk, kind=kind, position=position, seconds=seconds, at=at
        )

    def _audit_history(self) -> None:
        """One entry per record whose dates the seed placed on the timeline."""
        events: list[AuditEvent] = []
        versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for (
            item_id,
            number,
            status,
            created,
            submitted,
            approved,
            expires_on,
        ) in ItemVersion.objects.order_by("item_id", "number").values_list(
            "item_id",
            "number",
            "status",
            "created_at",
            "submitted_at",
            "approved_at",
            "expires_on",
        ):
            versions[item_id].append(
                {
                    "number": number,
                    "status": status,
                    "created_at": created,
                    "submitted_at": submitted,
                    "approved_at": approved,
                    "expires_on": expires_on,
                }
            )
        for item in ContentItem.objects.select_related("current_version").order_by("pk"):
            events.append(
                self._history_event(
                    "content.seed_history",
                    "content_item",
                    item,
                    {
                        "created_at": item.created_at,
                        "withdrawn_at": item.withdrawn_at,
                        "versions": versions[item.pk],
                    },
                )
            )
        module_versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for module_id, number, created, approved in ModuleVersion.objects.order_by(
            "module_id", "number"
        ).values_list("module_id", "number", "created_at", "approved_at"):
            module_versions[module_id].append(
                {"number": number, "created_at": created, "approved_at": approved}
            )
        for module in ContentModule.objects.select_related("latest_version").order_by("pk"):
            events.append(
                self._history_event(
                    "module.seed_history",
                    "content_module",
                    module,
                    {"created_at": module.created_at, "versions": module_versions[module.pk]},
                )
            )
        presented: dict[int, list[datetime]] = defaultdict(list)
        for presentation_id, at in (
            PresentedContent.objects.order_by("presented_at")
            .values_list("presentation_id", "presented_at")
            .distinct()
        ):
            if presentation_id is not None and at not in presented[presentation_id]:
                presented[presentation_id].append(at)
        for presentation in Presentation.objects.order_by("pk"):
            events.append(
                self._history_event(
                    "presentation.seed_history",
                    "presentation",
                    presentation,
                    {
                        "created_at": presentation.created_at,
                        "presented_at": presented[presentation.pk],
                    },
                )
            )
        for link in ShareLink.objects.order_by("pk"):
            events.append(
                self._history_event(
                    "share_link.seed_history",
                    "share_link",
                    link,
                    {
                        "created_at": link.created_at,
                        "expires_at": link.expires_at,
                        "revoked_at": link.revoked_at,
                    },
                )
            )
        for template in EmailTemplate.objects.order_by("pk"):
            events.append(
                self._history_event(
                    "content.email_template_seed_history",
                    "email_template",
                    template,
                    {"created_at": template.created_at, "approved_at": template.approved_at},
                )
            )
        audit_record_many(events, actor=None, actor_label=SEED_ACTOR_LABEL)

    @staticmethod
    def _history_event(
        action: str, object_type: str, obj: Model, after: dict[str, Any]
    ) -> AuditEvent:
        return AuditEvent(
            action=action,
            object_type=object_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            after=after,
            reason=SEED_HISTORY_REASON,
        )
