"""The KOL pages: find a KOL, the KOL 360, and the small forms that add to a KOL's history.

Each view reads a form, calls one selector or service and renders the answer. What a person
may see or do is decided by the policy and the selectors; the views only turn their answers
into pages: a hidden KOL is a 404, a refused action a 403 naming the rule, a refused value an
error next to its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from kolbridge.core import policy
from kolbridge.core.audit_display import audit_rows_for
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.models import User
from kolbridge.kols import selectors, services
from kolbridge.kols.actions import kol_actions_for
from kolbridge.kols.forms import (
    ChannelPreferencesForm,
    KnowledgeForm,
    KolEditForm,
    KolForm,
    KolSearchForm,
    QuestionAnswerForm,
    QuestionForm,
    StageForm,
    moment,
)
from kolbridge.kols.models import Channel, Kol, Stage

AUDIT_ROWS_SHOWN = 50


class KolRequest(HttpRequest):
    """Every KOL page has a signed-in user: the sign-in middleware sends others away."""

    user: User
    htmx: HtmxDetails


def _kol_or_404(request: KolRequest, kol_id: int) -> Kol:
    try:
        return selectors.kol_get(user=request.user, kol_id=kol_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _forbidden(request: KolRequest, exc: Forbidden, kol: Kol | None = None) -> HttpResponse:
    return render(request, "kols/forbidden.html", {"message": exc.message, "kol": kol}, status=403)


def _show_invalid(
    form: forms.BaseForm, exc: Invalid, aliases: Mapping[str, str] | None = None
) -> None:
    """Put each value the service refused next to its field, or above the form."""
    for name, problems in exc.errors.items():
        field = (aliases or {}).get(name, name)
        if field in form.fields:
            form.add_error(field, problems)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, problems)
        else:
            label = name.replace("_", " ").capitalize()
            form.add_error(None, [f"{label}: {problem}" for problem in problems])


# The list


def _search_query(request: KolRequest) -> str:
    """The search as it stands in the address bar, without the page number or empty fields."""
    return urlencode({k: v for k, v in request.GET.items() if k != "page" and v})


def _list_context(request: KolRequest) -> dict[str, Any]:
    user = request.user
    form = KolSearchForm(request.GET, user=user, with_stage=policy.can(user, "kol_journey", "view"))
    # A filter with a bad value is shown next to its field and left out of the search.
    form.is_valid()
    kols = selectors.kol_search(user=user, **form.filters())
    page = Paginator(kols, settings.KOLBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"form": form, "page": page, "query": _search_query(request)}


def kol_list(request: KolRequest) -> HttpResponse:
    """Find a KOL by name, specialty or institution, with filters and pages."""
    return render(request, "kols/list.html", _list_context(request))


def kol_list_results(request: KolRequest) -> HttpResponse:
    """The results part of the list, which the search form swaps in as the person types."""
    query = _search_query(request)
    list_url = reverse("kols:list") + (f"?{query}" if query else "")
    if not request.htmx:
        return redirect(list_url)
    response = render(request, "kols/_list_results.html", _list_context(request))
    # The address bar follows the search, so a reload or a shared link shows the same list.
    return push_url(response, list_url)


# The KOL 360


@dataclass(frozen=True)
class JourneyStep:
    label: str
    state: str  # "done", "current" or "ahead"


def _journey_steps(current: str) -> list[JourneyStep]:
    position = Stage.values.index(current)
    states = ["done"] * position + ["current"] + ["ahead"] * (len(Stage.values) - position - 1)
    return [JourneyStep(label, state) for label, state in zip(Stage.labels, states, strict=True)]


def _next_stage(kol: Kol) -> str:
    """The stage the form offers first: the one after today's, as journeys mostly move on."""
    stages = Stage.values
    return stages[min(stages.index(kol.current_stage) + 1, len(stages) - 1)]


def _channel_labels(journey: selectors.Journey | None) -> list[str]:
    if journey is None or journey.channels is None:
        return []
    labels = dict(Channel.choices)
    return [labels.get(code, code) for code in journey.channels.channels]


def _detail_response(
    request: KolRequest,
    kol: Kol,
    bound: Mapping[str, forms.BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The KOL 360 page. ``bound`` holds a submitted form to show again with its errors."""
    user = request.user
    bound = bound or {}
    journey = selectors.kol_journey(user=user, kol=kol)
    open_questions = selectors.kol_open_questions(user=user, kol=kol)
    questions = None
    if open_questions is not None:
        questions = [
            (
                question,
                bound.get(QuestionAnswerForm.prefix_for(question.pk))
                or QuestionAnswerForm(prefix=QuestionAnswerForm.prefix_for(question.pk)),
            )
            for question in open_questions
        ]
    trail = audit_rows_for(user=user, object_type="kol", object_id=kol.pk, limit=AUDIT_ROWS_SHOWN)
    audit_rows, audit_count = trail if trail is not None else (None, None)
    context = {
        "kol": kol,
        "may_change": policy.can(user, "kol", "change", kol),
        "actions": kol_actions_for(user=user, kol=kol),
        "may_record": policy.can(user, "kol_journey", "record", kol),
        "may_add_question": policy.can(user, "kol_question", "create", kol),
        "may_answer": policy.can(user, "kol_question", "change", kol),
        "journey": journey,
        "steps": _journey_steps(journey.stage) if journey else None,
        "channel_labels": _channel_labels(journey),
        "questions": questions,
        "timeline": selectors.kol_timeline(user=user, kol=kol),
        "audit_rows": audit_rows,
        "audit_count": audit_count,
        "stage_form": bound.get("stage") or StageForm(initial={"stage": _next_stage(kol)}),
        "knowledge_form": bound.get("knowledge") or KnowledgeForm(user=user),
        "channels_form": bound.get("channels")
        or ChannelPreferencesForm(
            initial=ChannelPreferencesForm.initial_from(journey.channels if journey else None)
        ),
        "question_form": bound.get("question") or QuestionForm(user=user),
    }
    return render(request, "kols/detail.html", context, status=status)


def kol_detail(request: KolRequest, kol_id: int) -> HttpResponse:
    """The KOL 360: profile and, as far as the firewall allows, journey, questions and history."""
    return _detail_response(request, _kol_or_404(request, kol_id))


def _back_to(kol: Kol, section: str) -> HttpResponseRedirect:
    return redirect(f"{reverse('kols:detail', args=[kol.pk])}#{section}")


@require_POST
def kol_stage(request: KolRequest, kol_id: int) -> HttpResponse:
    """Record a learning-journey stage change."""
    kol = _kol_or_404(request, kol_id)
    form = StageForm(request.POST)
    try:
        # A refused role hears so whatever it typed.
        policy.require(request.user, "kol_journey", "record", kol)
        if form.is_valid():
            change = services.kol_stage_record(
                actor=request.user,
                kol=kol,
                stage=form.cleaned_data["stage"],
                at=moment(form.cleaned_data["changed_at"]),
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"Stage change recorded: {change.get_stage_display()}.")
            return _back_to(kol, "journey")
    except Forbidden as exc:
        return _forbidden(request, exc, kol)
    except Invalid as exc:
        _show_invalid(form, exc)
    return _detail_response(request, kol, {"stage": form}, status=422)


@require_POST
def kol_knowledge(request: KolRequest, kol_id: int) -> HttpResponse:
    """Record a knowledge level for one therapeutic area or product."""
    kol = _kol_or_404(request, kol_id)
    form = KnowledgeForm(request.POST, user=request.user)
    try:
        policy.require(request.user, "kol_journey", "record", kol)
        if form.is_valid():
            assessment = services.kol_knowledge_record(
                actor=request.user,
                kol=kol,
                level=form.cleaned_data["level"],
                at=moment(form.cleaned_data["assessed_at"]),
                note=form.cleaned_data["note"],
                **form.subject_arguments(),
            )
            messages.success(
                request,
                f"Knowledge recorded: {assessment.subject}, {assessment.get_level_display()}.",
            )
            return _back_to(kol, "knowledge")
    except Forbidden as exc:
        return _forbidden(request, exc, kol)
    except Invalid as exc:
        _show_invalid(form, exc, {"therapeutic_area": "subject", "product": "subject"})
    return _detail_response(request, kol, {"knowledge": form}, status=422)


@require_POST
def kol_channels(request: KolRequest, kol_id: int) -> HttpResponse:
    """Record channel preferences and e-mail consent."""
    kol = _kol_or_404(request, kol_id)
    form = ChannelPreferencesForm(request.POST)
    try:
        policy.require(request.user, "kol_journey", "record", kol)
        if form.is_valid():
            services.kol_channel_preferences_record(
                actor=request.user,
                kol=kol,
                channels=form.cleaned_data["channels"],
                email_consent=form.cleaned_data["email_consent"],
                preferred_times=form.cleaned_data["preferred_times"],
                at=moment(form.cleaned_data["effective_at"]),
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Channel preferences recorded.")
            return _back_to(kol, "channels")
    except Forbidden as exc:
        return _forbidden(request, exc, kol)
    except Invalid as exc:
        _show_invalid(form, exc)
    return _detail_response(request, kol, {"channels": form}, status=422)


@require_POST
def kol_question_add(request: KolRequest, kol_id: int) -> HttpResponse:
    """Log a scientific question the KOL asked."""
    kol = _kol_or_404(request, kol_id)
    form = QuestionForm(request.POST, user=request.user)
    try:
        policy.require(request.user, "kol_question", "create", kol)
        if form.is_valid():
            services.kol_question_add(
                actor=request.user,
                kol=kol,
                text=form.cleaned_data["text"],
                therapeutic_area_code=form.cleaned_data["therapeutic_area"] or None,
                asked_at=moment(form.cleaned_data["asked_at"]),
            )
            messages.success(request, "Question logged.")
            return _back_to(kol, "questions")
    except Forbidden as exc:
        return _forbidden(request, exc, kol)
    except Invalid as exc:
        _show_invalid(form, exc)
    return _detail_response(request, kol, {"question": form}, status=422)


@require_POST
def kol_question_update(request: KolRequest, kol_id: int, question_id: int) -> HttpResponse:
    """Mark a question answered, or open it again."""
    kol = _kol_or_404(request, kol_id)
    prefix = QuestionAnswerForm.prefix_for(question_id)
    form = QuestionAnswerForm(request.POST, prefix=prefix)
    try:
        question = selectors.kol_question_get(user=request.user, kol=kol, question_id=question_id)
        policy.require(request.user, "kol_question", "change", question)
        if form.is_valid():
            question = services.kol_question_update(
                actor=request.user,
                question=question,
                status=form.cleaned_data["status"],
                answer_summary=form.cleaned_data["answer_summary"],
                answered_at=moment(form.cleaned_data["answered_at"]),
            )
            messages.success(request, f"Question marked {question.get_status_display().lower()}.")
            return _back_to(kol, "questions")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return _forbidden(request, exc, kol)
    except Invalid as exc:
        _show_invalid(form, exc)
    return _detail_response(request, kol, {prefix: form}, status=422)


# Create and edit


def kol_create(request: KolRequest) -> HttpResponse:
    """Add a KOL profile."""
    try:
        policy.require(request.user, "kol", "create")
    except Forbidden as exc:
        return _forbidden(request, exc)
    form = KolForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            ids = {system: value for system, value in form.external_ids().items() if value}
            try:
                kol = services.kol_create(
                    actor=request.user,
                    territory_code=form.territory_code(),
                    therapeutic_area_codes=form.therapeutic_area_codes(),
                    external_ids=ids,
                    **form.profile(),
                )
            except Invalid as exc:
                _show_invalid(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, f"{kol.display_name} added.")
                return redirect("kols:detail", kol_id=kol.pk)
    return render(request, "kols/form.html", {"form": form, "kol": None}, status=status)


def kol_edit(request: KolRequest, kol_id: int) -> HttpResponse:
    """Change a KOL profile; refused if someone else changed it since the form was opened."""
    kol = _kol_or_404(request, kol_id)
    try:
        policy.require(request.user, "kol", "change", kol)
    except Forbidden as exc:
        return _forbidden(request, exc, kol)
    status = 200
    stale = False  # the person edited an older version than the stored one
    if request.method == "POST":
        form = KolEditForm(request.POST, user=request.user)
        status = 422
        if form.is_valid():
            try:
                services.kol_update(
                    actor=request.user,
                    kol=kol,
                    changes=form.changes(),
                    expected_version=form.cleaned_data["version"],
                )
            except Invalid as exc:
                _show_invalid(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status, stale = 409, form.cleaned_data["version"] != kol.version
            else:
                messages.success(request, f"{kol.display_name}'s profile saved.")
                return redirect("kols:detail", kol_id=kol.pk)
    else:
        form = KolEditForm(initial=KolEditForm.initial_for(kol), user=request.user)
    return render(
        request, "kols/form.html", {"form": form, "kol": kol, "stale": stale}, status=status
    )
