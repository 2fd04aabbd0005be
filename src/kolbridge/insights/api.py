"""Insights endpoints: /insights (capture, review, release; /insights/released for commercial),
/themes (/themes/released for commercial), /insight-actions, /pm-questions,
/adverse-events (the PV queue). Thin: parse, call one selector or service, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kolbridge.core import policy
from kolbridge.core.errors import NotFound
from kolbridge.core.fieldtext import notices_of
from kolbridge.core.schemas import ErrorOut
from kolbridge.insights import selectors, services, themes
from kolbridge.insights.models import (
    AdverseEventReport,
    AeStatus,
    Insight,
    InsightAction,
    InsightCategory,
    InsightStatus,
    PmQuestion,
    PmQuestionStatus,
    Theme,
)
from kolbridge.insights.schemas import (
    ActionIn,
    ActionOut,
    AeOut,
    AnswerIn,
    CompleteIn,
    ForwardIn,
    InsightIn,
    InsightOut,
    InsightPage,
    InsightPatch,
    MergeIn,
    PmQuestionIn,
    PmQuestionOut,
    ReasonIn,
    ReleasedInsightOut,
    ReleasedThemeOut,
    ReleaseIn,
    ReleaseSuggestionOut,
    RenameIn,
    ReviewIn,
    RouteIn,
    SplitIn,
    ThemeMergeIn,
    ThemeOut,
    ThemeReleaseIn,
)

insights_router = Router(tags=["insights"])
themes_router = Router(tags=["themes"])
actions_router = Router(tags=["insight actions"])
questions_router = Router(tags=["PM questions"])
ae_router = Router(tags=["adverse events"])
ERRORS: dict[int, Any] = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


def _user(request: HttpRequest) -> Any:
    return request.user


def _who(user: Any) -> str | None:
    return user.username if user else None


def insight_out(row: Insight) -> dict[str, Any]:
    return {
        "id": row.pk,
        "text": row.text,
        "original_text": row.original_text,
        "category": row.category,
        "therapeutic_area": row.therapeutic_area.code,
        "product": row.product.name if row.product else None,
        "kols": [{"id": k.pk, "name": k.display_name} for k in row.kols.all()],
        "interaction": row.interaction_id,
        "tags": row.tags,
        "captured_by": row.captured_by.username,
        "captured_at": row.captured_at,
        "status": row.status,
        "reviewed_by": _who(row.reviewed_by),
        "reviewed_at": row.reviewed_at,
        "review_note": row.review_note,
        "merged_into": row.merged_into_id,
        "released": row.released_at is not None,
        "released_text": row.released_text,
        "released_at": row.released_at,
        "pm_question": row.pm_question_id,
        "version": row.version,
        "safety_notices": notices_of(row),
    }


class InsightFilters(Schema):
    q: str = ""
    category: InsightCategory | None = None
    status: InsightStatus | None = None
    therapeutic_area: str = ""
    product: str = ""
    captured_from: date | None = None
    captured_to: date | None = None
    kol: int | None = None
    interaction: int | None = None
    mine: bool = False
    limit: int = Field(25, ge=1, le=settings.KOLBRIDGE_API_MAX_LIMIT)
    offset: int = Field(0, ge=0)


@insights_router.get("", response={200: InsightPage, **ERRORS}, summary="List insights (medical)")
def insight_list(request: HttpRequest, filters: Query[InsightFilters]) -> dict[str, Any]:
    """Identifiable insights the caller may see, newest first. Commercial roles: 403 — they
    read /insights/released."""
    qs = selectors.insight_search(
        user=_user(request),
        q=filters.q,
        category=filters.category or "",
        status=filters.status or "",
        therapeutic_area=filters.therapeutic_area,
        product=filters.product,
        captured_from=filters.captured_from,
        captured_to=filters.captured_to,
        kol_id=filters.kol,
        interaction_id=filters.interaction,
        mine=filters.mine,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "items": [insight_out(r) for r in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@insights_router.post("", response={201: InsightOut, **ERRORS}, summary="Capture an insight")
def insight_create(request: HttpRequest, payload: InsightIn) -> tuple[int, Any]:
    """Screened for a possible adverse event at once; ``safety_notices`` says if one went to
    pharmacovigilance (the insight is saved either way)."""
    row = services.insight_capture(
        actor=_user(request),
        text=payload.text,
        category=payload.category,
        therapeutic_area=payload.therapeutic_area,
        product=payload.product,
        kol_ids=payload.kols,
        interaction_id=payload.interaction,
        tags=payload.tags,
        pm_question_id=payload.pm_question,
    )
    out = insight_out(selectors.insight_get(user=_user(request), insight_id=row.pk))
    out["safety_notices"] = notices_of(row)
    return 201, out


class ReleasedFilters(Schema):
    product: str = ""
    therapeutic_area: str = ""
    category: InsightCategory | None = None
    released_from: date | None = None
    released_to: date | None = None


@insights_router.get(
    "/released",
    response={200: list[ReleasedInsightOut], **ERRORS},
    summary="Released insights (de-identified: no KOL, no MSL, no interaction)",
)
def released_list(request: HttpRequest, filters: Query[ReleasedFilters]) -> list[Any]:
    return selectors.released_insights(
        user=_user(request),
        product=filters.product,
        therapeutic_area=filters.therapeutic_area,
        category=filters.category or "",
        released_from=filters.released_from,
        released_to=filters.released_to,
    )


@insights_router.get("/{insight_id}", response={200: InsightOut, **ERRORS}, summary="One insight")
def insight_detail(request: HttpRequest, insight_id: int) -> dict[str, Any]:
    selectors.require_view(_user(request), "insight")
    return insight_out(selectors.insight_get(user=_user(request), insight_id=insight_id))


def _insight(request: HttpRequest, insight_id: int) -> Insight:
    selectors.require_view(_user(request), "insight")
    return selectors.insight_get(user=_user(request), insight_id=insight_id)


@insights_router.patch(
    "/{insight_id}", response={200: InsightOut, **ERRORS}, summary="Correct an insight"
)
def insight_patch(request: HttpRequest, insight_id: int, payload: InsightPatch) -> dict[str, Any]:
    """The MSL corrects their own insight until medical review."""
    row = services.insight_edit(
        actor=_user(request),
        insight=_insight(request, insight_id),
        text=payload.text,
        category=payload.category,
        tags=payload.tags,
        expected_version=payload.version,
    )
    out = insight_out(selectors.insight_get(user=_user(request), insight_id=row.pk))
    out["safety_notices"] = notices_of(row)
    return out


@insights_router.post(
    "/{insight_id}/review", response={200: InsightOut, **ERRORS}, summary="Accept or reject"
)
def insight_review(request: HttpRequest, insight_id: int, payload: ReviewIn) -> dict[str, Any]:
    row = services.insight_review(
        actor=_user(request),
        insight=_insight(request, insight_id),
        decision=payload.decision,
        note=payload.note,
        text=payload.text,
        expected_version=payload.version,
    )
    return insight_out(selectors.insight_get(user=_user(request), insight_id=row.pk))


@insights_router.post(
    "/{insight_id}/merge",
    response={200: InsightOut, **ERRORS},
    summary="Merge a duplicate into the insight it repeats (answers the kept one)",
)
def insight_merge(request: HttpRequest, insight_id: int, payload: MergeIn) -> dict[str, Any]:
    kept = services.insight_merge(
        actor=_user(request),
        duplicate=_insight(request, insight_id),
        into=_insight(request, payload.into),
        note=payload.note,
    )
    return insight_out(selectors.insight_get(user=_user(request), insight_id=kept.pk))


@insights_router.get(
    "/{insight_id}/release-suggestion",
    response={200: ReleaseSuggestionOut, **ERRORS},
    summary="The automatic de-identification, for the lead to check before release",
)
def release_suggestion(request: HttpRequest, insight_id: int) -> dict[str, Any]:
    insight = _insight(request, insight_id)
    policy.require(_user(request), "insight", "release", insight)
    return {"suggested_text": services.release_suggestion(insight)}


@insights_router.post(
    "/{insight_id}/release",
    response={200: InsightOut, **ERRORS},
    summary="Release to commercial with checked, de-identified wording",
)
def insight_release(request: HttpRequest, insight_id: int, payload: ReleaseIn) -> dict[str, Any]:
    row = services.insight_release(
        actor=_user(request),
        insight=_insight(request, insight_id),
        released_text=payload.released_text,
    )
    return insight_out(selectors.insight_get(user=_user(request), insight_id=row.pk))


@insights_router.post(
    "/{insight_id}/unrelease", response={200: InsightOut, **ERRORS}, summary="Withdraw a release"
)
def insight_unrelease(request: HttpRequest, insight_id: int, payload: ReasonIn) -> dict[str, Any]:
    row = services.insight_unrelease(
        actor=_user(request),
        insight=_insight(request, insight_id),
        reason=payload.reason,
    )
    return insight_out(selectors.insight_get(user=_user(request), insight_id=row.pk))


# Themes -----------------------------------------------------------------------------------


def readable_representatives(user: Any, themes: list[Theme]) -> set[int]:
    """A theme shows its representative insight's words only to who may read that insight."""
    ids = [t.representative_id for t in themes if t.representative_id]
    return selectors.readable_insight_ids(user=user, ids=ids)


def theme_out(t: Theme, readable: set[int]) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "key_terms": list(t.key_terms),
        "therapeutic_area": t.therapeutic_area.code,
        "product": t.product.name if t.product else None,
        "period_start": t.period_start,
        "period_end": t.period_end,
        "size": t.size,
        "trend": list(t.trend),
        "representative": (
            t.representative.text if t.representative_id in readable and t.representative else None
        ),
        "released": t.released_at is not None,
        "acted_on": getattr(t, "acted_on", 0),
    }


class ThemeFilters(Schema):
    therapeutic_area: str = ""
    product: str = ""
    period_start: date | None = None
    period_end: date | None = None


@themes_router.get("", response={200: list[ThemeOut], **ERRORS}, summary="Themes (medical)")
def theme_list(request: HttpRequest, filters: Query[ThemeFilters]) -> list[Any]:
    qs = selectors.themes_for(
        user=_user(request),
        therapeutic_area=filters.therapeutic_area,
        product=filters.product,
        period_start=filters.period_start,
        period_end=filters.period_end,
    )
    rows = list(qs[:500])
    readable = readable_representatives(_user(request), rows)
    return [theme_out(t, readable) for t in rows]


@themes_router.get(
    "/released",
    response={200: list[ReleasedThemeOut], **ERRORS},
    summary="Released themes with their released insights (the PM digest)",
)
def theme_released(request: HttpRequest, filters: Query[ThemeFilters]) -> list[Any]:
    return selectors.released_themes(
        user=_user(request),
        therapeutic_area=filters.therapeutic_area,
        product=filters.product,
        period_start=filters.period_start,
        period_end=filters.period_end,
    )


@themes_router.get("/{theme_id}", response={200: ThemeOut, **ERRORS}, summary="One theme")
def theme_detail(request: HttpRequest, theme_id: int) -> dict[str, Any]:
    return _theme_answer(request, theme_id)


def _theme_answer(request: HttpRequest, theme_id: int) -> dict[str, Any]:
    theme = selectors.theme_get(user=_user(request), theme_id=theme_id)
    return theme_out(theme, readable_representatives(_user(request), [theme]))


@themes_router.post("/{theme_id}/rename", response={200: ThemeOut, **ERRORS}, summary="Rename")
def theme_rename(request: HttpRequest, theme_id: int, payload: RenameIn) -> dict[str, Any]:
    theme = selectors.theme_get(user=_user(request), theme_id=theme_id)
    row = themes.theme_rename(actor=_user(request), theme=theme, name=payload.name)
    return _theme_answer(request, row.pk)


@themes_router.post(
    "/{theme_id}/merge", response={200: ThemeOut, **ERRORS}, summary="Merge into another theme"
)
def theme_merge(request: HttpRequest, theme_id: int, payload: ThemeMergeIn) -> dict[str, Any]:
    theme = selectors.theme_get(user=_user(request), theme_id=theme_id)
    into = selectors.theme_get(user=_user(request), theme_id=payload.into)
    row = themes.theme_merge(actor=_user(request), theme=theme, into=into)
    return _theme_answer(request, row.pk)


@themes_router.post(
    "/{theme_id}/split", response={201: ThemeOut, **ERRORS}, summary="Split insights off"
)
def theme_split(request: HttpRequest, theme_id: int, payload: SplitIn) -> tuple[int, Any]:
    theme = selectors.theme_get(user=_user(request), theme_id=theme_id)
    row = themes.theme_split(
        actor=_user(request),
        theme=theme,
        insight_ids=payload.insight_ids,
        name=payload.name,
    )
    return 201, _theme_answer(request, row.pk)


@themes_router.post(
    "/{theme_id}/release", response={200: ThemeOut, **ERRORS}, summary="Release to commercial"
)
def theme_release(request: HttpRequest, theme_id: int, payload: ThemeReleaseIn) -> dict[str, Any]:
    theme = selectors.theme_get(user=_user(request), theme_id=theme_id)
    row = themes.theme_release(actor=_user(request), theme=theme, summary=payload.summary)
    return _theme_answer(request, row.pk)


# Actions ----------------------------------------------------------------------------------


def action_out(a: InsightAction) -> dict[str, Any]:
    return {
        "id": a.pk,
        "decision": a.decision,
        "action": a.action,
        "owner": a.owner.username,
        "insight": a.insight_id,
        "theme": a.theme_id,
        "decided_at": a.decided_at,
        "due_on": a.due_on,
        "status": a.status,
        "done_at": a.done_at,
        "outcome": a.outcome,
    }


@actions_router.get("", response={200: list[ActionOut], **ERRORS}, summary="Insight actions")
def action_list(request: HttpRequest, open_only: bool = False) -> list[Any]:
    return [
        action_out(a) for a in selectors.actions_for(user=_user(request), open_only=open_only)[:500]
    ]


@actions_router.post("", response={201: ActionOut, **ERRORS}, summary="Record a decision")
def action_create(request: HttpRequest, payload: ActionIn) -> tuple[int, Any]:
    row = services.action_record(
        actor=_user(request),
        decision=payload.decision,
        action=payload.action,
        owner_id=payload.owner,
        insight_id=payload.insight,
        theme_id=payload.theme,
        due_on=payload.due_on,
    )
    return 201, action_out(row)


@actions_router.post(
    "/{action_id}/complete", response={200: ActionOut, **ERRORS}, summary="Mark done"
)
def action_complete(request: HttpRequest, action_id: int, payload: CompleteIn) -> dict[str, Any]:
    row = selectors.actions_for(user=_user(request)).filter(pk=action_id).first()
    if row is None:
        raise NotFound(f"No action with id {action_id}.")
    done = services.action_complete(actor=_user(request), action=row, outcome=payload.outcome)
    return action_out(done)


# PM questions -----------------------------------------------------------------------------


def released_answers_of(
    user: Any, questions: list[PmQuestion]
) -> dict[int, list[selectors.ReleasedInsight]]:
    """The released answers of the answered questions; the others have none to show yet."""
    answered = [q.pk for q in questions if q.status == PmQuestionStatus.ANSWERED]
    return selectors.released_answers(user=user, question_ids=answered)


def question_out(q: PmQuestion, user: Any) -> dict[str, Any]:
    return question_row(q, released_answers_of(user, [q]))


def question_row(
    q: PmQuestion, answers: dict[int, list[selectors.ReleasedInsight]]
) -> dict[str, Any]:
    return {
        "id": q.pk,
        "product": q.product.name,
        "text": q.text,
        "asked_by": q.asked_by.username,
        "asked_at": q.asked_at,
        "status": q.status,
        "routed_at": q.routed_at,
        "answer_summary": q.answer_summary,
        "answered_at": q.answered_at,
        "decline_reason": q.decline_reason,
        "answers": answers.get(q.pk, []),
    }


@questions_router.get("", response={200: list[PmQuestionOut], **ERRORS}, summary="PM questions")
def question_list(request: HttpRequest) -> list[Any]:
    rows = list(selectors.pm_questions_for(user=_user(request))[:200])
    answers = released_answers_of(_user(request), rows)
    return [question_row(q, answers) for q in rows]


@questions_router.post("", response={201: PmQuestionOut, **ERRORS}, summary="Ask medical")
def question_create(request: HttpRequest, payload: PmQuestionIn) -> tuple[int, Any]:
    q = services.pm_question_ask(actor=_user(request), product=payload.product, text=payload.text)
    return 201, question_out(q, _user(request))


def _question(request: HttpRequest, question_id: int) -> PmQuestion:
    return selectors.pm_question_get(user=_user(request), question_id=question_id)


@questions_router.get("/{question_id}", response={200: PmQuestionOut, **ERRORS}, summary="One")
def question_detail(request: HttpRequest, question_id: int) -> dict[str, Any]:
    return question_out(_question(request, question_id), _user(request))


@questions_router.post(
    "/{question_id}/route", response={200: PmQuestionOut, **ERRORS}, summary="Route to MSLs"
)
def question_route(request: HttpRequest, question_id: int, payload: RouteIn) -> dict[str, Any]:
    q = services.pm_question_route(
        actor=_user(request),
        question=_question(request, question_id),
        msl_ids=payload.msls,
        note=payload.note,
    )
    return question_out(q, _user(request))


@questions_router.post(
    "/{question_id}/answer",
    response={200: PmQuestionOut, **ERRORS},
    summary="Answer with a de-identified summary and released insights",
)
def question_answer(request: HttpRequest, question_id: int, payload: AnswerIn) -> dict[str, Any]:
    q = services.pm_question_answer(
        actor=_user(request),
        question=_question(request, question_id),
        summary=payload.summary,
        insight_ids=payload.insights,
    )
    return question_out(q, _user(request))


@questions_router.post(
    "/{question_id}/decline", response={200: PmQuestionOut, **ERRORS}, summary="Decline"
)
def question_decline(request: HttpRequest, question_id: int, payload: ReasonIn) -> dict[str, Any]:
    q = services.pm_question_decline(
        actor=_user(request),
        question=_question(request, question_id),
        reason=payload.reason,
    )
    return question_out(q, _user(request))


# Adverse events ---------------------------------------------------------------------------


def ae_out(r: AdverseEventReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "source_type": r.source_type,
        "source_id": r.source_id,
        "excerpt": r.excerpt,
        "harms": list(r.harms),
        "matched_terms": list(r.matched_terms),
        "product": r.product.name if r.product else None,
        "kol": {"id": r.kol.pk, "name": r.kol.display_name} if r.kol else None,
        "reporter": _who(r.reporter),
        "received_at": r.received_at,
        "due_at": r.due_at,
        "overdue": r.status == AeStatus.OPEN and r.due_at < timezone.now(),
        "needs_manual_review": r.needs_manual_review,
        "status": r.status,
        "forwarded_at": r.forwarded_at,
        "safety_case_id": r.safety_case_id,
        "closed_at": r.closed_at,
        "close_reason": r.close_reason,
    }


@ae_router.get("", response={200: list[AeOut], **ERRORS}, summary="The PV queue, due soonest first")
def ae_list(request: HttpRequest, status: AeStatus | None = AeStatus.OPEN) -> list[Any]:
    return [ae_out(r) for r in selectors.ae_queue(user=_user(request), status=status or "")[:500]]


@ae_router.get("/{report_id}", response={200: AeOut, **ERRORS}, summary="One report")
def ae_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    selectors.require_view(_user(request), "adverse_event")
    return ae_out(selectors.ae_get(user=_user(request), report_id=report_id))


@ae_router.post(
    "/{report_id}/forward",
    response={200: AeOut, **ERRORS},
    summary="Forward to the safety system (E2B-like export)",
)
def ae_forward(request: HttpRequest, report_id: int, payload: ForwardIn) -> dict[str, Any]:
    selectors.require_view(_user(request), "adverse_event")
    report = selectors.ae_get(user=_user(request), report_id=report_id)
    return ae_out(
        services.ae_forward(
            actor=_user(request), report=report, safety_case_id=payload.safety_case_id
        )
    )


@ae_router.post(
    "/{report_id}/close",
    response={200: AeOut, **ERRORS},
    summary="Close as not an adverse event (reason required)",
)
def ae_close(request: HttpRequest, report_id: int, payload: ReasonIn) -> dict[str, Any]:
    selectors.require_view(_user(request), "adverse_event")
    report = selectors.ae_get(user=_user(request), report_id=report_id)
    return ae_out(
        services.ae_close_not_ae(actor=_user(request), report=report, reason=payload.reason)
    )


@ae_router.get(
    "/{report_id}/export",
    response=ERRORS,
    summary="The E2B-like XML sent to the safety system",
    openapi_extra={
        "responses": {"200": {"description": "XML", "content": {"application/xml": {}}}}
    },
)
def ae_export(request: HttpRequest, report_id: int) -> FileResponse:
    selectors.require_view(_user(request), "adverse_event")
    report = selectors.ae_get(user=_user(request), report_id=report_id)
    if not report.export_file:
        raise NotFound("This report has not been forwarded; there is no export yet.")
    return FileResponse(
        default_storage.open(report.export_file.name, "rb"),
        as_attachment=True,
        filename=f"ae-{report.pk}.xml",
        content_type="application/xml",
    )
