"""Content endpoints under /content: the library (/items) and its MLR review (/review-queue),
/modules, /presentations, /share-links and /email-templates. Thin: parse, call one selector or
service, shape the answer. Every compliance refusal comes from the services as a 403 naming
its rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from kolbridge.content import selectors, services
from kolbridge.content.models import (
    Audience,
    ContentItem,
    ContentKind,
    ContentModule,
    EmailTemplate,
    ItemStatus,
    ItemVersion,
    ItemVersionModule,
    ModuleKind,
    ModuleVersion,
    Presentation,
    PresentationSlot,
    ReviewDiscipline,
    ReviewSignature,
    ShareLink,
)
from kolbridge.content.policies import off_label_indications
from kolbridge.content.references import format_reference, reference_url
from kolbridge.content.schemas import (
    ClassificationIn,
    EmailTemplateApproveIn,
    EmailTemplateIn,
    EmailTemplateOut,
    ItemIn,
    ItemOut,
    ItemPage,
    ItemPatch,
    ItemUsageOut,
    ModuleIn,
    ModuleOut,
    ModulePage,
    ModulePatch,
    OrderIn,
    PresentationIn,
    PresentationOut,
    PresentationPage,
    PresentationPatch,
    PresentedIn,
    PresentedOut,
    ReturnIn,
    ReviewQueuePage,
    RevokeIn,
    ShareLinkCreatedOut,
    ShareLinkDetailOut,
    ShareLinkIn,
    ShareLinkPage,
    SignedOut,
    SignIn,
    SlotIn,
    VersionOut,
    WithdrawIn,
)
from kolbridge.core import policy
from kolbridge.core.errors import NotFound
from kolbridge.core.schemas import ErrorOut

items_router = Router(tags=["content library"])
review_router = Router(tags=["content review"])
modules_router = Router(tags=["content modules"])
presentations_router = Router(tags=["presentations"])
share_links_router = Router(tags=["share links"])
email_templates_router = Router(tags=["e-mail templates"])
ERRORS: dict[int, Any] = {code: ErrorOut for code in (401, 403, 404, 409, 422)}
MAX_LIMIT = settings.KOLBRIDGE_API_MAX_LIMIT


class Paging(Schema):
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _page(rows: Any, paging: Paging, shape: Any) -> dict[str, Any]:
    window = rows[paging.offset : paging.offset + paging.limit]
    return {
        "items": [shape(r) for r in window],
        "count": rows.count(),
        "limit": paging.limit,
        "offset": paging.offset,
    }


def _user(request: HttpRequest) -> Any:
    return request.user


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def _kol(kol: Any) -> dict[str, Any]:
    return {"id": kol.pk, "name": kol.display_name}


def _references(refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": r.get("type", ""),
            "value": r.get("value", ""),
            "label": format_reference(r),
            "url": reference_url(r),
        }
        for r in refs
    ]


def _figure_url(mv: ModuleVersion) -> str | None:
    if not mv.figure:
        return None
    return reverse(
        "api-v1:content_module_figure", kwargs={"module_id": mv.module_id, "number": mv.number}
    )


def _classify(c: ClassificationIn) -> services.Classification:
    return services.Classification(
        therapeutic_area=c.therapeutic_area,
        products=c.products,
        indications=c.indications,
        audiences=[str(a) for a in c.audiences],
        usage=str(c.usage),
        expires_on=c.expires_on,
    )


# Library ----------------------------------------------------------------------------------


def _signature(s: ReviewSignature) -> dict[str, Any]:
    return {
        "discipline": s.discipline,
        "signer": _person(s.signer),
        "meaning": s.meaning,
        "signed_at": s.signed_at,
        "review_round": s.review_round,
    }


def _item_module(link: ItemVersionModule) -> dict[str, Any]:
    mv = link.module_version
    return {
        "position": link.position,
        "module": mv.module_id,
        "kind": mv.module.kind,
        "version": mv.number,
        "status": mv.status,
        "title": mv.title,
        "text": mv.text,
        "references": _references(mv.references),
        "figure_url": _figure_url(mv),
    }


def version_out(v: ItemVersion) -> dict[str, Any]:
    """One version as ``selectors.item_versions`` loads it (everything prefetched)."""
    file = None
    if v.file:
        file = {
            "name": v.file_name,
            "size": v.file_size or 0,
            "sha256": v.file_sha256,
            "mime": v.file_mime,
            "download_url": reverse(
                "api-v1:content_item_file", kwargs={"item_id": v.item_id, "number": v.number}
            ),
        }
    return {
        "number": v.number,
        "status": v.status,
        "title": v.title,
        "summary": v.summary,
        "body": v.body,
        "change_summary": v.change_summary,
        "file": file,
        "classification": {
            "therapeutic_area": v.therapeutic_area.code,
            "products": sorted(p.name for p in v.products.all()),
            "indications": [
                {"id": i.pk, "name": i.name, "product": i.product.name, "approved": i.approved}
                for i in v.indications.all()
            ],
            "audiences": v.audiences,
            "usage": v.usage,
            "expires_on": v.expires_on,
        },
        "modules": [_item_module(link) for link in v.module_links.all()],
        "created_by": _person(v.created_by),
        "created_at": v.created_at,
        "submitted_at": v.submitted_at,
        "approved_at": v.approved_at,
        "review_round": v.review_round,
        "review_events": [
            {"kind": e.kind, "by": _person(e.by), "at": e.at, "comment": e.comment}
            for e in v.review_events.all()
        ],
        "signatures": [_signature(s) for s in v.signatures.all()],
    }


def _review(user: Any, item: ContentItem) -> dict[str, Any] | None:
    state = selectors.review_state(user=user, item=item)
    if state is None:
        return None
    return {
        "version": state.version.number,
        "review_round": state.version.review_round,
        "submitted_at": state.version.submitted_at,
        "signatures": [
            _signature(state.signed[d]) for d in ReviewDiscipline.values if d in state.signed
        ],
        "missing": state.missing,
        "may_sign": state.may_sign,
        "signing_refusal": state.signing_refusal,
    }


def item_out(user: Any, item_id: int) -> dict[str, Any]:
    item = selectors.item_get(user=user, item_id=item_id)
    versions = {v.pk: v for v in selectors.item_versions(user=user, item=item)}
    current = versions[item.current_version_id]  # type: ignore[index]
    working = versions.get(item.working_version_id)  # type: ignore[arg-type]
    off_label = off_label_indications(current)
    withdrawal = None
    if item.withdrawn_at:
        withdrawal = {
            "at": item.withdrawn_at,
            "by": _person(item.withdrawn_by),
            "reason": item.withdraw_reason,
        }
    return {
        "id": item.pk,
        "kind": item.kind,
        "status": item.status,
        "owner": _person(item.owner),
        "title": current.title,
        "current": version_out(current),
        "working": version_out(working) if working and working.pk != current.pk else None,
        "approved_version": item.approved_version.number if item.approved_version else None,
        "on_label": not off_label,
        "off_label_indications": off_label,
        "withdrawal": withdrawal,
        "review": _review(user, item),
        "revision": item.version,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def _item_summary(item: ContentItem) -> dict[str, Any]:
    v = item.current_version
    assert v is not None
    return {
        "id": item.pk,
        "kind": item.kind,
        "status": item.status,
        "title": v.title,
        "summary": v.summary,
        "therapeutic_area": v.therapeutic_area.code,
        "products": sorted(p.name for p in v.products.all()),
        "audiences": v.audiences,
        "usage": v.usage,
        "expires_on": v.expires_on,
        "version": v.number,
        "approved_version": item.approved_version.number if item.approved_version else None,
        "owner": _person(item.owner),
        "updated_at": item.updated_at,
    }


class ItemFilters(Paging):
    q: str = Field("", description="Words in titles, summaries, module text or references")
    therapeutic_area: str = Field("", description="Therapeutic-area code", examples=["ONC"])
    product: str = Field("", description="Product name", examples=["Zentorix"])
    kind: ContentKind | None = None
    audience: Audience | None = None
    status: ItemStatus | None = None
    expires_before: date | None = Field(None, description="Current version expires before")
    expires_after: date | None = Field(None, description="Current version expires on or after")


@items_router.get("", response={200: ItemPage, **ERRORS}, summary="Search the content library")
def item_list(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    """The library as the caller may see it, newest change first. Commercial roles see only
    items whose audience includes commercial use (never reactive-only material); sales reps
    only approved ones."""
    qs = selectors.library_search(
        user=_user(request),
        q=filters.q,
        therapeutic_area=filters.therapeutic_area,
        product=filters.product,
        kind=filters.kind or "",
        audience=filters.audience or "",
        status=filters.status or "",
        expires_before=filters.expires_before,
        expires_after=filters.expires_after,
    )
    return _page(qs, filters, _item_summary)


@items_router.post("", response={201: ItemOut, **ERRORS}, summary="Start a library item (draft)")
def item_create(request: HttpRequest, payload: ItemIn) -> tuple[int, Any]:
    """Saved as draft version 1. Upload the file of a deck, reprint, video or infographic next
    with ``POST /content/items/{item_id}/file``. A product manager authors promotional content
    only (audience commercial alone)."""
    user = _user(request)
    item = services.item_create(
        actor=user,
        kind=str(payload.kind),
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        classification=_classify(payload.classification),
        module_ids=payload.module_ids,
    )
    return 201, item_out(user, item.pk)


@items_router.get("/{item_id}", response={200: ItemOut, **ERRORS}, summary="One library item")
def item_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """The version in use and any newer draft, with classification, modules and references,
    the on-label flag, withdrawal and where the MLR review stands."""
    return item_out(_user(request), item_id)


@items_router.get(
    "/{item_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    summary="Every version of an item, newest first",
)
def item_version_list(request: HttpRequest, item_id: int) -> list[dict[str, Any]]:
    """Each version with its file checksum and size, who uploaded it when, its review events
    and its e-signatures."""
    item = selectors.item_get(user=_user(request), item_id=item_id)
    return [version_out(v) for v in selectors.item_versions(user=_user(request), item=item)]


@items_router.patch("/{item_id}", response={200: ItemOut, **ERRORS}, summary="Revise an item")
def item_patch(request: HttpRequest, item_id: int, payload: ItemPatch) -> dict[str, Any]:
    """A draft is edited in place; an approved item gets a new draft version while the
    approved one stays in use. ``expected_version`` (the item's ``revision``) refuses a change
    made meanwhile with 409."""
    user = _user(request)
    policy.require(user, "content_item", "change")
    item = selectors.item_get(user=user, item_id=item_id)
    services.item_revise(
        actor=user,
        item=item,
        expected_version=payload.expected_version,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        change_summary=payload.change_summary,
        classification=_classify(payload.classification) if payload.classification else None,
        module_ids=payload.module_ids,
    )
    return item_out(user, item_id)


@items_router.post(
    "/{item_id}/file",
    response={200: ItemOut, **ERRORS},
    summary="Upload the item's file (multipart)",
)
def item_upload(
    request: HttpRequest,
    item_id: int,
    file: File[UploadedFile],
    expected_version: Form[int | None] = None,
    change_summary: Form[str] = "",
) -> dict[str, Any]:
    """The bytes decide the type, not the name: a deck or reprint must be a PDF, a video MP4,
    QuickTime or WebM, an infographic an image; files over the size limit are refused (422 on
    ``file``). On an approved item the upload starts a new draft version."""
    user = _user(request)
    policy.require(user, "content_item", "change")
    item = selectors.item_get(user=user, item_id=item_id)
    services.item_revise(
        actor=user,
        item=item,
        expected_version=expected_version,
        change_summary=change_summary,
        upload=file,
    )
    return item_out(user, item_id)


@items_router.get(
    "/{item_id}/versions/{number}/file",
    response=ERRORS,
    url_name="content_item_file",
    summary="Download a version's file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The stored file, as an attachment, with the type its bytes proved",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def item_file(request: HttpRequest, item_id: int, number: int) -> FileResponse:
    item = selectors.item_get(user=_user(request), item_id=item_id)
    version = item.versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"Item {item_id} has no version {number}.")
    if not version.file:
        raise NotFound(f"Version {number} of item {item_id} has no file.")
    return FileResponse(
        default_storage.open(version.file.name, "rb"),
        as_attachment=True,
        filename=version.file_name or version.file.name.rsplit("/", 1)[-1],
        content_type=version.file_mime or "application/octet-stream",
    )


@items_router.post(
    "/{item_id}/submit", response={200: ItemOut, **ERRORS}, summary="Send the draft to MLR review"
)
def item_submit(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """Refused with 422 per field when something stops the review: a missing file or answer,
    a past expiry date, proactive use of an unapproved indication, a claim with no reference
    (on ``modules``)."""
    user = _user(request)
    policy.require(user, "content_item", "submit")
    item = selectors.item_get(user=user, item_id=item_id)
    services.item_submit(actor=user, item=item)
    return item_out(user, item_id)


def _signed_out(user: Any, item_id: int, signature: ReviewSignature) -> dict[str, Any]:
    item = selectors.item_get(user=user, item_id=item_id)
    state = selectors.review_state(user=user, item=item)
    return {
        "signature": _signature(signature),
        "version": signature.item_version.number,
        "item_status": item.status,
        "missing": state.missing if state else [],
    }


@items_router.post(
    "/{item_id}/signatures",
    response={201: SignedOut, **ERRORS},
    summary="Sign the MLR review (e-signature)",
)
def item_sign(request: HttpRequest, item_id: int, payload: SignIn) -> tuple[int, Any]:
    """The reviewer re-enters their password and states the meaning of the signature. A wrong
    password is 422 on ``password`` and nothing is stored. The author may not sign
    (self-approval), one reviewer signs one discipline per round, and the third discipline's
    signature approves the version."""
    user = _user(request)
    policy.require(user, "content_review", "sign")
    item = selectors.item_get(user=user, item_id=item_id)
    signature = services.item_sign(
        actor=user,
        item=item,
        discipline=str(payload.discipline),
        password=payload.password,
        meaning=payload.meaning,
    )
    return 201, _signed_out(user, item_id, signature)


@items_router.post(
    "/{item_id}/return",
    response={200: ItemOut, **ERRORS},
    summary="Return a version in review to draft with comments",
)
def item_return(request: HttpRequest, item_id: int, payload: ReturnIn) -> dict[str, Any]:
    """The sign-offs of this round no longer count; the next submission starts a new round."""
    user = _user(request)
    policy.require(user, "content_review", "return")
    item = selectors.item_get(user=user, item_id=item_id)
    services.item_return(actor=user, item=item, comment=payload.comment)
    return item_out(user, item_id)


@items_router.post(
    "/{item_id}/withdraw", response={200: ItemOut, **ERRORS}, summary="Withdraw an item at once"
)
def item_withdraw(request: HttpRequest, item_id: int, payload: WithdrawIn) -> dict[str, Any]:
    """Takes the item out of use: every share link carrying it stops showing it, and every
    presentation carrying it is flagged to its owner."""
    user = _user(request)
    policy.require(user, "content_item", "withdraw")
    item = selectors.item_get(user=user, item_id=item_id)
    services.item_withdraw(actor=user, item=item, reason=payload.reason)
    return item_out(user, item_id)


@items_router.get(
    "/{item_id}/usage",
    response={200: ItemUsageOut, **ERRORS},
    summary="Where an item is used and how it was read",
)
def item_usage(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """Presentations and share links carrying the item, opens, reading time per module and
    downloads. Medical only: who received content is never shown to commercial roles (403)."""
    user = _user(request)
    selectors.require_view(user, "share_link")
    item = selectors.item_get(user=user, item_id=item_id)
    usage = selectors.item_usage(user=user, item=item)
    assert usage is not None  # require_view above: the caller may see share links
    return {
        "presentations": [
            {"id": p.pk, "title": p.title, "kol": _kol(p.kol), "owner": _person(p.owner)}
            for p in usage.presentations
        ],
        "share_links": [
            {
                "id": link.pk,
                "title": link.title,
                "kol": _kol(link.kol),
                "created_by": _person(link.created_by),
                "created_at": link.created_at,
                "expires_at": link.expires_at,
                "revoked_at": link.revoked_at,
                "opens": link.open_count,  # type: ignore[attr-defined]
            }
            for link in usage.share_links
        ],
        "share_count": usage.share_count,
        "open_count": usage.open_count,
        "seconds_total": usage.seconds_total,
        "presented_count": usage.presented_count,
        "presented_seconds": usage.presented_seconds,
        "per_module": [m.__dict__ for m in usage.per_module],
    }


def _queue_row(item: ContentItem) -> dict[str, Any]:
    v = item.working_version
    assert v is not None
    signed = {s.discipline for s in v.signatures.all() if s.review_round == v.review_round}
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": v.title,
        "version": v.number,
        "review_round": v.review_round,
        "submitted_at": v.submitted_at,
        "owner": _person(item.owner),
        "signed": [d for d in ReviewDiscipline.values if d in signed],
        "missing": [d for d in ReviewDiscipline.values if d not in signed],
    }


@review_router.get(
    "", response={200: ReviewQueuePage, **ERRORS}, summary="Items waiting in MLR review"
)
def review_queue(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """Oldest submission first, with the sign-offs given in this round and those missing."""
    qs = selectors.review_queue(user=_user(request)).prefetch_related("working_version__signatures")
    return _page(qs, paging, _queue_row)


# Modules ----------------------------------------------------------------------------------


def _module_summary(m: ContentModule) -> dict[str, Any]:
    latest = m.latest_version
    assert latest is not None
    return {
        "id": m.pk,
        "kind": m.kind,
        "therapeutic_area": m.therapeutic_area.code,
        "title": latest.title,
        "text": latest.text,
        "references": _references(latest.references),
        "latest_version": latest.number,
        "status": latest.status,
        "approved_version": m.approved_version.number if m.approved_version else None,
    }


def module_out(user: Any, module_id: int) -> dict[str, Any]:
    module = selectors.module_get(user=user, module_id=module_id)
    versions = module.versions.select_related("created_by").order_by("-number")
    return _module_summary(module) | {
        "created_by": _person(module.created_by),
        "created_at": module.created_at,
        "versions": [
            {
                "number": v.number,
                "status": v.status,
                "title": v.title,
                "text": v.text,
                "references": _references(v.references),
                "figure_url": _figure_url(v),
                "created_by": _person(v.created_by),
                "created_at": v.created_at,
                "approved_at": v.approved_at,
            }
            for v in versions
        ],
        "items": [
            {"id": i.pk, "kind": i.kind, "title": i.title, "status": i.status}
            for i in selectors.module_items(user=user, module=module)
        ],
    }


class ModuleFilters(Paging):
    q: str = Field("", description="Words in the title, text or references")
    kind: ModuleKind | None = None
    therapeutic_area: str = Field("", description="Therapeutic-area code")


@modules_router.get("", response={200: ModulePage, **ERRORS}, summary="Search content modules")
def module_list(request: HttpRequest, filters: Query[ModuleFilters]) -> dict[str, Any]:
    user = _user(request)
    selectors.require_view(user, "content_module")
    qs = selectors.module_search(
        user=user, q=filters.q, kind=filters.kind or "", therapeutic_area=filters.therapeutic_area
    )
    return _page(qs, filters, _module_summary)


@modules_router.post("", response={201: ModuleOut, **ERRORS}, summary="Create a module (draft)")
def module_create(request: HttpRequest, payload: ModuleIn) -> tuple[int, Any]:
    """A claim needs at least one reference (PMID or DOI) before an item carrying it can be
    approved; a figure's image is uploaded next with ``POST /content/modules/{id}/figure``."""
    user = _user(request)
    module = services.module_create(
        actor=user,
        kind=str(payload.kind),
        therapeutic_area=payload.therapeutic_area,
        title=payload.title,
        text=payload.text,
        references=payload.references,
    )
    return 201, module_out(user, module.pk)


@modules_router.get("/{module_id}", response={200: ModuleOut, **ERRORS}, summary="One module")
def module_detail(request: HttpRequest, module_id: int) -> dict[str, Any]:
    """Its versions with their references, and the items that carry it."""
    user = _user(request)
    selectors.require_view(user, "content_module")
    return module_out(user, module_id)


@modules_router.patch(
    "/{module_id}", response={200: ModuleOut, **ERRORS}, summary="Revise a module"
)
def module_patch(request: HttpRequest, module_id: int, payload: ModulePatch) -> dict[str, Any]:
    """A draft is edited in place; an approved module gets a new draft version, approved with
    the next item that carries it."""
    user = _user(request)
    policy.require(user, "content_module", "change")
    module = selectors.module_get(user=user, module_id=module_id)
    services.module_revise(
        actor=user,
        module=module,
        title=payload.title,
        text=payload.text,
        references=payload.references,
    )
    return module_out(user, module_id)


@modules_router.post(
    "/{module_id}/figure",
    response={200: ModuleOut, **ERRORS},
    summary="Upload a module's figure (multipart image)",
)
def module_figure_upload(
    request: HttpRequest, module_id: int, figure: File[UploadedFile]
) -> dict[str, Any]:
    """PNG, JPEG, GIF or WebP by its bytes; an approved module gets a new draft version."""
    user = _user(request)
    policy.require(user, "content_module", "change")
    module = selectors.module_get(user=user, module_id=module_id)
    services.module_revise(actor=user, module=module, figure=figure)
    return module_out(user, module_id)


@modules_router.get(
    "/{module_id}/versions/{number}/figure",
    response=ERRORS,
    url_name="content_module_figure",
    summary="A module version's figure",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The image, with the type its bytes proved",
                "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def module_figure(request: HttpRequest, module_id: int, number: int) -> FileResponse:
    user = _user(request)
    selectors.require_view(user, "content_module")
    module = selectors.module_get(user=user, module_id=module_id)
    version = module.versions.filter(number=number).first()
    if version is None or not version.figure:
        raise NotFound(f"Module {module_id} has no figure in version {number}.")
    return FileResponse(
        default_storage.open(version.figure.name, "rb"), content_type=version.figure_mime
    )


# Presentations ----------------------------------------------------------------------------


def _slot(s: PresentationSlot) -> dict[str, Any]:
    mv = s.module_version
    return {
        "id": s.pk,
        "position": s.position,
        "title": s.title,
        "item": s.item_id,
        "item_version": s.item_version.number,
        "module": mv.module_id if mv else None,
        "module_version": mv.number if mv else None,
        "needs_review": s.needs_review,
    }


def presentation_out(user: Any, presentation_id: int) -> dict[str, Any]:
    p = selectors.presentation_get(user=user, presentation_id=presentation_id)
    return {
        "id": p.pk,
        "title": p.title,
        "kol": _kol(p.kol),
        "owner": _person(p.owner),
        "private_note": p.private_note,
        "inquiry": p.inquiry_id,
        "slots": [_slot(s) for s in p.slots.all()],
        "notices": [
            {
                "id": n.pk,
                "kind": n.kind,
                "message": n.message,
                "slot": n.slot_id,
                "created_at": n.created_at,
            }
            for n in selectors.presentation_notices(presentation=p)
        ],
        "refusals": services.presentation_refusals(p),
        "revision": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _presentation_summary(p: Presentation) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "kol": _kol(p.kol),
        "owner": _person(p.owner),
        "slot_count": p.slot_count,  # type: ignore[attr-defined]
        "open_notices": p.open_notices,  # type: ignore[attr-defined]
        "updated_at": p.updated_at,
    }


class PresentationFilters(Paging):
    kol: int | None = Field(None, description="KOL id")


@presentations_router.get(
    "", response={200: PresentationPage, **ERRORS}, summary="Presentations (yours and your team's)"
)
def presentation_list(request: HttpRequest, filters: Query[PresentationFilters]) -> dict[str, Any]:
    qs = selectors.presentations_for(user=_user(request), kol_id=filters.kol)
    return _page(qs, filters, _presentation_summary)


@presentations_router.post(
    "", response={201: PresentationOut, **ERRORS}, summary="Start a presentation for a KOL"
)
def presentation_create(request: HttpRequest, payload: PresentationIn) -> tuple[int, Any]:
    user = _user(request)
    p = services.presentation_create(
        actor=user,
        kol_id=payload.kol,
        title=payload.title,
        private_note=payload.private_note,
        inquiry_id=payload.inquiry,
    )
    return 201, presentation_out(user, p.pk)


def _presentation_for(request: HttpRequest, presentation_id: int, action: str) -> Presentation:
    """The role rule first (403 naming it), then the record in reach (404)."""
    user = _user(request)
    policy.require(user, "presentation", action)
    return selectors.presentation_get(user=user, presentation_id=presentation_id)


@presentations_router.get(
    "/{presentation_id}", response={200: PresentationOut, **ERRORS}, summary="One presentation"
)
def presentation_detail(request: HttpRequest, presentation_id: int) -> dict[str, Any]:
    """Its slots at their exact versions, open notices, and ``refusals``: every reason it may
    not be presented or shared now (empty when it may)."""
    _presentation_for(request, presentation_id, "view")
    return presentation_out(_user(request), presentation_id)


@presentations_router.patch(
    "/{presentation_id}", response={200: PresentationOut, **ERRORS}, summary="Change a presentation"
)
def presentation_patch(
    request: HttpRequest, presentation_id: int, payload: PresentationPatch
) -> dict[str, Any]:
    p = _presentation_for(request, presentation_id, "change")
    sent = payload.dict(exclude_unset=True)
    services.presentation_update(
        actor=_user(request),
        presentation=p,
        expected_version=payload.expected_version,
        title=payload.title,
        private_note=payload.private_note,
        inquiry_id=payload.inquiry,
        clear_inquiry="inquiry" in sent and payload.inquiry is None,
    )
    return presentation_out(_user(request), presentation_id)


@presentations_router.post(
    "/{presentation_id}/slots",
    response={201: PresentationOut, **ERRORS},
    summary="Add an approved item, or one of its modules",
)
def presentation_add(
    request: HttpRequest, presentation_id: int, payload: SlotIn
) -> tuple[int, Any]:
    """The compliance gates for this KOL apply now (403 naming the rule) and again when
    presenting or sharing."""
    p = _presentation_for(request, presentation_id, "change")
    services.presentation_add(
        actor=_user(request),
        presentation=p,
        item_id=payload.item,
        module_id=payload.module,
        position=payload.position,
    )
    return 201, presentation_out(_user(request), presentation_id)


@presentations_router.delete(
    "/{presentation_id}/slots/{slot_id}",
    response={200: PresentationOut, **ERRORS},
    summary="Remove a slot",
)
def presentation_remove(request: HttpRequest, presentation_id: int, slot_id: int) -> dict[str, Any]:
    p = _presentation_for(request, presentation_id, "change")
    services.presentation_remove(actor=_user(request), presentation=p, slot_id=slot_id)
    return presentation_out(_user(request), presentation_id)


@presentations_router.put(
    "/{presentation_id}/order", response={200: PresentationOut, **ERRORS}, summary="Reorder slots"
)
def presentation_reorder(
    request: HttpRequest, presentation_id: int, payload: OrderIn
) -> dict[str, Any]:
    p = _presentation_for(request, presentation_id, "change")
    services.presentation_reorder(actor=_user(request), presentation=p, slot_ids=payload.slots)
    return presentation_out(_user(request), presentation_id)


@presentations_router.post(
    "/{presentation_id}/notices/{notice_id}/accept",
    response={200: PresentationOut, **ERRORS},
    summary="Accept a flagged change (or acknowledge a notice)",
)
def presentation_accept(
    request: HttpRequest, presentation_id: int, notice_id: int
) -> dict[str, Any]:
    """Moves the slot to the newly approved version when the gates allow it; withdrawn or
    expired material cannot stay (409: remove the slot)."""
    p = _presentation_for(request, presentation_id, "change")
    services.presentation_accept_update(actor=_user(request), presentation=p, notice_id=notice_id)
    return presentation_out(_user(request), presentation_id)


@presentations_router.post(
    "/{presentation_id}/presented",
    response={201: PresentedOut, **ERRORS},
    summary="Record the presentation as presented in an interaction",
)
def presentation_presented(
    request: HttpRequest, presentation_id: int, payload: PresentedIn
) -> tuple[int, Any]:
    """The content presented, frozen at its versions, with the seconds spent on each slot.
    Refused (403 with the rules) when anything in it may not be used with this KOL now."""
    p = _presentation_for(request, presentation_id, "present")
    rows = services.presentation_record_presenting(
        actor=_user(request),
        presentation=p,
        interaction_id=payload.interaction,
        timings=[services.Timing(t.position, t.seconds) for t in payload.timings],
    )
    return 201, {
        "interaction": payload.interaction,
        "presentation": p.pk,
        "presented_at": rows[0].presented_at,
        "content": [
            {
                "position": r.position,
                "title": r.module_version.title if r.module_version else r.item_version.title,
                "item": r.item_version.item_id,
                "item_version": r.item_version.number,
                "module_version": r.module_version.number if r.module_version else None,
                "seconds": r.seconds,
            }
            for r in rows
        ],
    }


# Share links ------------------------------------------------------------------------------


def _link(link: ShareLink, opens: int) -> dict[str, Any]:
    return {
        "id": link.pk,
        "title": link.title,
        "kol": _kol(link.kol),
        "created_by": _person(link.created_by),
        "presentation": link.presentation_id,
        "item": link.item_id,
        "inquiry": link.inquiry_id,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "revoke_reason": link.revoke_reason,
        "emailed_to": link.emailed_to,
        "emailed_at": link.emailed_at,
        "opens": opens,
    }


def share_link_out(user: Any, link_id: int) -> dict[str, Any]:
    link = selectors.share_link_get(user=user, link_id=link_id)
    modules = link.modules.select_related("item_version", "module_version").order_by("position")
    activity = selectors.share_link_activity(link=link)
    return _link(link, activity.opens) | {
        "modules": [
            {
                "position": m.position,
                "title": m.title,
                "item": m.item_id,
                "item_version": m.item_version.number,
                "module_version": m.module_version.number if m.module_version else None,
            }
            for m in modules
        ],
        "activity": {
            "opens": activity.opens,
            "last_opened": activity.last_opened,
            "seconds": activity.seconds,
            "modules": [m.__dict__ for m in activity.modules],
        },
    }


class ShareLinkFilters(Paging):
    kol: int | None = Field(None, description="KOL id")
    item: int | None = Field(None, description="Content item id the link carries")


@share_links_router.get(
    "", response={200: ShareLinkPage, **ERRORS}, summary="Share links (yours and your team's)"
)
def share_link_list(request: HttpRequest, filters: Query[ShareLinkFilters]) -> dict[str, Any]:
    qs = selectors.share_links_for(user=_user(request), kol_id=filters.kol, item_id=filters.item)
    return _page(qs, filters, lambda link: _link(link, link.open_count))


@share_links_router.post(
    "",
    response={201: ShareLinkCreatedOut, **ERRORS},
    summary="Share a presentation or an item with a KOL",
)
def share_link_create(request: HttpRequest, payload: ShareLinkIn) -> tuple[int, Any]:
    """Answers the link's ``token`` and ``url`` once: Kolbridge stores only the token's
    SHA-256 hash and can never show it again. What is shared is frozen at today's versions.

    Only approved, unexpired, unwithdrawn medical-external content is shared; proactively only
    on-label; reactive-only content only in answer to the KOL's own logged unsolicited inquiry
    (``inquiry``). Each refusal is a 403 naming its rule. With ``email_template`` the link is
    e-mailed from that approved template, only where the KOL gave e-mail consent."""
    user = _user(request)
    new = services.share_create(
        actor=user,
        kol_id=payload.kol,
        presentation_id=payload.presentation,
        item_id=payload.item,
        inquiry_id=payload.inquiry,
        expires_in_days=payload.expires_in_days,
        email_template_id=payload.email_template,
    )
    link = selectors.share_link_get(user=user, link_id=new.link.pk)
    return 201, _link(link, 0) | {"token": new.token, "url": new.url}


@share_links_router.get(
    "/{link_id}",
    response={200: ShareLinkDetailOut, **ERRORS},
    summary="One share link with what the KOL did",
)
def share_link_detail(request: HttpRequest, link_id: int) -> dict[str, Any]:
    """Opens, reading time per module and downloads, and whether the viewer still shows it."""
    user = _user(request)
    selectors.require_view(user, "share_link")
    return share_link_out(user, link_id)


@share_links_router.post(
    "/{link_id}/revoke", response={200: ShareLinkDetailOut, **ERRORS}, summary="Revoke a link"
)
def share_link_revoke(request: HttpRequest, link_id: int, payload: RevokeIn) -> dict[str, Any]:
    """The viewer answers 410 from now on."""
    user = _user(request)
    policy.require(user, "share_link", "revoke")
    link = selectors.share_link_get(user=user, link_id=link_id)
    services.share_revoke(actor=user, link=link, reason=payload.reason)
    return share_link_out(user, link_id)


# E-mail templates -------------------------------------------------------------------------


def _template(t: EmailTemplate) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "subject": t.subject,
        "body": t.body,
        "approved": t.approved,
        "approved_by": _person(t.approved_by),
        "approved_at": t.approved_at,
    }


class TemplateFilters(Schema):
    approved: bool = Field(False, description="Only approved templates (those a link may use)")


@email_templates_router.get(
    "", response={200: list[EmailTemplateOut], **ERRORS}, summary="E-mail templates for links"
)
def email_template_list(
    request: HttpRequest, filters: Query[TemplateFilters]
) -> list[dict[str, Any]]:
    rows = selectors.email_templates_for(user=_user(request), approved_only=filters.approved)
    return [_template(t) for t in rows.select_related("approved_by")[:MAX_LIMIT]]


@email_templates_router.post(
    "", response={201: EmailTemplateOut, **ERRORS}, summary="Draft an e-mail template"
)
def email_template_create(request: HttpRequest, payload: EmailTemplateIn) -> tuple[int, Any]:
    """Not usable until an MLR reviewer approves it. The text must contain ``{link}``."""
    template = services.email_template_create(
        actor=_user(request), name=payload.name, subject=payload.subject, body=payload.body
    )
    return 201, _template(template)


@email_templates_router.post(
    "/{template_id}/approve",
    response={200: EmailTemplateOut, **ERRORS},
    summary="Approve an e-mail template (e-signature)",
)
def email_template_approve(
    request: HttpRequest, template_id: int, payload: EmailTemplateApproveIn
) -> dict[str, Any]:
    """The reviewer re-enters their password; a wrong one is 422 on ``password``."""
    user = _user(request)
    policy.require(user, "email_template", "approve")
    template = selectors.email_templates_for(user=user).filter(pk=template_id).first()
    if template is None:
        raise NotFound(f"No e-mail template with id {template_id}.")
    approved = services.email_template_approve(
        actor=user, template=template, password=payload.password
    )
    return _template(approved)
