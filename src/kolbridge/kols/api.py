"""KOL 360 endpoints: a thin layer over the KOL selectors and services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from kolbridge.core.schemas import ErrorOut
from kolbridge.kols import selectors, services
from kolbridge.kols.models import Kol, ScientificQuestion, Stage
from kolbridge.kols.schemas import (
    ChannelPreferencesIn,
    ChannelPreferencesRecordOut,
    KnowledgeIn,
    KnowledgeRecordOut,
    KolIn,
    KolOut,
    KolPage,
    KolPatch,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    StageIn,
    StageOut,
    TimelineEntryOut,
)

router = Router(tags=["kols"])
ERRORS: dict[int, Any] = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class KolFilters(Schema):
    q: str = NinjaField("", description="Words to find in name, specialty or institution")
    tier: int | None = NinjaField(None, ge=1, le=3)
    stage: Stage | None = None
    therapeutic_area: str | None = NinjaField(None, description="Therapeutic-area code")
    territory: str | None = NinjaField(None, description="Territory code")
    limit: int = NinjaField(25, ge=1, le=settings.KOLBRIDGE_API_MAX_LIMIT)
    offset: int = NinjaField(0, ge=0)


def _list_item(kol: Kol) -> dict[str, Any]:
    return {
        "id": kol.pk,
        "display_name": kol.display_name,
        "title": kol.title,
        "first_name": kol.first_name,
        "last_name": kol.last_name,
        "specialty": kol.specialty,
        "tier": kol.tier,
        "institution": kol.institution,
        "city": kol.city,
        "country": kol.country,
        "territory": kol.territory.code,
    }


def _detail(user: Any, kol: Kol) -> dict[str, Any]:
    journey = selectors.kol_journey(user=user, kol=kol)
    open_questions = selectors.kol_open_questions(user=user, kol=kol)
    data = _list_item(kol) | {
        "department": kol.department,
        "other_affiliations": kol.other_affiliations,
        "email": kol.email,
        "therapeutic_areas": sorted(a.code for a in kol.therapeutic_areas.all()),
        "external_ids": [{"system": e.system, "value": e.value} for e in kol.external_ids.all()],
        "version": kol.version,
        "created_at": kol.created_at,
        "updated_at": kol.updated_at,
        "journey": None,
        "open_questions": None if open_questions is None else open_questions.count(),
    }
    if journey is not None:
        channels = journey.channels
        data["journey"] = {
            "stage": journey.stage,
            "stage_label": journey.stage_label,
            "stage_since": journey.stage_since,
            "knowledge": [k.__dict__ for k in journey.knowledge],
            "channel_preferences": None
            if channels is None
            else {
                "channels": channels.channels,
                "preferred_times": channels.preferred_times,
                "email_consent": channels.email_consent,
                "effective_at": channels.effective_at,
            },
        }
    return data


def _question(q: ScientificQuestion) -> dict[str, Any]:
    return {
        "id": q.pk,
        "text": q.text,
        "therapeutic_area": q.therapeutic_area.code if q.therapeutic_area_id else None,  # type: ignore[union-attr]
        "status": q.status,
        "asked_at": q.asked_at,
        "answered_at": q.answered_at,
        "answer_summary": q.answer_summary,
    }


@router.get("", response={200: KolPage, **ERRORS}, summary="Search KOLs")
def kol_list(request: HttpRequest, filters: Query[KolFilters]) -> dict[str, Any]:
    """KOLs the caller may see. An MSL sees their territory's KOLs; filtering by stage needs
    the right to see journey stages (commercial roles get 403)."""
    qs = selectors.kol_search(
        user=request.user,  # type: ignore[arg-type]
        q=filters.q,
        tier=filters.tier,
        stage=filters.stage,
        therapeutic_area=filters.therapeutic_area,
        territory=filters.territory,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "items": [_list_item(k) for k in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.post("", response={201: KolOut, **ERRORS}, summary="Create a KOL profile")
def kol_create(request: HttpRequest, payload: KolIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict()
    kol = services.kol_create(
        actor=request.user,  # type: ignore[arg-type]
        territory_code=data.pop("territory"),
        therapeutic_area_codes=data.pop("therapeutic_areas"),
        external_ids={str(k): v for k, v in data.pop("external_ids").items()},
        **data,
    )
    kol = selectors.kol_get(user=request.user, kol_id=kol.pk)  # type: ignore[arg-type]
    return 201, _detail(request.user, kol)


@router.get("/{kol_id}", response={200: KolOut, **ERRORS}, summary="One KOL's 360 profile")
def kol_detail(request: HttpRequest, kol_id: int) -> dict[str, Any]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    return _detail(request.user, kol)


@router.patch("/{kol_id}", response={200: KolOut, **ERRORS}, summary="Change a KOL profile")
def kol_patch(request: HttpRequest, kol_id: int, payload: KolPatch) -> dict[str, Any]:
    user = request.user
    kol = selectors.kol_get(user=user, kol_id=kol_id)  # type: ignore[arg-type]
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    if "external_ids" in changes and changes["external_ids"] is not None:
        changes["external_ids"] = {str(k): v for k, v in changes["external_ids"].items()}
    services.kol_update(actor=user, kol=kol, changes=changes, expected_version=version)  # type: ignore[arg-type]
    return _detail(user, selectors.kol_get(user=user, kol_id=kol_id))  # type: ignore[arg-type]


@router.post("/{kol_id}/stage", response={201: StageOut, **ERRORS}, summary="Record a stage change")
def kol_stage(request: HttpRequest, kol_id: int, payload: StageIn) -> tuple[int, Any]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    change = services.kol_stage_record(
        actor=request.user,  # type: ignore[arg-type]
        kol=kol,
        stage=payload.stage,
        at=payload.changed_at,
        note=payload.note,
    )
    return 201, change


@router.post(
    "/{kol_id}/knowledge",
    response={201: KnowledgeRecordOut, **ERRORS},
    summary="Record a knowledge level",
)
def kol_knowledge(request: HttpRequest, kol_id: int, payload: KnowledgeIn) -> tuple[int, Any]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    record = services.kol_knowledge_record(
        actor=request.user,  # type: ignore[arg-type]
        kol=kol,
        level=int(payload.level),
        therapeutic_area_code=payload.therapeutic_area,
        product_name=payload.product,
        at=payload.assessed_at,
        note=payload.note,
    )
    return 201, {
        "id": record.pk,
        "subject": record.subject,
        "level": record.level,
        "assessed_at": record.assessed_at,
        "note": record.note,
    }


@router.post(
    "/{kol_id}/channel-preferences",
    response={201: ChannelPreferencesRecordOut, **ERRORS},
    summary="Record channel preferences and e-mail consent",
)
def kol_channel_preferences(
    request: HttpRequest, kol_id: int, payload: ChannelPreferencesIn
) -> tuple[int, Any]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    record = services.kol_channel_preferences_record(
        actor=request.user,  # type: ignore[arg-type]
        kol=kol,
        channels=[str(c) for c in payload.channels],
        email_consent=payload.email_consent,
        preferred_times=payload.preferred_times,
        at=payload.effective_at,
        note=payload.note,
    )
    return 201, record


@router.get(
    "/{kol_id}/timeline",
    response={200: list[TimelineEntryOut], **ERRORS},
    summary="The KOL's history, newest first",
)
def kol_timeline(
    request: HttpRequest,
    kol_id: int,
    limit: int = Query(100, ge=1, le=500),
) -> list[Any]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    return selectors.kol_timeline(user=request.user, kol=kol, limit=limit)  # type: ignore[arg-type]


@router.get(
    "/{kol_id}/questions",
    response={200: list[QuestionOut], **ERRORS},
    summary="The KOL's scientific questions (medical only)",
)
def kol_question_list(
    request: HttpRequest, kol_id: int, status: str | None = None
) -> list[dict[str, Any]]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    questions = selectors.kol_questions(user=request.user, kol=kol, status=status)  # type: ignore[arg-type]
    return [_question(q) for q in questions]


@router.post(
    "/{kol_id}/questions",
    response={201: QuestionOut, **ERRORS},
    summary="Log a scientific question",
)
def kol_question_create(request: HttpRequest, kol_id: int, payload: QuestionIn) -> tuple[int, Any]:
    kol = selectors.kol_get(user=request.user, kol_id=kol_id)  # type: ignore[arg-type]
    question = services.kol_question_add(
        actor=request.user,  # type: ignore[arg-type]
        kol=kol,
        text=payload.text,
        therapeutic_area_code=payload.therapeutic_area,
        asked_at=payload.asked_at,
    )
    return 201, _question(question)


@router.patch(
    "/{kol_id}/questions/{question_id}",
    response={200: QuestionOut, **ERRORS},
    summary="Edit, answer or re-open a question",
)
def kol_question_patch(
    request: HttpRequest, kol_id: int, question_id: int, payload: QuestionPatch
) -> dict[str, Any]:
    user = request.user
    kol = selectors.kol_get(user=user, kol_id=kol_id)  # type: ignore[arg-type]
    question = selectors.kol_question_get(user=user, kol=kol, question_id=question_id)  # type: ignore[arg-type]
    question = services.kol_question_update(
        actor=user,  # type: ignore[arg-type]
        question=question,
        **payload.dict(exclude_unset=True),
    )
    return _question(question)
