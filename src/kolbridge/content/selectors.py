"""Every read of content, starting from the policy's visible set; and the public viewer's
lookup of a share link by its token."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    EmailTemplate,
    ItemStatus,
    ItemVersion,
    ItemVersionModule,
    Presentation,
    PresentationNotice,
    PresentationSlot,
    PresentedContent,
    ReviewDiscipline,
    SharedModule,
    ShareLink,
    ShareOpen,
    VersionStatus,
    ViewEvent,
    ViewEventKind,
)
from kolbridge.content.policies import COMMERCIAL_ROLES
from kolbridge.content.services import hash_token
from kolbridge.core import policy
from kolbridge.core.errors import Forbidden, Invalid, NotFound
from kolbridge.core.models import User


def require_view(user: Any, resource: str) -> None:
    """Refuse a whole list the role may never see, naming the rule (403, not an empty list)."""
    if not policy.can(user, resource, "view"):
        if not user.is_authenticated:
            raise Forbidden("Sign in first.")
        raise Forbidden(policy.refusal(user.role, resource, "view"))


# Library ----------------------------------------------------------------------------------


def items_visible(*, user: User) -> QuerySet[ContentItem]:
    return policy.visible(user, "content_item", ContentItem.objects.all())


AUDIENCE_FIELDS = {
    "medical_external": "current_version__audience_medical_external",
    "commercial": "current_version__audience_commercial",
    "internal_training": "current_version__audience_internal_training",
}


def library_search(
    *,
    user: User,
    q: str = "",
    therapeutic_area: str = "",
    product: str = "",
    kind: str = "",
    audience: str = "",
    status: str = "",
    expires_before: date | None = None,
    expires_after: date | None = None,
) -> QuerySet[ContentItem]:
    """The library as this user may see it, filtered. ``q`` matches titles, summaries, module
    text and references (PMID or DOI)."""
    qs = items_visible(user=user).select_related(
        "current_version__therapeutic_area", "owner", "approved_version"
    )
    if q.strip():
        term = q.strip()
        in_modules = ItemVersionModule.objects.filter(
            item_version_id=OuterRef("current_version_id"),
            module_version__search_text__contains=term.lower(),
        )
        qs = qs.filter(
            Q(current_version__title__icontains=term)
            | Q(current_version__summary__icontains=term)
            | Q(Exists(in_modules))
        )
    if therapeutic_area:
        qs = qs.filter(current_version__therapeutic_area__code=therapeutic_area)
    if product:
        qs = qs.filter(current_version__products__name__iexact=product)
    if kind:
        qs = qs.filter(kind=kind)
    if audience:
        if audience not in AUDIENCE_FIELDS:
            raise Invalid({"audience": [f"Audience must be one of: {', '.join(AUDIENCE_FIELDS)}."]})
        qs = qs.filter(**{AUDIENCE_FIELDS[audience]: True})
    if status:
        if status not in ItemStatus.values:
            raise Invalid({"status": [f"Status must be one of: {', '.join(ItemStatus.values)}."]})
        qs = qs.filter(status=status)
    if expires_before:
        qs = qs.filter(current_version__expires_on__lt=expires_before)
    if expires_after:
        qs = qs.filter(current_version__expires_on__gte=expires_after)
    return qs.prefetch_related("current_version__products").order_by("-updated_at", "-id")


def item_get(*, user: User, item_id: int) -> ContentItem:
    item = (
        items_visible(user=user)
        .select_related(
            "owner",
            "withdrawn_by",
            "current_version__therapeutic_area",
            "approved_version",
            "working_version",
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(f"No content item with id {item_id}.")
    return item


def item_versions(*, user: User, item: ContentItem) -> list[ItemVersion]:
    """Every version, newest first, with what the item page shows of each. Commercial roles
    see only versions that were approved (unapproved promotional wording stays with its
    author)."""
    versions = item.versions.all()
    if user.role in COMMERCIAL_ROLES and item.owner_id != user.pk:
        versions = versions.filter(approved_at__isnull=False)
    return list(
        versions.select_related("created_by", "therapeutic_area")
        .prefetch_related(
            "products",
            "indications__product",
            Prefetch(
                "module_links",
                queryset=ItemVersionModule.objects.select_related(
                    "module_version__module"
                ).order_by("position"),
            ),
            "signatures__signer",
            "review_events__by",
        )
        .order_by("-number")
    )


@dataclass(frozen=True)
class ReviewState:
    """Where the working version stands in MLR review."""

    version: ItemVersion
    signed: dict[str, Any]
    missing: list[str]
    may_sign: bool
    signing_refusal: str


def review_state(*, user: User, item: ContentItem) -> ReviewState | None:
    version = item.working_version
    if version is None or version.status != VersionStatus.IN_REVIEW:
        return None
    signed = {
        s.discipline: s
        for s in version.signatures.filter(review_round=version.review_round).select_related(
            "signer"
        )
    }
    missing = [d for d in ReviewDiscipline.values if d not in signed]
    refusal = ""
    if not policy.can(user, "content_review", "sign"):
        refusal = "Only MLR reviewers sign."
    elif not policy.can(user, "content_review", "sign", version):
        refusal = policy.policy_for("content_review").record_refusal(user, "sign", version)
    elif any(s.signer_id == user.pk for s in signed.values()):
        refusal = "You have signed this version already; another reviewer signs the rest."
    return ReviewState(version, signed, missing, not refusal, refusal)


def review_queue(*, user: User) -> QuerySet[ContentItem]:
    """Items in MLR review, oldest submission first."""
    require_view(user, "content_review")
    return (
        items_visible(user=user)
        .filter(working_version__status=VersionStatus.IN_REVIEW)
        .select_related("working_version", "owner")
        .order_by("working_version__submitted_at", "id")
    )


@dataclass(frozen=True)
class ModuleUse:
    position: int
    title: str
    shares: int
    seconds: int
    downloads: int


@dataclass
class ItemUsage:
    """Where an item is used and how its recipients read it."""

    presentations: list[Presentation] = field(default_factory=list)
    share_links: list[ShareLink] = field(default_factory=list)
    share_count: int = 0
    open_count: int = 0
    seconds_total: int = 0
    presented_seconds: int = 0
    presented_count: int = 0
    per_module: list[ModuleUse] = field(default_factory=list)


def item_usage(*, user: User, item: ContentItem) -> ItemUsage | None:
    """None when the user may not see who the item was shared with (commercial roles)."""
    if not policy.can(user, "share_link", "view"):
        return None
    usage = ItemUsage()
    usage.presentations = list(
        policy.visible(user, "presentation", Presentation.objects.all())
        .filter(Exists(PresentationSlot.objects.filter(presentation=OuterRef("pk"), item=item)))
        .select_related("kol", "owner")[:50]
    )
    links = policy.visible(user, "share_link", ShareLink.objects.all()).filter(
        Exists(SharedModule.objects.filter(share_link=OuterRef("pk"), item=item))
    )
    usage.share_count = links.count()
    usage.share_links = list(
        links.select_related("kol", "created_by").annotate(open_count=Count("opens"))[:50]
    )
    shares_per_title: dict[str, int] = {}
    for m in SharedModule.objects.filter(item=item, share_link__in=links).select_related(
        "item_version", "module_version"
    ):
        shares_per_title[m.title] = shares_per_title.get(m.title, 0) + 1
    dwell = _dwell_by_shared_module(item, links)
    usage.per_module = [
        ModuleUse(i, title, count, *dwell.get(title, (0, 0)))
        for i, (title, count) in enumerate(shares_per_title.items(), start=1)
    ]
    usage.seconds_total = sum(m.seconds for m in usage.per_module)
    usage.open_count = ShareOpen.objects.filter(share_link__in=links).count()
    presented = PresentedContent.objects.filter(item_version__item=item).aggregate(
        n=Count("id"), s=Sum("seconds")
    )
    usage.presented_count = presented["n"] or 0
    usage.presented_seconds = presented["s"] or 0
    return usage


def _dwell_by_shared_module(
    item: ContentItem, links: QuerySet[ShareLink]
) -> dict[str, tuple[int, int]]:
    """Seconds and downloads per module title of this item across the given links."""
    positions = {
        (m.share_link_id, m.position): m.title
        for m in SharedModule.objects.filter(item=item, share_link__in=links).select_related(
            "item_version", "module_version"
        )
    }
    if not positions:
        return {}
    totals: dict[str, tuple[int, int]] = {}
    rows = (
        ViewEvent.objects.filter(share_link_id__in={k[0] for k in positions})
        .values("share_link_id", "position", "kind")
        .annotate(s=Sum("seconds"), n=Count("id"))
    )
    for row in rows:
        title = positions.get((row["share_link_id"], row["position"]))
        if title is None:
            continue
        seconds, downloads = totals.get(title, (0, 0))
        if row["kind"] == ViewEventKind.DWELL:
            seconds += row["s"] or 0
        else:
            downloads += row["n"]
        totals[title] = (seconds, downloads)
    return totals


# Modules ----------------------------------------------------------------------------------


def modules_visible(*, user: User) -> QuerySet[ContentModule]:
    return policy.visible(user, "content_module", ContentModule.objects.all())


def module_search(
    *, user: User, q: str = "", kind: str = "", therapeutic_area: str = ""
) -> QuerySet[ContentModule]:
    qs = modules_visible(user=user).select_related(
        "latest_version", "approved_version", "therapeutic_area"
    )
    if q.strip():
        qs = qs.filter(latest_version__search_text__contains=q.strip().lower())
    if kind:
        qs = qs.filter(kind=kind)
    if therapeutic_area:
        qs = qs.filter(therapeutic_area__code=therapeutic_area)
    return qs.order_by("-id")


def module_get(*, user: User, module_id: int) -> ContentModule:
    module = (
        modules_visible(user=user)
        .select_related("latest_version", "approved_version", "therapeutic_area", "created_by")
        .filter(pk=module_id)
        .first()
    )
    if module is None:
        raise NotFound(f"No module with id {module_id}.")
    return module


def module_items(*, user: User, module: ContentModule) -> QuerySet[ContentItem]:
    """The items whose current version carries this module (any version of it)."""
    return (
        items_visible(user=user)
        .filter(
            Exists(
                ItemVersionModule.objects.filter(
                    item_version_id=OuterRef("current_version_id"), module_version__module=module
                )
            )
        )
        .select_related("current_version")
    )


# Presentations ----------------------------------------------------------------------------


def presentations_visible(*, user: User) -> QuerySet[Presentation]:
    return policy.visible(user, "presentation", Presentation.objects.all())


def presentations_for(*, user: User, kol_id: int | None = None) -> QuerySet[Presentation]:
    require_view(user, "presentation")
    qs = (
        presentations_visible(user=user)
        .select_related("kol", "owner")
        .annotate(
            slot_count=Count("slots", distinct=True),
            open_notices=Count(
                "notices", filter=Q(notices__resolved_at__isnull=True), distinct=True
            ),
        )
    )
    if kol_id is not None:
        qs = qs.filter(kol_id=kol_id)
    return qs.order_by("-updated_at", "-id")


def presentation_get(*, user: User, presentation_id: int) -> Presentation:
    p = (
        presentations_visible(user=user)
        .select_related("kol", "owner", "inquiry")
        .prefetch_related(
            Prefetch(
                "slots",
                queryset=PresentationSlot.objects.select_related(
                    "item", "item_version", "module_version__module"
                ).order_by("position"),
            ),
        )
        .filter(pk=presentation_id)
        .first()
    )
    if p is None:
        raise NotFound(f"No presentation with id {presentation_id}.")
    return p


def presentation_notices(*, presentation: Presentation) -> QuerySet[PresentationNotice]:
    return presentation.notices.filter(resolved_at__isnull=True).order_by("-created_at", "-id")


def open_notices_for(*, user: User) -> QuerySet[PresentationNotice]:
    """Notices on the user's own presentations that they have not dealt with."""
    return (
        PresentationNotice.objects.filter(presentation__owner=user, resolved_at__isnull=True)
        .select_related("presentation__kol")
        .order_by("-created_at", "-id")
    )


def approved_items_for_kol(*, user: User, q: str = "") -> QuerySet[ContentItem]:
    """What an MSL may pick from when assembling: approved and not expired."""
    qs = library_search(user=user, q=q, status=ItemStatus.APPROVED).filter(
        approved_version__expires_on__gte=timezone.localdate()
    )
    return qs.prefetch_related(
        Prefetch(
            "approved_version__module_links",
            queryset=ItemVersionModule.objects.select_related("module_version").order_by(
                "position"
            ),
        )
    )


# Share links ------------------------------------------------------------------------------


def share_links_for(
    *, user: User, kol_id: int | None = None, item_id: int | None = None
) -> QuerySet[ShareLink]:
    require_view(user, "share_link")
    qs = (
        policy.visible(user, "share_link", ShareLink.objects.all())
        .select_related("kol", "created_by", "inquiry")
        .annotate(open_count=Count("opens", distinct=True))
    )
    if kol_id is not None:
        qs = qs.filter(kol_id=kol_id)
    if item_id is not None:
        qs = qs.filter(
            Exists(SharedModule.objects.filter(share_link=OuterRef("pk"), item_id=item_id))
        )
    return qs.order_by("-created_at", "-id")


def share_link_get(*, user: User, link_id: int) -> ShareLink:
    link = (
        with_material_state(
            policy.visible(user, "share_link", ShareLink.objects.all()), timezone.now()
        )
        .select_related("kol", "created_by", "inquiry", "revoked_by")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise NotFound(f"No share link with id {link_id}.")
    return link


@dataclass(frozen=True)
class ModuleActivity:
    position: int
    title: str
    seconds: int
    downloads: int


@dataclass(frozen=True)
class LinkActivity:
    opens: int
    last_opened: datetime | None
    seconds: int
    modules: list[ModuleActivity]


def share_link_activity(*, link: ShareLink) -> LinkActivity:
    totals = {
        (r["position"], r["kind"]): (r["s"] or 0, r["n"])
        for r in ViewEvent.objects.filter(share_link_id=link.pk)
        .values("position", "kind")
        .annotate(s=Sum("seconds"), n=Count("id"))
    }
    modules = [
        ModuleActivity(
            m.position,
            m.title,
            totals.get((m.position, ViewEventKind.DWELL), (0, 0))[0],
            totals.get((m.position, ViewEventKind.DOWNLOAD), (0, 0))[1],
        )
        for m in link.modules.select_related("item_version", "module_version").order_by("position")
    ]
    opens = link.opens.aggregate(n=Count("id"), last=Max("opened_at"))
    return LinkActivity(opens["n"], opens["last"], sum(m.seconds for m in modules), modules)


def email_templates_for(*, user: User, approved_only: bool = False) -> QuerySet[EmailTemplate]:
    require_view(user, "email_template")
    qs = EmailTemplate.objects.all()
    if approved_only:
        qs = qs.filter(approved=True)
    return qs.order_by("name")


# The public viewer ------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewerState:
    """A share link as its recipient may see it: its modules, or why it is gone."""

    link: ShareLink | None
    modules: list[SharedModule]
    gone_reason: str = ""
    # How many places (modules or whole items) the link carries: positions 1 to this.
    positions: int = 0

    @property
    def found(self) -> bool:
        return self.link is not None

    @property
    def available(self) -> bool:
        return self.link is not None and not self.gone_reason


# The viewer asks for a link on every page, file and beacon. Building a query costs more here
# than running it, and loading whole rows of six tables more than both: each query names the
# few columns it needs.
VIEWER_STATE_FIELDS = (
    "position",
    "module_version",
    "share_link__title",
    "share_link__expires_at",
    "share_link__revoked_at",
    "share_link__kol__title",
    "share_link__kol__first_name",
    "share_link__kol__last_name",
    "share_link__created_by__username",
    "share_link__created_by__first_name",
    "share_link__created_by__last_name",
    "item__withdrawn_at",
    "item_version__status",
    "item_version__expires_on",
    "item_version__approved_at",
)
VIEWER_BEACON_FIELDS = (
    "position",
    "share_link__expires_at",
    "share_link__revoked_at",
    "item__withdrawn_at",
    "item_version__status",
    "item_version__expires_on",
)
VIEWER_MODULE_FIELDS = (
    "module_version__title",
    "module_version__text",
    "module_version__references",
    "module_version__figure",
    "module_version__figure_mime",
    "module_version__module__kind",
)
VIEWER_MATERIAL_FIELDS = (
    "position",
    "item__kind",
    "item_version__title",
    "item_version__summary",
    "item_version__body",
    "item_version__file",
    "item_version__file_name",
    "item_version__file_size",
    "item_version__file_mime",
    *VIEWER_MODULE_FIELDS,
)


def share_resolve(
    token: str, *, now: datetime | None = None, for_beacon: bool = False
) -> ViewerState:
    """Find a link by its token. Gone (410) when revoked, expired, or when any material it
    carries was withdrawn or has expired.

    One query: the link (with whom it was shared, by whom: not for a beacon, which only needs
    to know whether it may record) and, per position, the versions it carries and their state.
    ``shared_material`` loads what those versions show."""
    if not token or len(token) > 100:
        return ViewerState(None, [])
    now = now or timezone.now()
    carried = SharedModule.objects.filter(share_link__token_hash=hash_token(token))
    if for_beacon:
        carried = carried.select_related("share_link", "item", "item_version").only(
            *VIEWER_BEACON_FIELDS
        )
    else:
        carried = carried.select_related(
            "share_link__kol", "share_link__created_by", "item", "item_version"
        ).only(*VIEWER_STATE_FIELDS)
    modules = list(carried.order_by("position"))
    if not modules:
        # Every share carries material; a link without any can only be shown empty.
        link = (
            ShareLink.objects.select_related("kol", "created_by")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if link is None:
            return ViewerState(None, [])
        _mark_material_state(link, [], now)
        return ViewerState(link, [], gone_reason(link, now))
    link = modules[0].share_link
    _mark_material_state(link, modules, now)
    gone = gone_reason(link, now)
    return ViewerState(link, [] if gone else modules, gone, len(modules))


def shared_material(modules: Sequence[SharedModule]) -> list[SharedModule]:
    """What these places of a link show: titles, texts, references, files, figures, and the
    modules of whole items in order. Approved versions never change, so callers may keep it."""
    return list(
        SharedModule.objects.filter(pk__in=[m.pk for m in modules])
        .select_related("item", "item_version", "module_version__module")
        .only(*VIEWER_MATERIAL_FIELDS)
        .prefetch_related(
            Prefetch(
                "item_version__module_links",
                queryset=ItemVersionModule.objects.select_related("module_version__module")
                .only("item_version", "position", *VIEWER_MODULE_FIELDS)
                .order_by("position"),
            )
        )
        .order_by("position")
    )


def _mark_material_state(link: ShareLink, modules: list[SharedModule], now: datetime) -> None:
    """Give one link the annotations of ``with_material_state`` from its modules already
    loaded: the same rule, without the two subqueries."""
    today = timezone.localdate(now)
    link.material_withdrawn = any(  # type: ignore[attr-defined]
        m.item.withdrawn_at is not None or m.item_version.status == VersionStatus.WITHDRAWN
        for m in modules
    )
    link.material_expired = any(  # type: ignore[attr-defined]
        m.item_version.expires_on < today or m.item_version.status == VersionStatus.EXPIRED
        for m in modules
    )


def with_material_state(links: QuerySet[ShareLink], now: datetime) -> QuerySet[ShareLink]:
    """Annotate whether any material a link carries was withdrawn or has expired, as
    ``gone_reason`` reads it (one subquery each, for one link or a page of them)."""
    carried = SharedModule.objects.filter(share_link=OuterRef("pk"))
    return links.annotate(
        material_withdrawn=Exists(
            carried.filter(
                Q(item__withdrawn_at__isnull=False)
                | Q(item_version__status=VersionStatus.WITHDRAWN)
            )
        ),
        material_expired=Exists(
            carried.filter(
                Q(item_version__expires_on__lt=timezone.localdate(now))
                | Q(item_version__status=VersionStatus.EXPIRED)
            )
        ),
    )


def gone_reason(link: ShareLink, now: datetime) -> str:
    """Why the link shows nothing any more ("" while it is usable). ``link`` carries its
    material's state: annotated by ``with_material_state``, or set by ``share_resolve``."""
    if link.revoked_at:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    if link.material_withdrawn:  # type: ignore[attr-defined]
        return "withdrawn"
    if link.material_expired:  # type: ignore[attr-defined]
        return "content expired"
    return ""


def kol_content_activity(*, kol_id: int, limit: int) -> QuerySet[ShareLink]:
    """Share links to a KOL with their opening and reading totals, for the timeline."""
    return (
        ShareLink.objects.filter(kol_id=kol_id)
        .select_related("created_by")
        .annotate(
            open_count=Count("opens", distinct=True),
        )
        .order_by("-created_at")[:limit]
    )
