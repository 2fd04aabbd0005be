"""Insight pages: capture (on its own page, or in the meeting without leaving it), the list and
one insight, the medical lead's review queue and release with de-identified wording, themes,
actions taken, product managers' questions and their digest, and the pharmacovigilance queue.

Each view reads a form, calls one selector or service and renders the answer. What a person
may see or do is decided by the policy and the selectors; the views only turn their answers
into pages: a hidden record is a 404, a refused action a 403 page naming the rule, a refused
value an error next to its field (422; 409 when the record changed meanwhile). Forms sent by
htmx get the same answers as a part of the page, swapped in place (insights.js).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from kolbridge.core import policy
from kolbridge.core.audit_display import AuditRow, audit_rows_for
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.fieldtext import notices_of
from kolbridge.core.models import Role, User
from kolbridge.core.selectors import products_list, therapeutic_areas_list
from kolbridge.engagements.models import Inquiry, Interaction, InteractionStatus
from kolbridge.engagements.sections import InteractionSection
from kolbridge.engagements.selectors import interaction_get, team_members
from kolbridge.engagements.views import KolPicker
from kolbridge.insights import forms, selectors, services, themes
from kolbridge.insights.models import (
    AdverseEventReport,
    AeSource,
    AeStatus,
    Insight,
    InsightCategory,
    InsightStatus,
    PmQuestion,
    PmQuestionStatus,
    Theme,
    ThemeStatus,
)
from kolbridge.insights.tasks import default_since
from kolbridge.kols.selectors import kol_search

AUDIT_ROWS_SHOWN = 50
PICKER_SIZE = 20  # KOLs listed before the person searches, as on the meeting form
MERGE_CANDIDATES = 20  # insights offered as "duplicate of" for one insight
RELEASE_READY_SHOWN = 25
SPARK_WIDTH, SPARK_HEIGHT = 120, 28
# Service field names that the forms call differently.
FIELD_ALIASES = {
    "kol_ids": "kols",
    "insight_ids": "insights",
    "msl_ids": "msls",
}
# The people who may own what is done about an insight: medical staff.
OWNER_ROLES = (Role.MEDICAL_LEAD, Role.MSL, Role.REVIEWER)


class InsightsRequest(HttpRequest):
    """Every insight page has a signed-in user: the sign-in middleware sends others away."""

    user: User
    htmx: HtmxDetails


View = Callable[..., HttpResponseBase]


def _refusals_as_pages(view: View) -> View:
    """A record the person may not see is a 404; an action their role or the record's rules
    refuse is a 403 that names the rule (a page, or a message in place for htmx)."""

    @wraps(view)
    def wrapper(request: InsightsRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            template = "insights/_refusal.html" if request.htmx else "insights/forbidden.html"
            return render(request, template, {"message": exc.message}, status=403)

    return wrapper


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_invalid(form: django_forms.BaseForm, exc: Invalid) -> None:
    """Put each value the service refused next to its field, or above the form."""
    for name, problems in exc.errors.items():
        field = FIELD_ALIASES.get(name, name)
        if field in form.fields and not form.fields[field].widget.is_hidden:
            form.add_error(field, problems)
        else:
            # Services speak in whole sentences, so they read well above the form too.
            form.add_error(None, problems)


def _refused(form: django_forms.BaseForm, exc: Invalid | Conflict | Forbidden) -> int:
    """Show a service's refusal on the form and answer the status that fits it."""
    if isinstance(exc, Invalid):
        _show_invalid(form, exc)
        return 422
    form.add_error(None, exc.message)
    return 409 if isinstance(exc, Conflict) else 403


def _sentences(exc: Invalid | Conflict | Forbidden) -> str:
    """A refusal as one message, for steps that have no form to show it on."""
    if isinstance(exc, Invalid):
        return " ".join(problem for problems in exc.errors.values() for problem in problems)
    return exc.message


def _audit_rows(user: User, object_type: str, object_id: int) -> list[AuditRow] | None:
    trail = audit_rows_for(
        user=user, object_type=object_type, object_id=object_id, limit=AUDIT_ROWS_SHOWN
    )
    return None if trail is None else trail[0]


def _search_query(request: HttpRequest) -> str:
    """The search as it stands in the address bar, without the page number or empty fields."""
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])


def _page(request: HttpRequest, rows: Any) -> Page[Any]:
    return Paginator(rows, settings.KOLBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))


def _next_url(request: HttpRequest, default: str) -> str:
    """Where a form posted from several pages goes back to (only to this site)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _safety_messages(request: HttpRequest, record: Any) -> None:
    """What the adverse-event screening found in the text just saved, where the writer sees it."""
    for notice in notices_of(record):
        messages.warning(request, notice)


def _refusals_above(
    request: HttpRequest, context: Mapping[str, Any], bound: Mapping[str, django_forms.BaseForm]
) -> None:
    """A refused form the page no longer offers (someone else took the step meanwhile) has its
    reasons said above the page instead."""
    for key, form in bound.items():
        if context.get(f"{key}_form") is not form:
            for problems in form.errors.values():
                for problem in problems:
                    messages.error(request, str(problem))


def _owners() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=OWNER_ROLES).order_by(
        "first_name", "last_name", "username"
    )


# Charts: a small trend as an inline SVG, always shown beside its numbers ----------------------


@dataclass(frozen=True)
class Trend:
    """Insights per month: the points of a sparkline and the rows of its table."""

    months: list[tuple[str, int]]
    points: str
    peak: int
    last_x: float
    last_y: float

    @property
    def total(self) -> int:
        return sum(count for _, count in self.months)


def trend_of(rows: Iterable[Sequence[Any]]) -> Trend:
    months = [(str(month), int(count)) for month, count in rows]
    peak = max((count for _, count in months), default=0)
    step = SPARK_WIDTH / max(len(months) - 1, 1)
    pad = 3
    coords = [
        (
            round(i * step if len(months) > 1 else SPARK_WIDTH / 2, 1),
            round(SPARK_HEIGHT - pad - (count / peak if peak else 0) * (SPARK_HEIGHT - 2 * pad), 1),
        )
        for i, (_, count) in enumerate(months)
    ]
    last_x, last_y = coords[-1] if coords else (0.0, float(SPARK_HEIGHT))
    return Trend(months, " ".join(f"{x},{y}" for x, y in coords), peak, last_x, last_y)


# Capture --------------------------------------------------------------------------------------


def _capture_form(
    user: User, data: Any = None, *, initial: Mapping[str, Any] | None = None, kols: Any = None
) -> forms.InsightForm:
    return forms.InsightForm(
        data,
        kols=kol_search(user=user) if kols is None else kols,
        areas=therapeutic_areas_list(user=user),
        # Names and areas are all the form shows: no need for the products' indications.
        products=products_list(user=user).prefetch_related(None),
        initial=initial,
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _chosen(form: forms.InsightForm) -> set[int]:
    """The KOLs ticked in the form (its start, or what was posted)."""
    value = form["kols"].value() or []
    return set(_ids([str(v) for v in (value if isinstance(value, list | tuple) else [value])]))


def _kol_picker(user: User, form: forms.InsightForm) -> KolPicker:
    """The KOLs ticked first, then those of the person's territory (the search finds others)."""
    field = form["kols"]
    chosen = sorted(_chosen(form))
    visible = kol_search(user=user)
    rows = list(visible.filter(pk__in=chosen)) if chosen else []
    territory = user.territory.code if user.territory_id else None  # type: ignore[union-attr]
    nearby = kol_search(user=user, territory=territory).exclude(pk__in=chosen)
    page = list(nearby[: PICKER_SIZE + 1])
    rows += page[:PICKER_SIZE]
    options = [(k.pk, f"{k.display_name} — {k.specialty}, {k.institution}") for k in rows]
    return KolPicker(field, options, set(chosen), len(page) > PICKER_SIZE, True)


def _capture_start(
    user: User, interaction: Interaction | None, question: PmQuestion | None, kol_ids: list[int]
) -> dict[str, Any]:
    """What the capture form starts with: the meeting's HCPs, area and product, or the
    question's product."""
    initial: dict[str, Any] = {"kols": kol_ids}
    if len(kol_ids) == 1:
        # From a KOL's page: their one therapeutic area, if they have just one.
        kol = kol_search(user=user).filter(pk=kol_ids[0]).first()
        areas = [a.code for a in kol.therapeutic_areas.all()] if kol else []
        if len(areas) == 1:
            initial["therapeutic_area"] = areas[0]
    if interaction is not None:
        initial["interaction"] = interaction.pk
        initial["kols"] = [k.pk for k in interaction.kols.all()]
        products = list(interaction.products.all())
        if interaction.therapeutic_area_id:
            initial["therapeutic_area"] = interaction.therapeutic_area.code  # type: ignore[union-attr]
        if len(products) == 1:
            initial["product"] = products[0].name
    if question is not None:
        initial["pm_question"] = question.pk
        initial["product"] = question.product.name
        initial["therapeutic_area"] = question.product.therapeutic_area.code
    return initial


def _captured_message(insight: Insight) -> str:
    what = "Answer captured" if insight.pm_question_id else "Insight captured"
    return f"{what} (#{insight.pk}); it waits for medical review."


def _capture_panel(
    user: User,
    interaction: Interaction,
    form: forms.InsightForm | None = None,
    saved: Insight | None = None,
) -> dict[str, Any]:
    """The meeting page's insight part: what was captured in it and a fresh (or refused) form."""
    attendees = interaction.kols.all()
    if form is None:
        form = _capture_form(
            user, initial=_capture_start(user, interaction, None, []), kols=attendees
        )
    return {
        "interaction": interaction,
        "form": form,
        "attendees": attendees,
        "chosen": _chosen(form),
        "saved": saved,
        "notices": notices_of(saved) if saved else [],
        "captured": list(selectors.insight_search(user=user, interaction_id=interaction.pk)[:50]),
        "several_kols": len(attendees) > 1,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@_refusals_as_pages
def insight_new(request: InsightsRequest) -> HttpResponse:
    """Capture an insight: on its own page (from a KOL, a meeting or a PM question), or in the
    meeting page's small form, which is ready again for the next one once saved (htmx)."""
    user = request.user
    policy.require(user, "insight", "create")
    source = request.POST if request.method == "POST" else request.GET
    interaction_id = _ids([source.get("interaction", "")])
    question_id = _ids([source.get("pm_question", "") or source.get("question", "")])
    interaction = (
        interaction_get(user=user, interaction_id=interaction_id[0]) if interaction_id else None
    )
    question = (
        selectors.pm_question_get(user=user, question_id=question_id[0]) if question_id else None
    )
    in_meeting = bool(request.htmx) and interaction is not None
    attendees = interaction.kols.all() if interaction is not None else None
    form = _capture_form(
        user,
        _posted(request),
        initial=_capture_start(user, interaction, question, _ids(request.GET.getlist("kol"))),
        kols=attendees,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                insight = services.insight_capture(actor=user, **form.capture_arguments())
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                if in_meeting and interaction is not None:
                    return render(
                        request,
                        "insights/_capture_panel.html",
                        _capture_panel(user, interaction, saved=insight),
                    )
                messages.success(request, _captured_message(insight))
                _safety_messages(request, insight)
                if interaction is not None:
                    return redirect(
                        reverse("engagements:interaction_detail", args=[interaction.pk])
                        + "#insights"
                    )
                if question is not None:
                    return redirect("insights:question_detail", question.pk)
                return redirect("insights:insight_detail", insight.pk)
        if in_meeting and interaction is not None:
            return render(
                request,
                "insights/_capture_panel.html",
                _capture_panel(user, interaction, form=form),
                status=status,
            )
    context = {
        "form": form,
        "picker": None if interaction else _kol_picker(user, form),
        "several_kols": attendees is not None and len(attendees) > 1,
        "attendees": attendees,
        "chosen": _chosen(form),
        "interaction": interaction,
        "question": question,
    }
    return render(request, "insights/insight_form.html", context, status=status)


def interaction_insight_section(user: Any, interaction: Any) -> InteractionSection | None:
    """The meeting page's "Insights" card: the insights captured in this meeting and one small
    form to capture the next without leaving the page."""
    if not policy.can(user, "insight", "create") or interaction.status == (
        InteractionStatus.CANCELLED
    ):
        return None
    html = render_to_string("insights/_interaction_section.html", _capture_panel(user, interaction))
    return InteractionSection("insights", "Insights from this meeting", SafeString(html))


# Finding insights -----------------------------------------------------------------------------


def _insight_search_context(request: InsightsRequest) -> dict[str, Any]:
    user = request.user
    form = forms.InsightSearchForm(
        request.GET, areas=therapeutic_areas_list(user=user), products=products_list(user=user)
    )
    # A filter with a bad value is shown next to its field and left out of the search.
    form.is_valid()
    rows = selectors.insight_search(user=user, **form.filters())
    return {"form": form, "page": _page(request, rows), "query": _search_query(request)}


@require_safe
@_refusals_as_pages
def insight_list(request: InsightsRequest) -> HttpResponse:
    """Insights medical may see, filtered; the results swap in as the person types (htmx)."""
    selectors.require_view(request.user, "insight")
    context = _insight_search_context(request)
    if request.htmx and request.htmx.target == "insight-results":
        response = render(request, "insights/_insight_results.html", context)
        query = context["query"]
        return push_url(response, reverse("insights:insight_list") + (f"?{query}" if query else ""))
    return render(request, "insights/insight_list.html", context)


def _insight(user: User, insight_id: int) -> Insight:
    selectors.require_view(user, "insight")
    return selectors.insight_get(user=user, insight_id=insight_id)


def _merge_candidates(user: User, rows: Sequence[Insight]) -> dict[int, list[Insight]]:
    """For each insight, the others it may repeat: new or accepted, same area and product,
    newest first (one query for the whole list)."""
    if not rows:
        return {}
    pool = (
        selectors.insights_visible(user=user)
        .filter(
            status__in=(InsightStatus.NEW, InsightStatus.ACCEPTED),
            therapeutic_area_id__in={r.therapeutic_area_id for r in rows},
        )
        .only("pk", "text", "therapeutic_area_id", "product_id")
        .order_by("-captured_at", "-id")[:500]
    )
    by_group: dict[tuple[int, int | None], list[Insight]] = defaultdict(list)
    for other in pool:
        by_group[(other.therapeutic_area_id, other.product_id)].append(other)
    return {
        r.pk: [o for o in by_group[(r.therapeutic_area_id, r.product_id)] if o.pk != r.pk][
            :MERGE_CANDIDATES
        ]
        for r in rows
    }


def _ae_reports_of(user: User, source_type: str, source_id: int) -> list[AdverseEventReport] | None:
    """The adverse-event reports a record gave rise to, for those who may see them."""
    if not policy.can(user, "adverse_event", "view"):
        return None
    return list(
        selectors.ae_queue(user=user, status="").filter(
            source_type=source_type, source_id=source_id
        )
    )


def _detail_response(
    request: InsightsRequest,
    insight: Insight,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """One insight with what may be done with it. ``bound`` holds a submitted form to show
    again with its errors."""
    user = request.user
    bound = bound or {}
    may_review = (
        policy.can(user, "insight", "review", insight) and insight.status == InsightStatus.NEW
    )
    context: dict[str, Any] = {
        "insight": insight,
        "may_see_interaction": insight.interaction_id is not None
        and policy.can(user, "interaction", "view", insight.interaction),
        "kols": list(insight.kols.all()),
        "merged_duplicates": list(insight.merged_duplicates.all()),
        "themes": [m.theme for m in insight.memberships.select_related("theme")]
        if policy.can(user, "theme", "view")
        else [],
        "actions": list(insight.actions.all()),
        "ae_reports": _ae_reports_of(user, AeSource.INSIGHT, insight.pk),
        "audit_rows": _audit_rows(user, "insight", insight.pk),
        "may_release": policy.can(user, "insight", "release", insight)
        and insight.status == InsightStatus.ACCEPTED
        and insight.category != InsightCategory.SAFETY,
    }
    if may_review:
        context["review_form"] = bound.get("review") or forms.ReviewForm(insight=insight)
        context["merge_form"] = bound.get("merge") or forms.MergeForm(
            insight=insight, candidates=_merge_candidates(user, [insight])[insight.pk]
        )
    if policy.can(user, "insight", "change", insight) and insight.status == InsightStatus.NEW:
        context["edit_form"] = bound.get("edit") or forms.InsightEditForm(
            initial={
                "text": insight.text,
                "category": insight.category,
                "tags": ", ".join(insight.tags),
                "version": insight.version,
            }
        )
    if insight.released_at and policy.can(user, "insight", "release", insight):
        context["unrelease_form"] = bound.get("unrelease") or forms.ReasonForm(
            label="Why withdraw the release?", auto_id="unrelease_%s"
        )
    if "action" in bound:
        context["action_form"] = bound["action"]
    elif policy.can(user, "insight_action", "create") and insight.status == InsightStatus.ACCEPTED:
        context["action_form"] = forms.ActionForm(
            owners=_owners(), initial={"insight": insight.pk, "owner": user.pk}
        )
    _refusals_above(request, context, bound)
    return render(request, "insights/insight_detail.html", context, status=status)


@require_safe
@_refusals_as_pages
def insight_detail(request: InsightsRequest, pk: int) -> HttpResponse:
    """One insight for medical: who, what and where; its review, release, themes, what was done
    about it and the adverse-event reports it gave rise to."""
    return _detail_response(request, _insight(request.user, pk))


@require_POST
@_refusals_as_pages
def insight_edit(request: InsightsRequest, pk: int) -> HttpResponse:
    """The MSL corrects their own insight before it is reviewed."""
    user = request.user
    row = _insight(user, pk)
    policy.require(user, "insight", "change", row)
    form = forms.InsightEditForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.insight_edit(
                actor=user,
                insight=row,
                text=data["text"],
                category=data["category"],
                tags=forms.tags_of(data["tags"]),
                expected_version=data["version"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Insight corrected.")
            _safety_messages(request, saved)
            return redirect("insights:insight_detail", row.pk)
    return _detail_response(request, row, {"edit": form}, status)


# Review ---------------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    """One insight in the review queue: its forms, or what the lead just did with it."""

    insight: Insight
    review_form: forms.ReviewForm | None
    merge_form: forms.MergeForm | None
    done: str = ""


def _review_row(
    user: User, insight: Insight, candidates: list[Insight] | None = None, **bound: Any
) -> ReviewRow:
    if candidates is None:
        candidates = _merge_candidates(user, [insight])[insight.pk]
    return ReviewRow(
        insight,
        bound.get("review") or forms.ReviewForm(insight=insight),
        bound.get("merge") or forms.MergeForm(insight=insight, candidates=candidates),
    )


@require_safe
@_refusals_as_pages
def review_queue(request: InsightsRequest) -> HttpResponse:
    """The medical lead's queue: new insights of the team, oldest first, to accept (reworded if
    need be), reject or merge; then the accepted ones waiting to be released."""
    user = request.user
    page = _page(request, selectors.review_queue(user=user))
    rows = list(page.object_list)
    candidates = _merge_candidates(user, rows)
    ready = (
        selectors.insight_search(user=user, status=InsightStatus.ACCEPTED)
        .filter(released_at__isnull=True)
        .exclude(category=InsightCategory.SAFETY)
    )
    context = {
        "page": page,
        "rows": [_review_row(user, r, candidates[r.pk]) for r in rows],
        "ready": list(ready[:RELEASE_READY_SHOWN]),
        "ready_count": ready.count(),
    }
    return render(request, "insights/review_queue.html", context)


def _review_answer(
    request: InsightsRequest, row: ReviewRow, status: int, done_message: str
) -> HttpResponse:
    """After a review step: the queue's row in place (htmx), else the page it came from."""
    if request.htmx:
        row.done = done_message if status == 200 else ""
        return render(request, "insights/_review_row.html", {"row": row}, status=status)
    if status == 200:
        messages.success(request, done_message)
        return redirect(
            _next_url(request, reverse("insights:insight_detail", args=[row.insight.pk]))
        )
    bound = {k: v for k, v in (("review", row.review_form), ("merge", row.merge_form)) if v}
    return _detail_response(request, row.insight, bound, status)


@require_POST
@_refusals_as_pages
def insight_review(request: InsightsRequest, pk: int) -> HttpResponse:
    """Accept (optionally reworded) or reject (with a note) a new insight."""
    user = request.user
    insight = _insight(user, pk)
    policy.require(user, "insight", "review", insight)
    form = forms.ReviewForm(request.POST, insight=insight)
    status, done = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        accept = data["decision"] == "accept"
        try:
            insight = services.insight_review(
                actor=user,
                insight=insight,
                decision=data["decision"],
                note=data["note"],
                text=data["text"] if accept else None,
                expected_version=data["version"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            status = 200
            done = "Accepted." if accept else "Rejected; the MSL sees your note."
    return _review_answer(request, _review_row(user, insight, review=form), status, done)


@require_POST
@_refusals_as_pages
def insight_merge(request: InsightsRequest, pk: int) -> HttpResponse:
    """Merge a duplicate into the insight it repeats (its KOLs join the kept one)."""
    user = request.user
    duplicate = _insight(user, pk)
    policy.require(user, "insight", "review", duplicate)
    candidates = _merge_candidates(user, [duplicate])[duplicate.pk]
    form = forms.MergeForm(request.POST, insight=duplicate, candidates=candidates)
    status, done = 422, ""
    if form.is_valid():
        try:
            into = _insight(user, form.cleaned_data["into"])
            kept = services.insight_merge(
                actor=user, duplicate=duplicate, into=into, note=form.cleaned_data["note"]
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            status, done = 200, f"Merged into #{kept.pk}."
            duplicate.refresh_from_db()
    return _review_answer(
        request, _review_row(user, duplicate, candidates, merge=form), status, done
    )


@require_http_methods(["GET", "HEAD", "POST"])
@_refusals_as_pages
def insight_release(request: InsightsRequest, pk: int) -> HttpResponse:
    """Release an accepted insight to commercial. The page starts from the automatic
    de-identification for the lead to check; a wording that still names someone is refused."""
    user = request.user
    insight = _insight(user, pk)
    policy.require(user, "insight", "release", insight)
    form = forms.ReleaseForm(
        _posted(request),
        initial={"released_text": insight.released_text or services.release_suggestion(insight)},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.insight_release(
                    actor=user, insight=insight, released_text=form.cleaned_data["released_text"]
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "Released to commercial in this wording.")
                return redirect("insights:insight_detail", insight.pk)
    return render(
        request, "insights/release.html", {"insight": insight, "form": form}, status=status
    )


@require_POST
@_refusals_as_pages
def insight_unrelease(request: InsightsRequest, pk: int) -> HttpResponse:
    """Take a released insight back from commercial, saying why."""
    user = request.user
    insight = _insight(user, pk)
    policy.require(user, "insight", "release", insight)
    form = forms.ReasonForm(request.POST, label="Why withdraw the release?", auto_id="unrelease_%s")
    status = 422
    if form.is_valid():
        try:
            services.insight_unrelease(
                actor=user, insight=insight, reason=form.cleaned_data["reason"]
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Release withdrawn: commercial no longer sees it.")
            return redirect("insights:insight_detail", insight.pk)
    return _detail_response(request, insight, {"unrelease": form}, status)


# Themes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRow:
    theme: Theme
    trend: Trend
    group: str


def _theme_rows(rows: Iterable[Theme]) -> list[ThemeRow]:
    return [
        ThemeRow(
            t,
            trend_of(t.trend),
            f"{t.therapeutic_area.name} · {t.product.name if t.product else 'No product'} · "
            f"{themes.period_label(t.period_start, t.period_end)}",
        )
        for t in rows
    ]


@require_safe
@_refusals_as_pages
def theme_list(request: InsightsRequest) -> HttpResponse:
    """Themes per area, product and period: size, key terms, trend, a representative insight."""
    user = request.user
    periods = (
        selectors.themes_for(user=user)
        .order_by("-period_start", "period_end")
        .values_list("period_start", "period_end")
        .distinct()
    )
    form = forms.ThemeFilterForm(
        request.GET,
        areas=therapeutic_areas_list(user=user),
        products=products_list(user=user),
        periods=list(periods),
    )
    form.is_valid()
    start, end = form.chosen_period()
    data = getattr(form, "cleaned_data", {})
    rows = selectors.themes_for(
        user=user,
        therapeutic_area=data.get("therapeutic_area") or "",
        product=data.get("product") or "",
        period_start=start,
        period_end=end,
    ).order_by("-period_start", "therapeutic_area__name", "product__name", "-size", "id")
    page = _page(request, rows)
    context = {
        "form": form,
        "page": page,
        "rows": _theme_rows(page.object_list),
        "query": _search_query(request),
        "regroup_form": forms.RegroupForm(areas=therapeutic_areas_list(user=user))
        if policy.can(user, "theme", "change")
        else None,
    }
    return render(request, "insights/theme_list.html", context)


@require_POST
@_refusals_as_pages
def theme_regroup(request: InsightsRequest) -> HttpResponse:
    """Group the current and last period's insights into themes again now, keeping the leads'
    names, merges and splits."""
    user = request.user
    policy.require(user, "theme", "change")
    form = forms.RegroupForm(request.POST, areas=therapeutic_areas_list(user=user))
    if not form.is_valid():
        messages.error(request, "Choose a therapeutic area from the list.")
        return redirect("insights:theme_list")
    try:
        results = themes.theme_regroup_all(
            actor=user,
            area=form.cleaned_data["therapeutic_area"] or None,
            since=default_since(timezone.localdate(), "quarter"),
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, _sentences(exc))
    else:
        changed = sum(1 for r in results if r.changed)
        count = sum(len(r.themes) for r in results)
        messages.success(
            request,
            f"Regrouped {len(results)} group{'s' if len(results) != 1 else ''} "
            f"({changed} changed): {count} theme{'s' if count != 1 else ''}.",
        )
    return redirect("insights:theme_list")


def _theme(user: User, theme_id: int) -> Theme:
    return selectors.theme_get(user=user, theme_id=theme_id)


def _theme_response(
    request: InsightsRequest,
    theme: Theme,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    members = list(theme.memberships.all())
    context: dict[str, Any] = {
        "theme": theme,
        "trend": trend_of(theme.trend),
        "period": themes.period_label(theme.period_start, theme.period_end),
        "members": members,
        "actions": list(theme.actions.all()),
        "audit_rows": _audit_rows(user, "theme", theme.pk),
    }
    active = theme.status == ThemeStatus.ACTIVE
    if active and policy.can(user, "theme", "change", theme):
        others = list(
            selectors.themes_for(user=user)
            .filter(
                therapeutic_area=theme.therapeutic_area,
                product=theme.product,
                period_start=theme.period_start,
                period_end=theme.period_end,
            )
            .exclude(pk=theme.pk)
            .order_by("-size", "id")
        )
        context["rename_form"] = bound.get("rename") or forms.ThemeRenameForm(
            initial={"name": theme.name}
        )
        context["merge_form"] = bound.get("merge") or forms.ThemeMergeForm(others=others)
        context["split_form"] = bound.get("split") or forms.ThemeSplitForm(
            members=[m.insight for m in members]
        )
    if active and policy.can(user, "theme", "release", theme):
        context["release_form"] = bound.get("release") or forms.ThemeReleaseForm(
            initial={"summary": theme.released_summary}
        )
    if "action" in bound:
        context["action_form"] = bound["action"]
    elif active and policy.can(user, "insight_action", "create"):
        context["action_form"] = forms.ActionForm(
            owners=_owners(), initial={"theme": theme.pk, "owner": user.pk}
        )
    _refusals_above(request, context, bound)
    return render(request, "insights/theme_detail.html", context, status=status)


@require_safe
@_refusals_as_pages
def theme_detail(request: InsightsRequest, pk: int) -> HttpResponse:
    """One theme with its insights; a medical lead renames, merges, splits and releases it."""
    return _theme_response(request, _theme(request.user, pk))


@require_POST
@_refusals_as_pages
def theme_rename(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    theme = _theme(user, pk)
    policy.require(user, "theme", "change", theme)
    form = forms.ThemeRenameForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            themes.theme_rename(actor=user, theme=theme, name=form.cleaned_data["name"])
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Theme renamed; the next grouping keeps the name.")
            return redirect("insights:theme_detail", theme.pk)
    return _theme_response(request, theme, {"rename": form}, status)


@require_POST
@_refusals_as_pages
def theme_merge(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    theme = _theme(user, pk)
    policy.require(user, "theme", "change", theme)
    others = list(
        selectors.themes_for(user=user)
        .filter(
            therapeutic_area=theme.therapeutic_area,
            product=theme.product,
            period_start=theme.period_start,
            period_end=theme.period_end,
        )
        .exclude(pk=theme.pk)
    )
    form = forms.ThemeMergeForm(request.POST, others=others)
    status = 422
    if form.is_valid():
        try:
            into = _theme(user, form.cleaned_data["into"])
            target = themes.theme_merge(actor=user, theme=theme, into=into)
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"Merged “{theme.name}” into this theme.")
            return redirect("insights:theme_detail", target.pk)
    return _theme_response(request, theme, {"merge": form}, status)


@require_POST
@_refusals_as_pages
def theme_split(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    theme = _theme(user, pk)
    policy.require(user, "theme", "change", theme)
    form = forms.ThemeSplitForm(request.POST, members=[m.insight for m in theme.memberships.all()])
    status = 422
    if form.is_valid():
        try:
            new = themes.theme_split(
                actor=user,
                theme=theme,
                insight_ids=form.cleaned_data["insights"],
                name=form.cleaned_data["name"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"Split: “{new.name}” is a theme of its own.")
            return redirect("insights:theme_detail", new.pk)
    return _theme_response(request, theme, {"split": form}, status)


@require_POST
@_refusals_as_pages
def theme_release(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    theme = _theme(user, pk)
    policy.require(user, "theme", "release", theme)
    form = forms.ThemeReleaseForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            themes.theme_release(actor=user, theme=theme, summary=form.cleaned_data["summary"])
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Theme released to commercial with this summary.")
            return redirect("insights:theme_detail", theme.pk)
    return _theme_response(request, theme, {"release": form}, status)


# Actions --------------------------------------------------------------------------------------


@require_safe
@_refusals_as_pages
def action_list(request: InsightsRequest) -> HttpResponse:
    """What was decided about insights and themes, who owns it, and what is done."""
    user = request.user
    open_only = request.GET.get("status", "open") == "open"
    page = _page(request, selectors.actions_for(user=user, open_only=open_only))
    may_complete = policy.can(user, "insight_action", "change")
    context = {
        "page": page,
        "open_only": open_only,
        "query": _search_query(request),
        "rows": [
            (
                a,
                forms.ActionDoneForm(action_id=a.pk)
                if may_complete and a.status == "open"
                else None,
            )
            for a in page.object_list
        ],
    }
    return render(request, "insights/action_list.html", context)


@require_POST
@_refusals_as_pages
def action_create(request: InsightsRequest) -> HttpResponse:
    """Record a decision, its owner and the action on an accepted insight or a theme."""
    user = request.user
    policy.require(user, "insight_action", "create")
    form = forms.ActionForm(request.POST, owners=_owners())
    insight_id, theme_id = request.POST.get("insight", ""), request.POST.get("theme", "")
    insight = _insight(user, int(insight_id)) if insight_id.isdigit() else None
    theme = _theme(user, int(theme_id)) if theme_id.isdigit() and insight is None else None
    if insight is None and theme is None:
        raise Http404("No insight or theme to act on.")
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_record(
                actor=user,
                decision=data["decision"],
                action=data["action"],
                owner_id=data["owner"].pk,
                insight_id=insight.pk if insight else None,
                theme_id=theme.pk if theme else None,
                due_on=data["due_on"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Action recorded; the MSLs behind it see it on My work.")
            if insight is not None:
                return redirect(reverse("insights:insight_detail", args=[insight.pk]) + "#actions")
            return redirect(reverse("insights:theme_detail", args=[theme.pk]) + "#actions")  # type: ignore[union-attr]
    if insight is not None:
        return _detail_response(request, insight, {"action": form}, status)
    return _theme_response(request, theme, {"action": form}, status)  # type: ignore[arg-type]


@require_POST
@_refusals_as_pages
def action_done(request: InsightsRequest, pk: int) -> HttpResponse:
    """Mark an action done, saying what was done."""
    user = request.user
    action = selectors.actions_for(user=user).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action.")
    form = forms.ActionDoneForm(request.POST, action_id=action.pk)
    back = _next_url(request, reverse("insights:action_list"))
    if form.is_valid():
        try:
            services.action_complete(
                actor=user, action=action, outcome=form.cleaned_data["outcome"]
            )
        except (Invalid, Conflict, Forbidden) as exc:
            messages.error(request, _sentences(exc))
        else:
            messages.success(request, f"Action “{action.action[:60]}” marked done.")
    return redirect(back)


# The PM feedback loop -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@_refusals_as_pages
def question_list(request: InsightsRequest) -> HttpResponse:
    """A product manager's questions to medical (and the form to ask one); a medical lead's
    questions to route and answer; an MSL's questions routed to them."""
    user = request.user
    may_ask = policy.can(user, "pm_question", "create")
    ask_form = forms.QuestionForm(_posted(request), products=products_list(user=user))
    status = 200
    if request.method == "POST":
        policy.require(user, "pm_question", "create")
        status = 422
        if ask_form.is_valid():
            try:
                question = services.pm_question_ask(
                    actor=user,
                    product=ask_form.cleaned_data["product"],
                    text=ask_form.cleaned_data["text"],
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(ask_form, exc)
            else:
                messages.success(request, "Question sent to medical. You will see the answer here.")
                return redirect("insights:question_detail", question.pk)
    wanted = request.GET.get("status", "")
    rows = selectors.pm_questions_for(
        user=user, status=wanted if wanted in PmQuestionStatus.values else ""
    )
    context = {
        "page": _page(request, rows),
        "ask_form": ask_form if may_ask else None,
        "status": wanted,
        "query": _search_query(request),
        "statuses": PmQuestionStatus.choices,
        "medical": policy.can(user, "insight", "view"),
    }
    return render(request, "insights/question_list.html", context, status=status)


def _question(user: User, question_id: int) -> PmQuestion:
    return selectors.pm_question_get(user=user, question_id=question_id)


def _question_response(
    request: InsightsRequest,
    question: PmQuestion,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The question as each role may see it: the product manager the released, de-identified
    answer; medical the field's answers (identifiable) and the steps they may take."""
    user = request.user
    bound = bound or {}
    medical = policy.can(user, "insight", "view")
    context: dict[str, Any] = {
        "question": question,
        "medical": medical,
        "released": selectors.released_insights(user=user, pm_question_id=question.pk)
        if question.status == PmQuestionStatus.ANSWERED
        and policy.can(user, "released_insight", "view")
        else [],
        "may_answer_in_field": question.status == PmQuestionStatus.ROUTED
        and policy.can(user, "insight", "create")
        and user.role == Role.MSL,
    }
    if medical:
        answers = list(selectors.question_answers(user=user, question=question))
        context["answers"] = answers
        context["routed_to"] = list(question.routed_to.all())
        open_question = question.status in (PmQuestionStatus.ASKED, PmQuestionStatus.ROUTED)
        if open_question and policy.can(user, "pm_question", "route", question):
            context["route_form"] = bound.get("route") or forms.RouteForm(
                msls=team_members(user=user).filter(role=Role.MSL),
                initial={"msls": [u.pk for u in context["routed_to"]]},
            )
        if open_question and policy.can(user, "pm_question", "answer", question):
            if question.status == PmQuestionStatus.ROUTED:
                context["answer_form"] = bound.get("answer") or forms.AnswerForm(
                    released=[a for a in answers if a.released_at]
                )
            context["decline_form"] = bound.get("decline") or forms.ReasonForm(
                label="Why medical cannot answer", auto_id="decline_%s"
            )
        context["may_release"] = policy.can(user, "insight", "release")
    _refusals_above(request, context, bound)
    return render(request, "insights/question_detail.html", context, status=status)


@require_safe
@_refusals_as_pages
def question_detail(request: InsightsRequest, pk: int) -> HttpResponse:
    return _question_response(request, _question(request.user, pk))


@require_POST
@_refusals_as_pages
def question_route(request: InsightsRequest, pk: int) -> HttpResponse:
    """A medical lead sends the question to MSLs of the team, who answer with insights."""
    user = request.user
    question = _question(user, pk)
    policy.require(user, "pm_question", "route", question)
    form = forms.RouteForm(request.POST, msls=team_members(user=user).filter(role=Role.MSL))
    status = 422
    if form.is_valid():
        try:
            services.pm_question_route(
                actor=user,
                question=question,
                msl_ids=form.cleaned_data["msls"],
                note=form.cleaned_data["note"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Routed: the MSLs see the question on their My work.")
            return redirect("insights:question_detail", question.pk)
    return _question_response(request, question, {"route": form}, status)


@require_POST
@_refusals_as_pages
def question_answer(request: InsightsRequest, pk: int) -> HttpResponse:
    """Send the product manager a de-identified summary with released insights."""
    user = request.user
    question = _question(user, pk)
    policy.require(user, "pm_question", "answer", question)
    released = [
        a for a in selectors.question_answers(user=user, question=question) if a.released_at
    ]
    form = forms.AnswerForm(request.POST, released=released)
    status = 422
    if form.is_valid():
        try:
            services.pm_question_answer(
                actor=user,
                question=question,
                summary=form.cleaned_data["summary"],
                insight_ids=form.cleaned_data["insights"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Answer sent to the product manager.")
            return redirect("insights:question_detail", question.pk)
    return _question_response(request, question, {"answer": form}, status)


@require_POST
@_refusals_as_pages
def question_decline(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    question = _question(user, pk)
    policy.require(user, "pm_question", "answer", question)
    form = forms.ReasonForm(request.POST, label="Why medical cannot answer", auto_id="decline_%s")
    status = 422
    if form.is_valid():
        try:
            services.pm_question_decline(
                actor=user, question=question, reason=form.cleaned_data["reason"]
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Question declined; the product manager sees your reason.")
            return redirect("insights:question_detail", question.pk)
    return _question_response(request, question, {"decline": form}, status)


@require_safe
@_refusals_as_pages
def digest(request: InsightsRequest) -> HttpResponse:
    """What the field says, for commercial: released themes and released insights by product
    and period, de-identified (no KOL, no MSL, no meeting)."""
    user = request.user
    selectors.require_view(user, "released_insight")
    form = forms.DigestForm(
        request.GET, areas=therapeutic_areas_list(user=user), products=products_list(user=user)
    )
    form.is_valid()
    start, end = form.chosen_period()
    data = getattr(form, "cleaned_data", {})
    product, area = data.get("product") or "", data.get("therapeutic_area") or ""
    released_themes = selectors.released_themes(
        user=user, product=product, therapeutic_area=area, period_start=start, period_end=end
    )
    insights = selectors.released_insights(
        user=user, product=product, therapeutic_area=area, released_from=start, released_to=end
    )
    context = {
        "form": form,
        "themes": [(t, trend_of(t.trend)) for t in released_themes],
        "page": _page(request, insights),
        "query": _search_query(request),
        "may_ask": policy.can(user, "pm_question", "create"),
    }
    return render(request, "insights/digest.html", context)


# Adverse events -------------------------------------------------------------------------------


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@dataclass(frozen=True)
class Clock:
    """The 24-hour reporting clock of one report, as the PV officer reads it."""

    report: AdverseEventReport
    running: bool
    overdue: bool
    label: str
    elapsed_percent: int


def clock_of(report: AdverseEventReport, now: datetime) -> Clock:
    if report.status != AeStatus.OPEN:
        done = report.forwarded_at or report.closed_at
        on_time = done is not None and done <= report.due_at
        return Clock(report, False, False, "in time" if on_time else "after the due time", 100)
    left = report.due_at - now
    total = (report.due_at - report.received_at).total_seconds() or 1
    elapsed = min(100, max(0, round(100 * (now - report.received_at).total_seconds() / total)))
    if left.total_seconds() <= 0:
        return Clock(report, True, True, f"overdue by {_duration(-left)}", 100)
    return Clock(report, True, False, f"{_duration(left)} left", elapsed)


@require_safe
@_refusals_as_pages
def ae_queue(request: InsightsRequest) -> HttpResponse:
    """The PV queue, due soonest first, with each report's 24-hour clock."""
    user = request.user
    form = forms.AeQueueForm({"status": request.GET.get("status", AeStatus.OPEN)})
    status = form.cleaned_data["status"] if form.is_valid() else AeStatus.OPEN
    page = _page(request, selectors.ae_queue(user=user, status=status))
    now = timezone.now()
    context = {
        "form": form,
        "page": page,
        "clocks": [clock_of(r, now) for r in page.object_list],
        "query": _search_query(request),
        "overdue": selectors.ae_queue(user=user).filter(selectors.ae_overdue(now)).count(),
        "pv": policy.can(user, "adverse_event", "forward"),
    }
    return render(request, "insights/ae_queue.html", context)


@dataclass(frozen=True)
class Source:
    label: str
    url: str


def _source_of(user: User, report: AdverseEventReport) -> Source:
    """The record the text came from: a link when the reader may open it, else its kind and id."""
    label = f"{report.get_source_type_display()} #{report.source_id}"
    if report.source_type == AeSource.INSIGHT:
        if policy.visible(user, "insight", Insight.objects.filter(pk=report.source_id)).exists():
            return Source(label, reverse("insights:insight_detail", args=[report.source_id]))
    elif report.source_type == AeSource.INTERACTION:
        found = Interaction.objects.filter(pk=report.source_id)
        if policy.visible(user, "interaction", found).exists():
            return Source(label, reverse("engagements:interaction_detail", args=[report.source_id]))
    elif policy.visible(user, "inquiry", Inquiry.objects.filter(pk=report.source_id)).exists():
        return Source(label, reverse("engagements:inquiry_detail", args=[report.source_id]))
    return Source(label, "")


def _ae(user: User, report_id: int) -> AdverseEventReport:
    selectors.require_view(user, "adverse_event")
    return selectors.ae_get(user=user, report_id=report_id)


def _ae_response(
    request: InsightsRequest,
    report: AdverseEventReport,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    context: dict[str, Any] = {
        "report": report,
        "clock": clock_of(report, timezone.now()),
        "source": _source_of(user, report),
        "may_see_kol": report.kol_id is not None and policy.can(user, "kol", "view"),
        "audit_rows": _audit_rows(user, "adverse_event", report.pk),
    }
    if report.status == AeStatus.OPEN:
        if policy.can(user, "adverse_event", "forward", report):
            context["forward_form"] = bound.get("forward") or forms.ForwardForm()
        if policy.can(user, "adverse_event", "close", report):
            context["close_form"] = bound.get("close") or forms.ReasonForm(
                label="Why is this not an adverse event?", auto_id="close_%s"
            )
    _refusals_above(request, context, bound)
    return render(request, "insights/ae_detail.html", context, status=status)


@require_safe
@_refusals_as_pages
def ae_detail(request: InsightsRequest, pk: int) -> HttpResponse:
    """One possible adverse event: the excerpt, the harms, its source, its clock; forward it to
    the safety system or close it as not an adverse event (nothing is ever deleted)."""
    return _ae_response(request, _ae(request.user, pk))


@require_POST
@_refusals_as_pages
def ae_forward(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    report = _ae(user, pk)
    policy.require(user, "adverse_event", "forward", report)
    form = forms.ForwardForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.ae_forward(
                actor=user, report=report, safety_case_id=form.cleaned_data["safety_case_id"]
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(
                request, "Forwarded to the safety system; the export file is ready below."
            )
            return redirect("insights:ae_detail", report.pk)
    return _ae_response(request, report, {"forward": form}, status)


@require_POST
@_refusals_as_pages
def ae_close(request: InsightsRequest, pk: int) -> HttpResponse:
    user = request.user
    report = _ae(user, pk)
    policy.require(user, "adverse_event", "close", report)
    form = forms.ReasonForm(
        request.POST, label="Why is this not an adverse event?", auto_id="close_%s"
    )
    status = 422
    if form.is_valid():
        try:
            services.ae_close_not_ae(actor=user, report=report, reason=form.cleaned_data["reason"])
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Closed as not an adverse event; the reason is kept.")
            return redirect("insights:ae_detail", report.pk)
    return _ae_response(request, report, {"close": form}, status)


@require_safe
@_refusals_as_pages
def ae_export(request: InsightsRequest, pk: int) -> HttpResponseBase:
    """The E2B-like XML sent to the safety system."""
    report = _ae(request.user, pk)
    if not report.export_file:
        raise Http404("This report has not been forwarded; there is no export yet.")
    return FileResponse(
        default_storage.open(report.export_file.name, "rb"),
        as_attachment=True,
        filename=f"ae-{report.pk}.xml",
        content_type="application/xml",
    )
