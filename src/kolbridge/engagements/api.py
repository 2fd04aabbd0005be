"""Engagements endpoints: /interactions, /inquiries (and /inquiries/referrals for sales reps),
/follow-ups. Thin: parse, call one selector or service, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kolbridge.core import policy
from kolbridge.core.errors import Invalid, NotFound
from kolbridge.core.schemas import ErrorOut
from kolbridge.engagements import selectors, services
from kolbridge.engagements.ical import interaction_ics
from kolbridge.engagements.models import (
    FollowUp,
    Inquiry,
    InquiryStatus,
    Interaction,
    InteractionStatus,
)
from kolbridge.engagements.schemas import (
    FollowUpDraftIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpPatch,
    InquiryIn,
    InquiryOut,
    InquiryRespondIn,
    InteractionCancelIn,
    InteractionCompleteIn,
    InteractionIn,
    InteractionOut,
    InteractionPage,
    InteractionPatch,
    ReferralIn,
    ReferralOut,
)
from kolbridge.kols.models import Channel, Kol
from kolbridge.kols.selectors import kol_get

interactions_router = Router(tags=["interactions"])
inquiries_router = Router(tags=["inquiries"])
follow_ups_router = Router(tags=["follow-ups"])
ERRORS: dict[int, Any] = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


def _person(kol: Kol) -> dict[str, Any]:
    return {"id": kol.pk, "name": kol.display_name}


def _drafts(items: list[FollowUpDraftIn]) -> list[services.FollowUpDraft]:
    return [services.FollowUpDraft(i.title, i.due_date, i.description, i.owner) for i in items]


def interaction_out(row: Interaction) -> dict[str, Any]:
    return {
        "id": row.pk,
        "status": row.status,
        "kind": row.kind,
        "channel": row.channel,
        "starts_at": row.starts_at,
        "duration_minutes": row.duration_minutes,
        "owner": row.owner.username,
        "msls": sorted(u.username for u in row.msls.all()),
        "kols": [_person(k) for k in row.kols.all()],
        "therapeutic_area": row.therapeutic_area.code if row.therapeutic_area else None,
        "products": sorted(p.name for p in row.products.all()),
        "objectives": row.objectives,
        "notes": row.notes,
        "outcome": row.outcome,
        "next_steps": row.next_steps,
        "completed_at": row.completed_at,
        "cancelled_at": row.cancelled_at,
        "cancel_reason": row.cancel_reason,
        "locked": services.interaction_is_locked(row),
        "version": row.version,
    }


class InteractionFilters(Schema):
    kol: int | None = Field(None, description="KOL id")
    msl: str | None = Field(None, description="MSL username")
    date_from: date | None = None
    date_to: date | None = None
    channel: Channel | None = None
    status: InteractionStatus | None = None
    limit: int = Field(25, ge=1, le=settings.KOLBRIDGE_API_MAX_LIMIT)
    offset: int = Field(0, ge=0)


@interactions_router.get("", response={200: InteractionPage, **ERRORS}, summary="List interactions")
def interaction_list(request: HttpRequest, filters: Query[InteractionFilters]) -> dict[str, Any]:
    """Interactions the caller may see, newest first (medical roles only)."""
    user: Any = request.user
    selectors.require_view(user, "interaction")
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise Invalid({"date_to": ["The end of the period is before its start."]})
    qs = selectors.interaction_search(
        user=user,
        kol_id=filters.kol,
        msl=filters.msl,
        date_from=filters.date_from,
        date_to=filters.date_to,
        channel=filters.channel,
        status=filters.status,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "items": [interaction_out(r) for r in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@interactions_router.post(
    "", response={201: InteractionOut, **ERRORS}, summary="Plan or log an interaction"
)
def interaction_create(request: HttpRequest, payload: InteractionIn) -> tuple[int, Any]:
    user: Any = request.user
    plan: dict[str, Any] = {
        "kol_ids": payload.kols,
        "starts_at": payload.starts_at,
        "channel": payload.channel,
        "kind": payload.kind,
        "duration_minutes": payload.duration_minutes,
        "msl_usernames": payload.msls,
        "therapeutic_area_code": payload.therapeutic_area,
        "product_names": payload.products,
        "objectives": payload.objectives,
    }
    if payload.completed:
        row = services.interaction_log(
            actor=user,
            notes=payload.notes,
            outcome=payload.outcome,
            next_steps=payload.next_steps,
            questions=payload.questions,
            follow_ups=_drafts(payload.follow_ups),
            **plan,
        )
    else:
        row = services.interaction_create(actor=user, **plan)
    return 201, interaction_out(selectors.interaction_get(user=user, interaction_id=row.pk))


@interactions_router.get(
    "/{interaction_id}", response={200: InteractionOut, **ERRORS}, summary="One interaction"
)
def interaction_detail(request: HttpRequest, interaction_id: int) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "interaction")
    return interaction_out(selectors.interaction_get(user=user, interaction_id=interaction_id))


@interactions_router.get(
    "/{interaction_id}/ical",
    response=ERRORS,
    summary="The interaction as an iCalendar event (text/calendar)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "One VEVENT: who and when, never notes, topics or questions",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def interaction_ical(request: HttpRequest, interaction_id: int) -> HttpResponse:
    user: Any = request.user
    selectors.require_view(user, "interaction")
    row = selectors.interaction_get(user=user, interaction_id=interaction_id)
    response = HttpResponse(interaction_ics(row), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interaction-{row.pk}.ics"'
    return response


@interactions_router.patch(
    "/{interaction_id}", response={200: InteractionOut, **ERRORS}, summary="Change an interaction"
)
def interaction_patch(
    request: HttpRequest, interaction_id: int, payload: InteractionPatch
) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "interaction")
    row = selectors.interaction_get(user=user, interaction_id=interaction_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    reason = changes.pop("reason", "")
    renames = {"kols": "kol_ids", "msls": "msl_usernames"}
    changes = {renames.get(k, k): v for k, v in changes.items()}
    services.interaction_update(
        actor=user, interaction=row, changes=changes, expected_version=version, reason=reason
    )
    return interaction_out(selectors.interaction_get(user=user, interaction_id=interaction_id))


@interactions_router.post(
    "/{interaction_id}/complete",
    response={200: InteractionOut, **ERRORS},
    summary="Complete a planned interaction (notes, questions raised, follow-ups)",
)
def interaction_complete(
    request: HttpRequest, interaction_id: int, payload: InteractionCompleteIn
) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "interaction")
    row = selectors.interaction_get(user=user, interaction_id=interaction_id)
    services.interaction_complete(
        actor=user,
        interaction=row,
        notes=payload.notes,
        outcome=payload.outcome,
        next_steps=payload.next_steps,
        questions=payload.questions,
        follow_ups=_drafts(payload.follow_ups),
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        expected_version=payload.version,
    )
    return interaction_out(selectors.interaction_get(user=user, interaction_id=interaction_id))


@interactions_router.post(
    "/{interaction_id}/cancel",
    response={200: InteractionOut, **ERRORS},
    summary="Cancel a planned interaction",
)
def interaction_cancel(
    request: HttpRequest, interaction_id: int, payload: InteractionCancelIn
) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "interaction")
    row = selectors.interaction_get(user=user, interaction_id=interaction_id)
    services.interaction_cancel(
        actor=user, interaction=row, reason=payload.reason, expected_version=payload.version
    )
    return interaction_out(selectors.interaction_get(user=user, interaction_id=interaction_id))


def inquiry_out(row: Inquiry) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kol": _person(row.kol),
        "question": row.question,
        "product": row.product.name if row.product else None,
        "channel_received": row.channel_received,
        "received_at": row.received_at,
        "urgency": row.urgency,
        "due_at": row.due_at,
        "overdue": row.is_overdue,
        "status": row.status,
        "source": row.source,
        "captured_by": row.captured_by.username,
        "interaction": row.interaction_id,
        "response": row.response,
        "responder": row.responder.username if row.responder else None,
        "responded_at": row.responded_at,
        "delivery_channel": row.delivery_channel,
        "closed_at": row.closed_at,
        "version": row.version,
    }


class InquiryFilters(Schema):
    status: InquiryStatus | None = Field(
        None, description="Default: open and in-progress inquiries"
    )
    kol: int | None = None
    limit: int = Field(25, ge=1, le=settings.KOLBRIDGE_API_MAX_LIMIT)
    offset: int = Field(0, ge=0)


class InquiryPage(Schema):
    items: list[InquiryOut]
    count: int
    limit: int
    offset: int


@inquiries_router.get(
    "",
    response={200: InquiryPage, **ERRORS},
    summary="Medical's inquiry queue, by due date (overdue first)",
)
def inquiry_list(request: HttpRequest, filters: Query[InquiryFilters]) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "inquiry")
    qs = selectors.inquiry_queue(user=user, status=filters.status, kol_id=filters.kol)
    page = qs.select_related("responder")[filters.offset : filters.offset + filters.limit]
    return {
        "items": [inquiry_out(r) for r in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


def _kol_for(user: Any, kol_id: int) -> Kol:
    try:
        return kol_get(user=user, kol_id=kol_id)
    except NotFound:
        raise Invalid({"kol": [f"Unknown KOL id {kol_id}."]}) from None


@inquiries_router.post(
    "", response={201: InquiryOut, **ERRORS}, summary="Capture an unsolicited medical inquiry"
)
def inquiry_create(request: HttpRequest, payload: InquiryIn) -> tuple[int, Any]:
    user: Any = request.user
    policy.require(user, "inquiry", "create")
    interaction = None
    if payload.interaction is not None:
        interaction = selectors.interaction_get(user=user, interaction_id=payload.interaction)
    row = services.inquiry_capture(
        actor=user,
        kol=_kol_for(user, payload.kol),
        question=payload.question,
        channel_received=payload.channel_received,
        unsolicited_confirmed=payload.unsolicited_confirmed,
        received_at=payload.received_at,
        urgency=payload.urgency,
        product_name=payload.product,
        interaction=interaction,
    )
    return 201, inquiry_out(selectors.inquiry_get(user=user, inquiry_id=row.pk))


def _referral_out(r: selectors.ReferralStatus) -> dict[str, Any]:
    return {
        "id": r.id,
        "kol": {"id": r.kol_id, "name": r.kol_name},
        "question": r.question,
        "received_at": r.received_at,
        "status": r.status,
        "closed_at": r.closed_at,
    }


@inquiries_router.post(
    "/referrals",
    response={201: ReferralOut, **ERRORS},
    summary="A sales rep refers an HCP's unsolicited medical question to medical",
)
def referral_create(request: HttpRequest, payload: ReferralIn) -> tuple[int, Any]:
    user: Any = request.user
    policy.require(user, "inquiry_referral", "create")
    row = services.inquiry_refer(
        actor=user,
        kol=_kol_for(user, payload.kol),
        question=payload.question,
        channel_received=payload.channel_received,
        unsolicited_confirmed=payload.unsolicited_confirmed,
        hcp_requested_medical_answer=payload.hcp_requested_medical_answer,
        received_at=payload.received_at,
        urgency=payload.urgency,
        product_name=payload.product,
    )
    return 201, _referral_out(selectors.referral_get(user=user, inquiry_id=row.pk))


@inquiries_router.get(
    "/referrals",
    response={200: list[ReferralOut], **ERRORS},
    summary="The questions the calling sales rep referred (status only)",
)
def referral_list(request: HttpRequest) -> list[dict[str, Any]]:
    user: Any = request.user
    selectors.require_view(user, "inquiry_referral")
    return [_referral_out(r) for r in selectors.referrals_of(user=user)]


@inquiries_router.get(
    "/referrals/{inquiry_id}",
    response={200: ReferralOut, **ERRORS},
    summary="One referral's status",
)
def referral_detail(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "inquiry_referral")
    return _referral_out(selectors.referral_get(user=user, inquiry_id=inquiry_id))


@inquiries_router.get("/{inquiry_id}", response={200: InquiryOut, **ERRORS}, summary="One inquiry")
def inquiry_detail(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    user: Any = request.user
    selectors.require_view(user, "inquiry")
    return inquiry_out(selectors.inquiry_get(user=user, inquiry_id=inquiry_id))


@inquiries_router.post(
    "/{inquiry_id}/start",
    response={200: InquiryOut, **ERRORS},
    summary="Take an inquiry on (open → in progress)",
)
def inquiry_start(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    user: Any = request.user
    policy.require(user, "inquiry", "respond")
    row = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    services.inquiry_start(actor=user, inquiry=row)
    return inquiry_out(selectors.inquiry_get(user=user, inquiry_id=inquiry_id))


@inquiries_router.post(
    "/{inquiry_id}/respond",
    response={200: InquiryOut, **ERRORS},
    summary="Answer an inquiry (medical only)",
)
def inquiry_respond(
    request: HttpRequest, inquiry_id: int, payload: InquiryRespondIn
) -> dict[str, Any]:
    user: Any = request.user
    # The role rule first: a sales rep is told why, whether or not they referred it.
    policy.require(user, "inquiry", "respond")
    row = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    services.inquiry_respond(
        actor=user,
        inquiry=row,
        response=payload.response,
        delivery_channel=payload.delivery_channel,
        expected_version=payload.version,
    )
    return inquiry_out(selectors.inquiry_get(user=user, inquiry_id=inquiry_id))


@inquiries_router.post(
    "/{inquiry_id}/close", response={200: InquiryOut, **ERRORS}, summary="Close an answered inquiry"
)
def inquiry_close(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    user: Any = request.user
    policy.require(user, "inquiry", "close")
    row = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    services.inquiry_close(actor=user, inquiry=row)
    return inquiry_out(selectors.inquiry_get(user=user, inquiry_id=inquiry_id))


def follow_up_out(row: FollowUp) -> dict[str, Any]:
    return {
        "id": row.pk,
        "title": row.title,
        "description": row.description,
        "owner": row.owner.username,
        "due_date": row.due_date,
        "status": row.status,
        "overdue": row.status == "open" and row.due_date < timezone.localdate(),
        "kol": _person(row.kol) if row.kol else None,
        "interaction": row.interaction_id,
        "inquiry": row.inquiry_id,
        "completed_at": row.completed_at,
    }


class FollowUpFilters(Schema):
    status: str | None = Field("open", description="open, done, cancelled; empty for all")
    owner: str | None = None


@follow_ups_router.get("", response={200: list[FollowUpOut], **ERRORS}, summary="Follow-ups")
def follow_up_list(request: HttpRequest, filters: Query[FollowUpFilters]) -> list[dict[str, Any]]:
    user: Any = request.user
    selectors.require_view(user, "follow_up")
    rows = selectors.follow_ups_for(user=user, status=filters.status or None, owner=filters.owner)
    return [follow_up_out(r) for r in rows[: settings.KOLBRIDGE_API_MAX_LIMIT]]


@follow_ups_router.post("", response={201: FollowUpOut, **ERRORS}, summary="Create a follow-up")
def follow_up_create(request: HttpRequest, payload: FollowUpIn) -> tuple[int, Any]:
    user: Any = request.user
    policy.require(user, "follow_up", "create")
    kol = _kol_for(user, payload.kol) if payload.kol is not None else None
    interaction = (
        selectors.interaction_get(user=user, interaction_id=payload.interaction)
        if payload.interaction is not None
        else None
    )
    inquiry = (
        selectors.inquiry_get(user=user, inquiry_id=payload.inquiry)
        if payload.inquiry is not None
        else None
    )
    row = services.follow_up_create(
        actor=user,
        draft=services.FollowUpDraft(
            payload.title, payload.due_date, payload.description, payload.owner
        ),
        kol=kol,
        interaction=interaction,
        inquiry=inquiry,
    )
    return 201, follow_up_out(selectors.follow_up_get(user=user, follow_up_id=row.pk))


@follow_ups_router.patch(
    "/{follow_up_id}",
    response={200: FollowUpOut, **ERRORS},
    summary="Mark a follow-up done, cancelled or open",
)
def follow_up_patch(request: HttpRequest, follow_up_id: int, payload: FollowUpPatch) -> Any:
    user: Any = request.user
    selectors.require_view(user, "follow_up")
    row = selectors.follow_up_get(user=user, follow_up_id=follow_up_id)
    services.follow_up_set_status(actor=user, follow_up=row, status=payload.status)
    return follow_up_out(selectors.follow_up_get(user=user, follow_up_id=follow_up_id))
