"""Every write of content: authoring items and modules, MLR review with e-signatures,
withdrawal and expiry, presentations, presenting in an interaction, share links and what the
public viewer records.

Each service checks the policy, validates, saves and writes the audit entry in one
transaction. The compliance gates themselves are in ``content.policies``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max, Q, Sum
from django.utils import timezone

from kolbridge.content.files import ACCEPTED_BY_KIND, EXTENSIONS, IMAGES, inspect_upload
from kolbridge.content.models import (
    ContentItem,
    ContentKind,
    ContentModule,
    EmailTemplate,
    ItemStatus,
    ItemVersion,
    ItemVersionModule,
    ModuleKind,
    ModuleStatus,
    ModuleVersion,
    NoticeKind,
    Presentation,
    PresentationNotice,
    PresentationSlot,
    PresentedContent,
    ReviewDiscipline,
    ReviewEvent,
    ReviewEventKind,
    ReviewSignature,
    SharedModule,
    ShareLink,
    ShareOpen,
    Usage,
    VersionStatus,
    ViewEvent,
    ViewEventKind,
)
from kolbridge.content.policies import external_use_refusal, off_label_indications
from kolbridge.content.references import parse_reference
from kolbridge.content.richtext import clean_rich_text
from kolbridge.core import policy
from kolbridge.core.audit import audit_record, to_json_value
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.models import Indication, Role, User
from kolbridge.core.validation import (
    full_clean_or_invalid,
    products_by_names,
    therapeutic_area_by_code,
)
from kolbridge.engagements.models import Inquiry, Interaction, InteractionStatus
from kolbridge.kols.models import Kol, KolChannelPreference

SIGNATURE_DISCIPLINES = tuple(ReviewDiscipline)
# One module shown longer than this in one sitting is not a reading, it is a forgotten tab.
MAX_DWELL_SECONDS = 4 * 60 * 60
# Slack for clocks and network when checking a beacon's time against the open's age.
DWELL_SLACK_SECONDS = 10


@dataclass(frozen=True)
class Classification:
    """What an item is about and who may use it how."""

    therapeutic_area: str
    products: Sequence[str]
    indications: Sequence[int] = ()
    audiences: Sequence[str] = ("medical_external",)
    usage: str = Usage.PROACTIVE
    expires_on: date | None = None


def _audit(
    actor: User | None,
    action: str,
    obj: Any,
    object_type: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason,
        actor_label="system" if actor is None else "",
    )


def _version_snapshot(version: ItemVersion) -> dict[str, Any]:
    return to_json_value(
        {
            "number": version.number,
            "status": version.status,
            "title": version.title,
            "summary": version.summary,
            "body": version.body,
            "file_name": version.file_name,
            "file_sha256": version.file_sha256,
            "therapeutic_area": version.therapeutic_area_id,
            "products": sorted(p.name for p in version.products.all()),
            "indications": sorted(i.pk for i in version.indications.all()),
            "audiences": version.audiences,
            "usage": version.usage,
            "expires_on": version.expires_on,
            "modules": list(
                version.module_links.order_by("position").values_list(
                    "module_version_id", flat=True
                )
            ),
        }
    )


def _changed(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _store(upload: UploadedFile, folder: str, mime: str) -> str:
    """Save through Django's storage API under a name we choose (never the uploader's path)."""
    name = f"{folder}/{secrets.token_hex(8)}{EXTENSIONS[mime]}"
    return default_storage.save(name, upload)


# Items ------------------------------------------------------------------------------------


def _classify(version: ItemVersion, c: Classification) -> tuple[list[Any], list[Indication]]:
    area = therapeutic_area_by_code(c.therapeutic_area)
    if area is None:
        raise Invalid({"therapeutic_area": ["Choose the therapeutic area."]})
    version.therapeutic_area = area
    products = products_by_names(c.products)
    if not products:
        raise Invalid({"products": ["Name at least one product the content speaks to."]})
    wrong_area = [p.name for p in products if p.therapeutic_area_id != area.pk]
    if wrong_area:
        raise Invalid({"products": [f"Not in {area.name}: {', '.join(wrong_area)}."]})
    indications = list(Indication.objects.filter(pk__in=list(c.indications)))
    unknown = sorted(set(c.indications) - {i.pk for i in indications})
    if unknown:
        raise Invalid({"indications": [f"Unknown indication id(s): {unknown}."]})
    product_ids = {p.pk for p in products}
    stray = [i.name for i in indications if i.product_id not in product_ids]
    if stray:
        raise Invalid(
            {"indications": [f"Not an indication of the chosen products: {', '.join(stray)}."]}
        )
    audiences = set(c.audiences)
    known = {"medical_external", "commercial", "internal_training"}
    if not audiences or audiences - known:
        raise Invalid({"audiences": [f"Choose one or more of: {', '.join(sorted(known))}."]})
    version.audience_medical_external = "medical_external" in audiences
    version.audience_commercial = "commercial" in audiences
    version.audience_internal_training = "internal_training" in audiences
    if c.usage not in Usage.values:
        raise Invalid({"usage": [f"Usage must be one of: {', '.join(Usage.values)}."]})
    version.usage = c.usage
    if version.audience_commercial and c.usage == Usage.REACTIVE:
        raise Invalid(
            {"audiences": ["Reactive-only (off-label) content may not have a commercial audience."]}
        )
    if c.expires_on is None:
        raise Invalid({"expires_on": ["Give the date the content expires."]})
    version.expires_on = c.expires_on
    return products, indications


def _resolve_modules(actor: User, module_ids: Iterable[int]) -> list[ModuleVersion]:
    """The newest version of each module, in the order given."""
    ids = list(dict.fromkeys(module_ids))
    modules = {
        m.pk: m
        for m in policy.visible(
            actor, "content_module", ContentModule.objects.filter(pk__in=ids)
        ).select_related("latest_version")
    }
    missing = [i for i in ids if i not in modules or modules[i].latest_version is None]
    if missing:
        raise Invalid({"modules": [f"Unknown module id(s): {missing}."]})
    return [modules[i].latest_version for i in ids]


def _attach_upload(version: ItemVersion, kind: str, upload: UploadedFile) -> None:
    facts = inspect_upload(upload, ACCEPTED_BY_KIND[kind])
    version.file.name = _store(upload, f"content/items/{version.item_id}", facts.mime)
    version.file_name = (upload.name or "file")[:255]
    version.file_size = facts.size
    version.file_sha256 = facts.sha256
    version.file_mime = facts.mime


def _check_kind_material(kind: str, upload: UploadedFile | None, body: str) -> None:
    if kind == ContentKind.FAQ and upload is not None:
        raise Invalid({"file": ["A standard response is written text; it takes no file."]})
    if kind not in ContentKind.values:
        raise Invalid({"kind": [f"Kind must be one of: {', '.join(ContentKind.values)}."]})


def _event(version: ItemVersion, kind: str, by: User | None, comment: str = "") -> None:
    ReviewEvent.objects.create(
        item_version=version, kind=kind, by=by, at=timezone.now(), comment=comment
    )


@transaction.atomic
def item_create(
    *,
    actor: User,
    kind: str,
    title: str,
    classification: Classification,
    summary: str = "",
    body: str = "",
    module_ids: Sequence[int] = (),
    upload: UploadedFile | None = None,
) -> ContentItem:
    """Start a new library item as a draft (version 1)."""
    policy.require(actor, "content_item", "create")
    _check_kind_material(kind, upload, body)
    _check_author_audience(actor, classification)
    item = ContentItem(kind=kind, owner=actor, status=ItemStatus.DRAFT)
    full_clean_or_invalid(item, exclude=["current_version", "approved_version", "working_version"])
    version = ItemVersion(
        number=1,
        title=title.strip(),
        summary=summary.strip(),
        created_by=actor,
        body=clean_rich_text(body) if kind == ContentKind.FAQ else "",
    )
    products, indications = _classify(version, classification)
    modules = _resolve_modules(actor, module_ids)
    full_clean_or_invalid(version, exclude=["item", "file"])
    item.save()
    version.item = item
    if upload is not None:
        _attach_upload(version, kind, upload)
    version.save()
    version.products.set(products)
    version.indications.set(indications)
    _set_modules(version, modules)
    item.current_version = item.working_version = version
    item.save(update_fields=["current_version", "working_version"])
    _event(version, ReviewEventKind.CREATED, actor)
    _audit(actor, "content.create", item, "content_item", after=_version_snapshot(version))
    return item


def _check_author_audience(actor: User, c: Classification) -> None:
    if actor.role == Role.PRODUCT_MANAGER and set(c.audiences) != {"commercial"}:
        raise Forbidden(
            "Firewall rule: a product manager authors promotional content only; its audience "
            "must be commercial alone."
        )


def _set_modules(version: ItemVersion, modules: Sequence[ModuleVersion]) -> None:
    version.module_links.all().delete()
    ItemVersionModule.objects.bulk_create(
        ItemVersionModule(item_version=version, module_version=m, position=i)
        for i, m in enumerate(modules, start=1)
    )


def _lock_item(item: ContentItem, expected_version: int | None) -> ContentItem:
    locked = ContentItem.objects.select_for_update().get(pk=item.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            f"This item was changed by someone else since you opened it (now revision "
            f"{locked.version}); reload and apply your change again."
        )
    return locked


@transaction.atomic
def item_revise(
    *,
    actor: User,
    item: ContentItem,
    expected_version: int | None = None,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
    change_summary: str = "",
    classification: Classification | None = None,
    module_ids: Sequence[int] | None = None,
    upload: UploadedFile | None = None,
) -> ItemVersion:
    """Change an item. A draft is edited in place; an approved item gets a new draft version
    and the approved one stays in use until the new one is approved."""
    policy.require(actor, "content_item", "change", item)
    item = _lock_item(item, expected_version)
    if item.status == ItemStatus.WITHDRAWN:
        raise Conflict("This item was withdrawn; it can no longer be changed.")
    working = item.working_version
    assert working is not None
    if working.status == VersionStatus.IN_REVIEW:
        raise Conflict(
            "This version is in MLR review; it can be changed after a reviewer returns it."
        )
    before = _version_snapshot(working)
    draft_in_place = working.status == VersionStatus.DRAFT
    version = working if draft_in_place else _new_draft_from(working, actor)
    if classification is not None:
        _check_author_audience(actor, classification)
        products, indications = _classify(version, classification)
    else:
        products, indications = list(working.products.all()), list(working.indications.all())
    if title is not None:
        version.title = title.strip()
    if summary is not None:
        version.summary = summary.strip()
    if body is not None:
        if item.kind != ContentKind.FAQ:
            raise Invalid({"body": ["Only a standard response carries written text."]})
        version.body = clean_rich_text(body)
    _check_kind_material(item.kind, upload, version.body)
    if change_summary:
        version.change_summary = change_summary.strip()[:300]
    modules = (
        _resolve_modules(actor, module_ids)
        if module_ids is not None
        else [link.module_version for link in working.module_links.select_related("module_version")]
    )
    full_clean_or_invalid(version, exclude=["item", "file"])
    if upload is not None:
        _attach_upload(version, item.kind, upload)
    version.save()
    version.products.set(products)
    version.indications.set(indications)
    _set_modules(version, modules)
    if version is not working:
        _event(version, ReviewEventKind.CREATED, actor, version.change_summary)
    item.working_version = version
    if item.approved_version_id is None:
        item.current_version = version
    item.version = F("version") + 1
    item.save()
    item.refresh_from_db()
    old, new = _changed(before, _version_snapshot(version))
    _audit(actor, "content.revise", item, "content_item", old, new)
    return version


def _new_draft_from(source: ItemVersion, actor: User) -> ItemVersion:
    number = (source.item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ItemVersion(
        item=source.item,
        number=number,
        status=VersionStatus.DRAFT,
        title=source.title,
        summary=source.summary,
        body=source.body,
        file=source.file.name,
        file_name=source.file_name,
        file_size=source.file_size,
        file_sha256=source.file_sha256,
        file_mime=source.file_mime,
        therapeutic_area=source.therapeutic_area,
        audience_medical_external=source.audience_medical_external,
        audience_commercial=source.audience_commercial,
        audience_internal_training=source.audience_internal_training,
        usage=source.usage,
        expires_on=source.expires_on,
        created_by=actor,
    )


def submission_problems(version: ItemVersion) -> dict[str, list[str]]:
    """What stops this version from going to MLR review, per field."""
    problems: dict[str, list[str]] = {}
    kind = version.item.kind
    if kind == ContentKind.FAQ:
        if not version.body.strip():
            problems["body"] = ["A standard response needs its written answer."]
    elif not version.file:
        problems["file"] = [f"A {version.item.get_kind_display().lower()} needs its file."]
    if version.expires_on <= timezone.localdate():
        problems["expires_on"] = ["The expiry date must be in the future."]
    if version.usage == Usage.PROACTIVE:
        off_label = off_label_indications(version)
        if off_label:
            problems["usage"] = [
                "Proactive use is on-label only; mark this reactive-only or remove the "
                f"unapproved indication(s): {', '.join(off_label)}."
            ]
    claims = []
    for link in version.module_links.select_related("module_version__module"):
        mv = link.module_version
        if mv.module.kind == ModuleKind.CLAIM and not mv.references:
            claims.append(f"“{mv.title}”")
        # Checked here, not at creation: the API creates a module first and uploads its image
        # in a second request.
        if mv.module.kind == ModuleKind.FIGURE and not mv.figure:
            problems.setdefault("modules", []).append(f"Figure “{mv.title}” needs its image.")
        if mv.status == ModuleStatus.WITHDRAWN:
            problems.setdefault("modules", []).append(f"Module “{mv.title}” was withdrawn.")
    if claims:
        problems.setdefault("modules", []).append(
            f"Each claim needs at least one reference (PMID or DOI): {', '.join(claims)}."
        )
    return problems


@transaction.atomic
def item_submit(*, actor: User, item: ContentItem) -> ItemVersion:
    """Send the working draft to MLR review."""
    policy.require(actor, "content_item", "submit", item)
    item = _lock_item(item, None)
    version = item.working_version
    assert version is not None
    if item.status == ItemStatus.WITHDRAWN:
        raise Conflict("This item was withdrawn; it cannot go to review.")
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            f"Version {version.number} is {version.get_status_display().lower()}, not a draft."
        )
    problems = submission_problems(version)
    if problems:
        raise Invalid(problems)
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.review_round += 1
    version.save(update_fields=["status", "submitted_at", "review_round"])
    _refresh_item_status(item)
    _event(version, ReviewEventKind.SUBMITTED, actor)
    _audit(actor, "content.submit", item, "content_item", after={"version": version.number})
    return version


def _refresh_item_status(item: ContentItem) -> None:
    """The library status follows the versions: withdrawn, approved (or expired), in review,
    draft."""
    if item.withdrawn_at:
        status = ItemStatus.WITHDRAWN
    elif item.approved_version_id:
        approved = item.approved_version
        assert approved is not None
        status = (
            ItemStatus.EXPIRED if approved.status == VersionStatus.EXPIRED else ItemStatus.APPROVED
        )
    elif item.working_version and item.working_version.status == VersionStatus.IN_REVIEW:
        status = ItemStatus.IN_REVIEW
    elif item.working_version and item.working_version.status == VersionStatus.EXPIRED:
        status = ItemStatus.EXPIRED
    else:
        status = ItemStatus.DRAFT
    item.status = status
    item.version = F("version") + 1
    item.save(
        update_fields=[
            "status",
            "current_version",
            "approved_version",
            "working_version",
            "version",
            "updated_at",
        ]
    )
    item.refresh_from_db(fields=["version"])


@transaction.atomic
def item_sign(
    *, actor: User, item: ContentItem, discipline: str, password: str, meaning: str
) -> ReviewSignature:
    """An MLR e-signature: the reviewer re-enters their password and states what signing
    means. The third discipline's signature approves the version."""
    version = item.working_version
    assert version is not None
    policy.require(actor, "content_review", "sign", version)
    if discipline not in ReviewDiscipline.values:
        raise Invalid(
            {"discipline": [f"Discipline must be one of: {', '.join(ReviewDiscipline.values)}."]}
        )
    if not meaning.strip():
        raise Invalid({"meaning": ["State the meaning of your signature."]})
    if not password or not actor.check_password(password):
        raise Invalid({"password": ["The password is not correct; nothing was signed."]})
    item = _lock_item(item, None)
    version = item.working_version
    assert version is not None
    if version.status != VersionStatus.IN_REVIEW:
        raise Conflict(
            f"Version {version.number} is {version.get_status_display().lower()}; only a "
            "version in review can be signed."
        )
    signed = {s.discipline: s for s in version.signatures.filter(review_round=version.review_round)}
    if discipline in signed:
        raise Conflict(
            f"The {ReviewDiscipline(discipline).label.lower()} sign-off is already given by "
            f"{_name(signed[discipline].signer)}."
        )
    if any(s.signer_id == actor.pk for s in signed.values()):
        raise Conflict(
            "Separation rule: each of the medical, legal and regulatory sign-offs needs a "
            "different reviewer; you have already signed this version."
        )
    signature = ReviewSignature.objects.create(
        item_version=version,
        review_round=version.review_round,
        discipline=discipline,
        signer=actor,
        meaning=meaning.strip()[:300],
        signed_at=timezone.now(),
    )
    _event(
        version,
        ReviewEventKind.SIGNED,
        actor,
        f"{ReviewDiscipline(discipline).label}: {signature.meaning}",
    )
    _audit(
        actor,
        "content.sign",
        item,
        "content_item",
        after={
            "version": version.number,
            "discipline": discipline,
            "meaning": signature.meaning,
            "signed_at": signature.signed_at,
        },
    )
    if len(signed) + 1 == len(SIGNATURE_DISCIPLINES):
        _approve(item, version, actor)
    return signature


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else "system"


def _approve(item: ContentItem, version: ItemVersion, actor: User) -> None:
    now = timezone.now()
    previous = item.approved_version
    if previous is not None and previous.pk != version.pk:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status = VersionStatus.APPROVED
    version.approved_at = now
    version.save(update_fields=["status", "approved_at"])
    module_changes = _approve_modules(version, now)
    item.approved_version = item.current_version = item.working_version = version
    _refresh_item_status(item)
    _event(version, ReviewEventKind.APPROVED, None, "All three MLR sign-offs given.")
    _audit(
        actor,
        "content.approve",
        item,
        "content_item",
        before={"approved_version": previous.number if previous else None},
        after={"approved_version": version.number},
    )
    if previous is not None and previous.pk != version.pk:
        follow_item_approval(previous, version)
    for old, new in module_changes:
        follow_module_approval(old, new, version)


def _approve_modules(
    version: ItemVersion, now: datetime
) -> list[tuple[ModuleVersion, ModuleVersion]]:
    """Approve the draft module versions the item carries; answer (old, new) per module whose
    approved wording changed."""
    changes = []
    for link in version.module_links.select_related("module_version__module__approved_version"):
        mv = link.module_version
        if mv.status != ModuleStatus.DRAFT:
            continue
        module = mv.module
        old = module.approved_version
        if old is not None:
            old.status = ModuleStatus.SUPERSEDED
            old.save(update_fields=["status"])
            changes.append((old, mv))
        mv.status = ModuleStatus.APPROVED
        mv.approved_at = now
        mv.save(update_fields=["status", "approved_at"])
        module.approved_version = mv
        module.save(update_fields=["approved_version"])
    return changes


@transaction.atomic
def item_return(*, actor: User, item: ContentItem, comment: str) -> ItemVersion:
    """Send a version in review back to its author with comments; sign-offs start over."""
    policy.require(actor, "content_review", "return")
    if not comment.strip():
        raise Invalid({"comment": ["Say what must change before it can be approved."]})
    item = _lock_item(item, None)
    version = item.working_version
    assert version is not None
    if version.status != VersionStatus.IN_REVIEW:
        raise Conflict(f"Version {version.number} is not in review.")
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status"])
    _refresh_item_status(item)
    _event(version, ReviewEventKind.RETURNED, actor, comment.strip())
    _audit(
        actor,
        "content.return",
        item,
        "content_item",
        after={"version": version.number},
        reason=comment.strip(),
    )
    return version


@transaction.atomic
def item_withdraw(*, actor: User, item: ContentItem, reason: str) -> ContentItem:
    """Take an item out of use at once: every presentation carrying it is flagged to its
    owner, and every share link carrying it stops showing it."""
    policy.require(actor, "content_item", "withdraw", item)
    if not reason.strip():
        raise Invalid({"reason": ["Give the reason for the withdrawal."]})
    item = _lock_item(item, None)
    if item.withdrawn_at:
        raise Conflict("This item is already withdrawn.")
    item.withdrawn_at = timezone.now()
    item.withdrawn_by = actor
    item.withdraw_reason = reason.strip()
    item.versions.filter(
        status__in=[VersionStatus.APPROVED, VersionStatus.IN_REVIEW, VersionStatus.DRAFT]
    ).update(status=VersionStatus.WITHDRAWN)
    item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    _refresh_item_status(item)
    if item.current_version:
        _event(item.current_version, ReviewEventKind.WITHDRAWN, actor, item.withdraw_reason)
    _audit(
        actor,
        "content.withdraw",
        item,
        "content_item",
        after={"status": "withdrawn"},
        reason=item.withdraw_reason,
    )
    _notify_out_of_use(item, NoticeKind.WITHDRAWN, f"withdrawn: {item.withdraw_reason}")
    return item


def content_expire_due(*, today: date | None = None) -> int:
    """Expire every approved version past its date (the daily task); answer how many."""
    today = today or timezone.localdate()
    count = 0
    due = ItemVersion.objects.filter(
        status__in=[VersionStatus.APPROVED, VersionStatus.DRAFT, VersionStatus.IN_REVIEW],
        expires_on__lt=today,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            version = ItemVersion.objects.select_for_update().select_related("item").get(pk=pk)
            if (
                version.status
                not in (VersionStatus.APPROVED, VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
                or version.expires_on >= today
            ):
                continue
            was = version.status
            version.status = VersionStatus.EXPIRED
            version.save(update_fields=["status"])
            item = version.item
            _refresh_item_status(item)
            _event(version, ReviewEventKind.EXPIRED, None, f"Expiry date {version.expires_on}.")
            _audit(
                None,
                "content.expire",
                item,
                "content_item",
                before={"status": was},
                after={"status": "expired", "version": version.number},
            )
            if was == VersionStatus.APPROVED:
                _notify_out_of_use(
                    item, NoticeKind.EXPIRED, f"expired on {version.expires_on:%Y-%m-%d}"
                )
            count += 1
    return count


# Modules ----------------------------------------------------------------------------------


def _references(raw: Iterable[str]) -> list[dict[str, str]]:
    refs: list[dict[str, str]] = []
    errors = []
    for value in raw:
        if not str(value).strip():
            continue
        try:
            ref = parse_reference(str(value))
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if ref not in refs:
            refs.append(ref)
    if errors:
        raise Invalid({"references": errors})
    return refs


def _module_search_text(title: str, text: str, refs: list[dict[str, str]]) -> str:
    return " ".join([title, text, *(r["value"] for r in refs)]).lower()


def _attach_figure(mv: ModuleVersion, upload: UploadedFile) -> None:
    facts = inspect_upload(upload, IMAGES, field="figure")
    mv.figure.name = _store(upload, f"content/modules/{mv.module_id}", facts.mime)
    mv.figure_sha256 = facts.sha256
    mv.figure_mime = facts.mime


@transaction.atomic
def module_create(
    *,
    actor: User,
    kind: str,
    therapeutic_area: str,
    title: str,
    text: str,
    references: Sequence[str] = (),
    figure: UploadedFile | None = None,
) -> ContentModule:
    """A new reusable module (version 1, a draft until an item carrying it is approved)."""
    policy.require(actor, "content_module", "create")
    area = therapeutic_area_by_code(therapeutic_area)
    if area is None:
        raise Invalid({"therapeutic_area": ["Choose the therapeutic area."]})
    if kind not in ModuleKind.values:
        raise Invalid({"kind": [f"Kind must be one of: {', '.join(ModuleKind.values)}."]})
    refs = _references(references)
    module = ContentModule(kind=kind, therapeutic_area=area, created_by=actor)
    mv = ModuleVersion(
        number=1,
        title=title.strip(),
        text=text.strip(),
        references=refs,
        created_by=actor,
        search_text=_module_search_text(title, text, refs),
    )
    full_clean_or_invalid(mv, exclude=["module", "figure"])
    module.save()
    mv.module = module
    if figure is not None:
        _attach_figure(mv, figure)
    mv.save()
    module.latest_version = mv
    module.save(update_fields=["latest_version"])
    _audit(
        actor,
        "module.create",
        module,
        "content_module",
        after={"title": mv.title, "text": mv.text, "references": refs},
    )
    return module


@transaction.atomic
def module_revise(
    *,
    actor: User,
    module: ContentModule,
    title: str | None = None,
    text: str | None = None,
    references: Sequence[str] | None = None,
    figure: UploadedFile | None = None,
) -> ModuleVersion:
    """Change a module: its draft in place, or a new draft version after the approved one."""
    policy.require(actor, "content_module", "change", module)
    module = ContentModule.objects.select_for_update().get(pk=module.pk)
    latest = module.latest_version
    assert latest is not None
    if latest.status == ModuleStatus.WITHDRAWN:
        raise Conflict("This module was withdrawn; it can no longer be changed.")
    in_review = ItemVersionModule.objects.filter(
        module_version=latest, item_version__status=VersionStatus.IN_REVIEW
    ).exists()
    if latest.status == ModuleStatus.DRAFT and in_review:
        raise Conflict("This module's draft is in MLR review inside an item; wait for the review.")
    before = {"title": latest.title, "text": latest.text, "references": latest.references}
    if latest.status == ModuleStatus.DRAFT:
        mv = latest
    else:
        mv = ModuleVersion(
            module=module,
            number=latest.number + 1,
            title=latest.title,
            text=latest.text,
            references=latest.references,
            figure=latest.figure.name,
            figure_sha256=latest.figure_sha256,
            figure_mime=latest.figure_mime,
            created_by=actor,
        )
    if title is not None:
        mv.title = title.strip()
    if text is not None:
        mv.text = text.strip()
    if references is not None:
        mv.references = _references(references)
    mv.search_text = _module_search_text(mv.title, mv.text, mv.references)
    full_clean_or_invalid(mv, exclude=["module", "figure"])
    if figure is not None:
        _attach_figure(mv, figure)
    mv.save()
    module.latest_version = mv
    module.save(update_fields=["latest_version"])
    after = {"title": mv.title, "text": mv.text, "references": mv.references}
    old, new = _changed(before, after)
    _audit(actor, "module.revise", module, "content_module", old, {**new, "version": mv.number})
    return mv


# Following approvals into presentations ----------------------------------------------------


def classification_changes(old: ItemVersion, new: ItemVersion) -> list[str]:
    """The changes of use that an MSL must look at before a presentation moves on."""
    changes = []
    if old.usage != new.usage:
        changes.append(f"usage {old.get_usage_display()} → {new.get_usage_display()}")
    if old.audiences != new.audiences:
        changes.append(f"audience {', '.join(old.audiences)} → {', '.join(new.audiences)}")
    old_products = sorted(p.name for p in old.products.all())
    new_products = sorted(p.name for p in new.products.all())
    if old_products != new_products:
        changes.append(f"products {', '.join(old_products)} → {', '.join(new_products)}")
    old_ind = sorted(i.name for i in old.indications.all())
    new_ind = sorted(i.name for i in new.indications.all())
    if old_ind != new_ind:
        was, now = ", ".join(old_ind) or "none", ", ".join(new_ind) or "none"
        changes.append(f"indications {was} → {now}")
    return changes


def module_changes(old: ModuleVersion, new: ModuleVersion) -> list[str]:
    """Changes of a module that alter what it claims (text or references)."""
    changes = []
    if old.text != new.text:
        changes.append("the wording changed")
    if old.references != new.references:
        changes.append("the references changed")
    return changes


def _module_wording_changes(shown: ItemVersion, new_modules: dict[int, ModuleVersion]) -> list[str]:
    """What the modules of ``shown`` claim differently in the new version (a whole-item slot
    shows every module, so a claim's new wording or references needs the owner's eyes)."""
    changes = []
    for link in shown.module_links.select_related("module_version__module"):
        before = link.module_version
        after = new_modules.get(before.module_id)
        if after is not None and after.pk != before.pk:
            changes += [f"module “{after.title}”: {c}" for c in module_changes(before, after)]
    shown_ids = {link.module_version.module_id for link in shown.module_links.all()}
    changes += [
        f"claim “{mv.title}” was added"
        for module_id, mv in new_modules.items()
        if module_id not in shown_ids and mv.module.kind == ModuleKind.CLAIM
    ]
    return changes


def follow_item_approval(old: ItemVersion, new: ItemVersion) -> None:
    """Move presentations still showing an earlier version of the item to the new one, or
    flag them with what changed since the version they show."""
    new_modules = {
        link.module_version.module_id: link.module_version
        for link in new.module_links.select_related("module_version__module")
    }
    slots = (
        PresentationSlot.objects.filter(item_id=old.item_id)
        .exclude(item_version=new)
        .select_related("presentation", "item_version", "module_version")
    )
    for slot in slots:
        shown = slot.item_version
        reasons = classification_changes(shown, new)
        target_module = None
        if slot.module_version is not None:
            target_module = new_modules.get(slot.module_version.module_id)
            if target_module is None:
                reasons.append(f"module “{slot.module_version.title}” is no longer in the item")
            elif target_module.pk != slot.module_version_id:
                reasons += module_changes(slot.module_version, target_module)
        else:
            reasons += _module_wording_changes(shown, new_modules)
        # A review still pending (or an expiry) for this slot is overtaken by the newer
        # approval: one open notice per slot, about the version that may be used now.
        slot.notices.filter(
            resolved_at__isnull=True, kind__in=[NoticeKind.NEEDS_REVIEW, NoticeKind.EXPIRED]
        ).update(resolved_at=timezone.now())
        what = f"“{slot.title}” (v{shown.number} → v{new.number})"
        if reasons:
            _flag(slot, f"{what}: {'; '.join(reasons)}.", new, target_module)
        else:
            slot.item_version = new
            if target_module is not None:
                slot.module_version = target_module
            slot.needs_review = False
            slot.save(update_fields=["item_version", "module_version", "needs_review"])
            PresentationNotice.objects.create(
                presentation=slot.presentation,
                slot=slot,
                kind=NoticeKind.UPDATED,
                message=f"{what} was updated to the newly approved version: "
                f"{new.change_summary or 'editorial changes only'}.",
            )


def follow_module_approval(old: ModuleVersion, new: ModuleVersion, via: ItemVersion) -> None:
    """A module's new wording was approved (inside ``via``): presentations that show the old
    wording from any item move to it, or are flagged when the claim itself changed."""
    reasons = module_changes(old, new)
    # Slots of the item approved just now were already moved or flagged by
    # follow_item_approval; flagging them again would leave two notices for one change.
    slots = PresentationSlot.objects.filter(module_version=old).exclude(item_id=via.item_id)
    for slot in slots.select_related("presentation"):
        what = f"module “{old.title}” (v{old.number} → v{new.number})"
        if reasons:
            _flag(slot, f"{what}: {'; '.join(reasons)}.", None, new)
        else:
            slot.module_version = new
            slot.save(update_fields=["module_version"])
            PresentationNotice.objects.create(
                presentation=slot.presentation,
                slot=slot,
                kind=NoticeKind.UPDATED,
                message=f"{what} was updated to its newly approved version.",
            )


def _flag(
    slot: PresentationSlot,
    message: str,
    item_version: ItemVersion | None,
    module_version: ModuleVersion | None,
) -> None:
    slot.needs_review = True
    slot.save(update_fields=["needs_review"])
    PresentationNotice.objects.create(
        presentation=slot.presentation,
        slot=slot,
        kind=NoticeKind.NEEDS_REVIEW,
        message=f"{message} Review the change before presenting or sharing this again.",
        proposed_item_version=item_version,
        proposed_module_version=module_version,
    )


def _notify_out_of_use(item: ContentItem, kind: str, what: str) -> None:
    slots = PresentationSlot.objects.filter(item=item).select_related("presentation")
    for slot in slots:
        slot.needs_review = True
        slot.save(update_fields=["needs_review"])
        PresentationNotice.objects.create(
            presentation=slot.presentation,
            slot=slot,
            kind=kind,
            message=f"“{slot.title}” was {what}. Remove it from the presentation.",
        )


# Presentations ----------------------------------------------------------------------------


def _kol_in_reach(actor: User, kol_id: int) -> Kol:
    kol = policy.visible(actor, "kol", Kol.objects.filter(pk=kol_id)).first()
    if kol is None:
        raise Invalid({"kol": [f"Unknown KOL id {kol_id} for you."]})
    return kol


def _inquiry_for(actor: User, inquiry_id: int | None, kol: Kol) -> Inquiry | None:
    if inquiry_id is None:
        return None
    inquiry = policy.visible(actor, "inquiry", Inquiry.objects.filter(pk=inquiry_id)).first()
    if inquiry is None:
        raise Invalid({"inquiry": [f"Unknown inquiry id {inquiry_id} for you."]})
    if inquiry.kol_id != kol.pk:
        raise Invalid({"inquiry": [f"Inquiry #{inquiry.pk} came from another HCP."]})
    return inquiry


@transaction.atomic
def presentation_create(
    *,
    actor: User,
    kol_id: int,
    title: str,
    private_note: str = "",
    inquiry_id: int | None = None,
) -> Presentation:
    """Start a personalized presentation for one KOL."""
    policy.require(actor, "presentation", "create")
    kol = _kol_in_reach(actor, kol_id)
    presentation = Presentation(
        owner=actor,
        kol=kol,
        title=title.strip(),
        private_note=private_note.strip(),
        inquiry=_inquiry_for(actor, inquiry_id, kol),
    )
    full_clean_or_invalid(presentation)
    presentation.save()
    _audit(
        actor,
        "presentation.create",
        presentation,
        "presentation",
        after={"kol": kol.pk, "title": presentation.title, "inquiry": presentation.inquiry_id},
    )
    return presentation


def _lock_presentation(p: Presentation, expected_version: int | None) -> Presentation:
    # Lock the presentation row only: PostgreSQL refuses FOR UPDATE on the nullable side of
    # the outer join to the inquiry.
    locked = (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("kol", "inquiry")
        .get(pk=p.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict("This presentation was changed elsewhere since you opened it; reload it.")
    return locked


def _touch(p: Presentation) -> None:
    p.version = F("version") + 1
    p.save(update_fields=["version", "updated_at"])
    p.refresh_from_db(fields=["version"])


@transaction.atomic
def presentation_update(
    *,
    actor: User,
    presentation: Presentation,
    expected_version: int | None = None,
    title: str | None = None,
    private_note: str | None = None,
    inquiry_id: int | None = None,
    clear_inquiry: bool = False,
) -> Presentation:
    policy.require(actor, "presentation", "change", presentation)
    p = _lock_presentation(presentation, expected_version)
    before = {"title": p.title, "private_note": p.private_note, "inquiry": p.inquiry_id}
    if title is not None:
        p.title = title.strip()
    if private_note is not None:
        p.private_note = private_note.strip()
    if clear_inquiry:
        p.inquiry = None
    elif inquiry_id is not None:
        p.inquiry = _inquiry_for(actor, inquiry_id, p.kol)
    full_clean_or_invalid(p)
    p.save()
    _touch(p)
    old, new = _changed(
        before, {"title": p.title, "private_note": p.private_note, "inquiry": p.inquiry_id}
    )
    _audit(actor, "presentation.change", p, "presentation", old, new)
    return p


@transaction.atomic
def presentation_add(
    *,
    actor: User,
    presentation: Presentation,
    item_id: int,
    module_id: int | None = None,
    position: int | None = None,
) -> PresentationSlot:
    """Add an approved item (or one module of it) to the presentation; the compliance gates
    for this KOL apply now and again when presenting or sharing."""
    policy.require(actor, "presentation", "change", presentation)
    p = _lock_presentation(presentation, None)
    item = policy.visible(actor, "content_item", ContentItem.objects.filter(pk=item_id)).first()
    if item is None:
        raise Invalid({"item": [f"Unknown content item id {item_id}."]})
    version = item.approved_version
    if version is None:
        raise Forbidden(f"Approval rule: “{item.title}” has no approved version yet.")
    module_version = None
    if module_id is not None:
        link = (
            version.module_links.select_related("module_version")
            .filter(module_version__module_id=module_id)
            .first()
        )
        if link is None:
            raise Invalid({"module": [f"Module {module_id} is not part of “{version.title}”."]})
        module_version = link.module_version
        approved = module_version.module.approved_version
        if approved is not None and approved.status == ModuleStatus.APPROVED:
            module_version = approved
    refusal = external_use_refusal(
        version, kol=p.kol, inquiry=p.inquiry, module_version=module_version
    )
    if refusal:
        raise Forbidden(refusal)
    count = p.slots.count()
    slot_at = count + 1 if position is None else max(1, min(position, count + 1))
    _shift(p, slot_at, +1)
    slot = PresentationSlot.objects.create(
        presentation=p,
        position=slot_at,
        item=item,
        item_version=version,
        module_version=module_version,
    )
    _touch(p)
    _audit(
        actor,
        "presentation.add",
        p,
        "presentation",
        after={
            "position": slot_at,
            "item_version": version.pk,
            "module_version": module_version.pk if module_version else None,
        },
    )
    return slot


def _shift(p: Presentation, from_position: int, by: int) -> None:
    """Open or close a gap at ``from_position`` (positions are unique, so move via a high
    offset first)."""
    slots = p.slots.filter(position__gte=from_position)
    offset = 100_000
    slots.update(position=F("position") + offset)
    PresentationSlot.objects.filter(presentation=p, position__gte=offset).update(
        position=F("position") - offset + by
    )


@transaction.atomic
def presentation_remove(*, actor: User, presentation: Presentation, slot_id: int) -> None:
    policy.require(actor, "presentation", "change", presentation)
    p = _lock_presentation(presentation, None)
    slot = p.slots.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound(f"No slot {slot_id} in this presentation.")
    position, title = slot.position, slot.title
    p.notices.filter(slot=slot, resolved_at__isnull=True).update(resolved_at=timezone.now())
    slot.delete()
    _shift(p, position + 1, -1)
    _touch(p)
    _audit(
        actor,
        "presentation.remove",
        p,
        "presentation",
        before={"position": position, "title": title},
    )


@transaction.atomic
def presentation_reorder(
    *, actor: User, presentation: Presentation, slot_ids: Sequence[int]
) -> Presentation:
    """Put the slots in the given order (every slot exactly once)."""
    policy.require(actor, "presentation", "change", presentation)
    p = _lock_presentation(presentation, None)
    current = list(p.slots.values_list("pk", flat=True))
    if sorted(current) != sorted(slot_ids) or len(set(slot_ids)) != len(slot_ids):
        raise Invalid({"slots": ["Give every slot of the presentation exactly once."]})
    offset = 100_000
    p.slots.update(position=F("position") + offset)
    for position, pk in enumerate(slot_ids, start=1):
        PresentationSlot.objects.filter(pk=pk).update(position=position)
    _touch(p)
    _audit(actor, "presentation.reorder", p, "presentation", after={"slots": list(slot_ids)})
    return p


@transaction.atomic
def presentation_accept_update(
    *, actor: User, presentation: Presentation, notice_id: int
) -> PresentationNotice:
    """The owner looked at a flagged change: move the slot to the newer version (gates
    permitting), or just acknowledge an informational notice."""
    policy.require(actor, "presentation", "change", presentation)
    p = _lock_presentation(presentation, None)
    notice = p.notices.select_related("slot").filter(pk=notice_id, resolved_at__isnull=True).first()
    if notice is None:
        raise NotFound(f"No open notice {notice_id} on this presentation.")
    slot = notice.slot
    if notice.kind == NoticeKind.NEEDS_REVIEW and slot is not None:
        item_version = notice.proposed_item_version or slot.item_version
        module_version = notice.proposed_module_version or slot.module_version
        refusal = external_use_refusal(
            item_version, kol=p.kol, inquiry=p.inquiry, module_version=module_version
        )
        if refusal:
            raise Forbidden(f"{refusal} Remove the slot instead.")
        slot.item_version, slot.module_version = item_version, module_version
        slot.needs_review = False
        slot.save(update_fields=["item_version", "module_version", "needs_review"])
    elif notice.kind in (NoticeKind.EXPIRED, NoticeKind.WITHDRAWN) and slot is not None:
        raise Conflict("Withdrawn or expired material cannot stay; remove the slot.")
    notice.resolved_at = timezone.now()
    notice.save(update_fields=["resolved_at"])
    _touch(p)
    _audit(
        actor,
        "presentation.accept_update",
        p,
        "presentation",
        after={"notice": notice.pk, "kind": notice.kind},
    )
    return notice


def presentation_refusals(p: Presentation) -> list[str]:
    """Every reason the presentation may not be presented or shared now (empty: it may)."""
    reasons = []
    for slot in p.slots.select_related("item_version__item", "module_version"):
        if slot.needs_review:
            reasons.append(f"Review rule: “{slot.title}” has a change waiting for your review.")
            continue
        refusal = external_use_refusal(
            slot.item_version, kol=p.kol, inquiry=p.inquiry, module_version=slot.module_version
        )
        if refusal:
            reasons.append(refusal)
    if not reasons and not p.slots.exists():
        reasons.append("The presentation is empty; add approved content first.")
    return reasons


@dataclass(frozen=True)
class Timing:
    position: int
    seconds: int


@transaction.atomic
def presentation_record_presenting(
    *,
    actor: User,
    presentation: Presentation,
    interaction_id: int,
    timings: Sequence[Timing],
) -> list[PresentedContent]:
    """Record what was presented in an interaction, frozen at its versions, with the time
    spent on each module."""
    policy.require(actor, "presentation", "present", presentation)
    p = _lock_presentation(presentation, None)
    interaction = policy.visible(
        actor, "interaction", Interaction.objects.filter(pk=interaction_id)
    ).first()
    if interaction is None:
        raise Invalid({"interaction": [f"Unknown interaction id {interaction_id} for you."]})
    policy.require(actor, "interaction", "change", interaction)
    if interaction.status == InteractionStatus.CANCELLED:
        raise Conflict("This interaction was cancelled; nothing can be presented in it.")
    if not interaction.kols.filter(pk=p.kol_id).exists():
        raise Invalid({"interaction": [f"{p.kol.display_name} is not an attendee of it."]})
    refusals = presentation_refusals(p)
    if refusals:
        raise Forbidden(" ".join(refusals))
    slots = {s.position: s for s in p.slots.select_related("item_version", "module_version")}
    errors = [] if timings else ["Give the time spent on at least one module."]
    seen = set()
    for t in timings:
        if t.position not in slots:
            errors.append(f"Position {t.position} is not in the presentation.")
        elif t.position in seen:
            errors.append(f"Position {t.position} is given twice.")
        elif not 0 <= t.seconds <= MAX_DWELL_SECONDS:
            errors.append(
                f"{t.seconds} s on position {t.position} is impossible (0 to {MAX_DWELL_SECONDS})."
            )
        seen.add(t.position)
    if errors:
        raise Invalid({"timings": errors})
    now = timezone.now()
    rows = PresentedContent.objects.bulk_create(
        PresentedContent(
            interaction=interaction,
            presentation=p,
            item_version=slots[t.position].item_version,
            module_version=slots[t.position].module_version,
            position=t.position,
            seconds=t.seconds,
            presented_by=actor,
            presented_at=now,
        )
        for t in timings
    )
    _audit(
        actor,
        "presentation.present",
        p,
        "presentation",
        after={
            "interaction": interaction.pk,
            "timings": [{"position": t.position, "seconds": t.seconds} for t in timings],
        },
    )
    return rows


# Share links ------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email_consent(kol: Kol) -> bool:
    latest = KolChannelPreference.objects.filter(kol=kol).order_by("-effective_at", "-id").first()
    return bool(latest and latest.email_consent)


@dataclass(frozen=True)
class NewShareLink:
    link: ShareLink
    token: str

    @property
    def path(self) -> str:
        return f"/s/{self.token}"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.path}"


@transaction.atomic
def share_create(
    *,
    actor: User,
    kol_id: int,
    presentation_id: int | None = None,
    item_id: int | None = None,
    inquiry_id: int | None = None,
    expires_in_days: int | None = None,
    email_template_id: int | None = None,
) -> NewShareLink:
    """Share a presentation or one item with a KOL through a tokened link (optionally sent by
    e-mail from an approved template). What is shared is frozen at today's versions."""
    policy.require(actor, "share_link", "create")
    if (presentation_id is None) == (item_id is None):
        raise Invalid({"presentation": ["Share either a presentation or one item."]})
    kol = _kol_in_reach(actor, kol_id)
    days = settings.SHARE_LINK_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.SHARE_LINK_MAX_DAYS:
        raise Invalid({"expires_in_days": [f"Between 1 and {settings.SHARE_LINK_MAX_DAYS} days."]})
    frozen: list[tuple[ContentItem, ItemVersion, ModuleVersion | None]] = []
    inquiry: Inquiry | None
    if presentation_id is not None:
        p = Presentation.objects.filter(pk=presentation_id).select_related("kol", "inquiry").first()
        if p is None or not policy.can(actor, "presentation", "view", p):
            raise Invalid({"presentation": [f"Unknown presentation id {presentation_id}."]})
        policy.require(actor, "presentation", "present", p)
        if p.kol_id != kol.pk:
            raise Invalid({"kol": [f"This presentation was made for {p.kol.display_name}."]})
        inquiry = _inquiry_for(actor, inquiry_id, kol) if inquiry_id else p.inquiry
        refusals = presentation_refusals(p)
        if refusals:
            raise Forbidden(" ".join(refusals))
        title = p.title
        for slot in p.slots.select_related("item", "item_version", "module_version"):
            frozen.append((slot.item, slot.item_version, slot.module_version))
    else:
        item = policy.visible(
            actor, "content_item", ContentItem.objects.filter(pk=item_id or 0)
        ).first()
        if item is None:
            raise Invalid({"item": [f"Unknown content item id {item_id}."]})
        if item.approved_version is None:
            raise Forbidden(f"Approval rule: “{item.title}” has no approved version yet.")
        inquiry = _inquiry_for(actor, inquiry_id, kol)
        title = item.approved_version.title
        frozen.append((item, item.approved_version, None))
    for _, version, module_version in frozen:
        refusal = external_use_refusal(
            version, kol=kol, inquiry=inquiry, module_version=module_version
        )
        if refusal:
            raise Forbidden(refusal)
    reactive = any(v.usage == Usage.REACTIVE for _, v, _ in frozen)
    template = None
    if email_template_id is not None:
        template = EmailTemplate.objects.filter(pk=email_template_id).first()
        if template is None:
            raise Invalid({"email_template": [f"Unknown e-mail template {email_template_id}."]})
        if not template.approved:
            raise Forbidden(
                f"Template rule: “{template.name}” is not approved; only approved templates "
                "go to HCPs."
            )
        if not kol.email:
            raise Invalid({"email_template": [f"{kol.display_name} has no e-mail address."]})
        if not _email_consent(kol):
            raise Forbidden(
                f"Consent rule: {kol.display_name}'s channel preferences give no e-mail "
                "consent; share the link another way."
            )
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    link = ShareLink.objects.create(
        token_hash=hash_token(token),
        kol=kol,
        created_by=actor,
        presentation_id=presentation_id,
        item_id=item_id,
        inquiry=inquiry if reactive or inquiry_id else None,
        title=title,
        created_at=now,
        expires_at=now + timedelta(days=days),
        email_template=template,
    )
    SharedModule.objects.bulk_create(
        SharedModule(share_link=link, position=i, item=item_, item_version=v, module_version=m)
        for i, (item_, v, m) in enumerate(frozen, start=1)
    )
    new = NewShareLink(link, token)
    if template is not None:
        _send_share_email(link, template, new.url, actor)
    _audit(
        actor,
        "share_link.create",
        link,
        "share_link",
        after={
            "kol": kol.pk,
            "title": title,
            "expires_at": link.expires_at,
            "inquiry": link.inquiry_id,
            "emailed_to": link.emailed_to,
            "versions": [[v.pk, m.pk if m else None] for _, v, m in frozen],
        },
    )
    return new


def _send_share_email(link: ShareLink, template: EmailTemplate, url: str, actor: User) -> None:
    values = {
        "kol_name": link.kol.display_name,
        "msl_name": _name(actor),
        "link": url,
        "expires_on": f"{timezone.localtime(link.expires_at):%d %B %Y}",
        "contact": settings.MEDICAL_INFORMATION_CONTACT,
    }
    try:
        subject = template.subject.format(**values)
        body = template.body.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise Invalid(
            {"email_template": [f"The template has an unknown placeholder: {exc}."]}
        ) from exc
    link.emailed_to = link.kol.email
    link.emailed_at = timezone.now()
    link.save(update_fields=["emailed_to", "emailed_at"])
    # Sent after commit: a rolled-back share must not reach the HCP.
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [link.kol.email])
    )


@transaction.atomic
def share_revoke(*, actor: User, link: ShareLink, reason: str) -> ShareLink:
    policy.require(actor, "share_link", "revoke", link)
    if not reason.strip():
        raise Invalid({"reason": ["Give the reason for revoking the link."]})
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at:
        raise Conflict("This link is already revoked.")
    link.revoked_at = timezone.now()
    link.revoked_by = actor
    link.revoke_reason = reason.strip()
    link.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _audit(
        actor,
        "share_link.revoke",
        link,
        "share_link",
        after={"revoked_at": link.revoked_at},
        reason=link.revoke_reason,
    )
    return link


# The public viewer's records (no user: the token is the authority) -------------------------


def share_record_open(*, link: ShareLink, at: datetime | None = None) -> ShareOpen:
    return ShareOpen.objects.create(share_link=link, opened_at=at or timezone.now())


@dataclass(frozen=True)
class Beacon:
    position: int
    seconds: int = 0
    download: bool = False


def share_record_beacon(
    *,
    link: ShareLink,
    open_id: int,
    beacons: Sequence[Beacon],
    positions: int,
    now: datetime | None = None,
) -> int:
    """Record time per module (and downloads) reported by the viewer's script for one open.

    Impossible reports are refused whole: a position the link does not carry, a negative
    time, or more time in total for this open than has passed since it began."""
    now = now or timezone.now()
    # The open and the time already reported for it, in one query: this runs for every
    # beacon of every reader.
    found = (
        ShareOpen.objects.filter(pk=open_id, share_link_id=link.pk)
        .annotate(spent=Sum("events__seconds", filter=Q(events__kind=ViewEventKind.DWELL)))
        .values_list("opened_at", "scripted", "spent")
        .first()
    )
    if found is None:
        raise Invalid({"open": ["Unknown open for this link."]})
    opened, scripted, spent = found
    if not beacons:
        return 0
    if len(beacons) > 200:
        raise Invalid({"events": ["At most 200 events per report."]})
    elapsed = (now - opened).total_seconds() + DWELL_SLACK_SECONDS
    dwell = 0
    for b in beacons:
        if not 1 <= b.position <= positions:
            raise Invalid({"position": [f"Position {b.position} is not in this link."]})
        if b.seconds < 0 or b.seconds > MAX_DWELL_SECONDS:
            raise Invalid({"seconds": [f"{b.seconds} s on one module is impossible."]})
        dwell += b.seconds
    if dwell and dwell + (spent or 0) > elapsed:
        raise Invalid(
            {
                "seconds": [
                    f"{dwell} s reported, but the page has been open for only "
                    f"{int(elapsed - DWELL_SLACK_SECONDS)} s."
                ]
            }
        )
    ViewEvent.objects.bulk_create(
        ViewEvent(
            share_link_id=link.pk,
            open_id=open_id,
            kind=ViewEventKind.DOWNLOAD if b.download else ViewEventKind.DWELL,
            position=b.position,
            seconds=0 if b.download else b.seconds,
            at=now,
        )
        for b in beacons
        if b.download or b.seconds > 0
    )
    if not scripted:
        ShareOpen.objects.filter(pk=open_id, scripted=False).update(scripted=True)
    return len(beacons)


def share_record_download(*, link: ShareLink, open_id: int | None, position: int) -> None:
    """A download from the viewer (counted even without the viewer's script)."""
    open_row = None
    if open_id is not None:
        open_row = ShareOpen.objects.filter(pk=open_id, share_link_id=link.pk).first()
    if open_row is None:
        open_row = share_record_open(link=link)
    ViewEvent.objects.create(
        share_link_id=link.pk,
        open=open_row,
        kind=ViewEventKind.DOWNLOAD,
        position=position,
        seconds=0,
        at=timezone.now(),
    )


# E-mail templates --------------------------------------------------------------------------


@transaction.atomic
def email_template_create(*, actor: User, name: str, subject: str, body: str) -> EmailTemplate:
    policy.require(actor, "email_template", "create")
    template = EmailTemplate(name=name.strip(), subject=subject.strip(), body=body.strip())
    full_clean_or_invalid(template)
    if "{link}" not in template.body:
        raise Invalid({"body": ["The text must contain {link}, where the share link goes."]})
    template.save()
    _audit(
        actor,
        "content.email_template_create",
        template,
        "email_template",
        after={"name": template.name, "subject": template.subject, "body": template.body},
    )
    return template


@transaction.atomic
def email_template_approve(*, actor: User, template: EmailTemplate, password: str) -> EmailTemplate:
    """An MLR reviewer approves the wording sent to HCPs (an e-signature)."""
    policy.require(actor, "email_template", "approve")
    if not password or not actor.check_password(password):
        raise Invalid({"password": ["The password is not correct; nothing was signed."]})
    template = EmailTemplate.objects.select_for_update().get(pk=template.pk)
    if template.approved:
        raise Conflict("This template is already approved.")
    template.approved, template.approved_by, template.approved_at = True, actor, timezone.now()
    template.save(update_fields=["approved", "approved_by", "approved_at"])
    _audit(
        actor,
        "content.email_template_approve",
        template,
        "email_template",
        after={"approved_at": template.approved_at},
    )
    return template
