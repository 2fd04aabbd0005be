"""Engagement pages: the MSL's week, planning or logging a meeting, the pre-call plan that is
completed after the meeting, medical inquiries, sales referrals and follow-ups.

Each view reads a form, calls one selector or service and renders the answer. What a person
may see or do is decided by the policy and the selectors; the views only turn their answers
into pages: a hidden record is a 404, a refused action a 403 page naming the rule, a refused
value an error next to its field (422; 409 when someone else changed the record meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from kolbridge.core import policy
from kolbridge.core.audit_display import AuditRow, audit_rows_for
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.fieldtext import notices_of
from kolbridge.core.models import User
from kolbridge.engagements import forms, selectors, services
from kolbridge.engagements.ical import interaction_ics
from kolbridge.engagements.models import (
    FollowUpStatus,
    Inquiry,
    InquiryStatus,
    Interaction,
    InteractionStatus,
)
from kolbridge.engagements.sections import interaction_sections_for
from kolbridge.kols.models import Channel
from kolbridge.kols.selectors import kol_search

PICKER_SIZE = 20  # KOLs listed before the person searches: few enough to tab through
AUDIT_ROWS_SHOWN = 50
CHANNEL_LABELS = dict(Channel.choices)
# Service field names that the forms call differently.
FIELD_ALIASES = {
    "follow_ups": "follow_up_title",
    "title": "follow_up_title",
    "due_date": "follow_up_due",
}


class EngagementRequest(HttpRequest):
    """Every engagement page has a signed-in user: the sign-in middleware sends others away."""

    user: User


View = Callable[..., HttpResponse]


def _refusals_as_pages(view: View) -> View:
    """A record the person may not see is a 404; an action their role or the record's rules
    refuse is a 403 page that names the rule, wherever in the view the refusal comes from."""

    @wraps(view)
    def wrapper(request: EngagementRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            return render(
                request, "engagements/forbidden.html", {"message": exc.message}, status=403
            )

    return wrapper


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST, None otherwise (an unbound form shows its defaults)."""
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


def _safety_messages(request: HttpRequest, record: object) -> None:
    """What the adverse-event screening found in the text just saved, shown to the writer."""
    for notice in notices_of(record):
        messages.warning(request, notice)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


# The KOL picker (attendees of a meeting, the HCP of an inquiry)


@dataclass(frozen=True)
class KolPicker:
    """A searchable list of KOLs to tick, with those already chosen kept first."""

    field: BoundField
    options: list[tuple[int, str]]
    chosen: set[int]
    more: bool  # more KOLs than listed: the person should search
    multiple: bool


def _kol_options(user: User, q: str, chosen: list[int]) -> tuple[list[tuple[int, str]], bool]:
    """The chosen KOLs, then those matching ``q`` (without a search: the KOLs of the person's
    own territory), as (id, label) pairs."""
    visible = kol_search(user=user)
    territory = None if q or user.territory_id is None else user.territory
    matching = kol_search(user=user, q=q, territory=territory.code if territory else None)
    rows = list(visible.filter(pk__in=chosen)) if chosen else []
    listed = {k.pk for k in rows}
    page = [k for k in matching[: PICKER_SIZE + len(listed) + 1] if k.pk not in listed]
    rows += page[:PICKER_SIZE]
    options = [(k.pk, f"{k.display_name} — {k.specialty}, {k.institution}") for k in rows]
    return options, len(page) > PICKER_SIZE


def _picker(user: User, field: BoundField, multiple: bool) -> KolPicker:
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = _ids([str(v) for v in values if v not in (None, "")])
    options, more = _kol_options(user, "", chosen)
    return KolPicker(field, options, set(chosen), more, multiple)


@_refusals_as_pages
def attendee_search(request: EngagementRequest) -> HttpResponse:
    """htmx: the options of a KOL picker for what the person typed, keeping those ticked."""
    name = request.GET.get("name", "kols")
    if name not in ("kols", "kol"):
        raise Http404("No such picker.")
    q = request.GET.get("q", "").strip()
    chosen = _ids(request.GET.getlist(name))
    options, more = _kol_options(request.user, q, chosen)
    return render(
        request,
        "engagements/_kol_options.html",
        {
            "options": options,
            "chosen": set(chosen),
            "more": more,
            "q": q,
            "name": name,
            "input_type": "checkbox" if name == "kols" else "radio",
        },
    )


# The week


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@_refusals_as_pages
def calendar(request: EngagementRequest) -> HttpResponse:
    """The MSL's week, Monday first; a medical lead may look at the week of each report."""
    user = request.user
    selectors.require_view(user, "interaction")
    day = _day(request.GET.get("day"))
    team = list(selectors.team_members(user=user))
    msl = next((u for u in team if u.username == request.GET.get("msl")), user)
    start, end = selectors.week_of(day)
    return render(
        request,
        "engagements/calendar.html",
        {
            "days": selectors.calendar_week(user=user, msl=msl, day=day),
            "start": start,
            "end": end,
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "today": timezone.localdate(),
            "msl": msl,
            "team": team,
        },
    )


# Planning or logging a meeting


def _save_interaction(user: User, data: Mapping[str, Any]) -> Interaction:
    """Plan the meeting, or log it in one step when it already took place."""
    plan = {
        "actor": user,
        "kol_ids": [k.pk for k in data["kols"]],
        "starts_at": data["starts_at"],
        "channel": data["channel"],
        "kind": data["kind"],
        "duration_minutes": data["duration_minutes"],
        "therapeutic_area_code": data["therapeutic_area"].code
        if data["therapeutic_area"]
        else None,
        "product_names": [p.name for p in data["products"]],
        "objectives": data["objectives"],
    }
    if not data["completed"]:
        return services.interaction_create(**plan)
    return services.interaction_log(
        notes=data["notes"],
        outcome=data["outcome"],
        next_steps=data["next_steps"],
        questions=forms.lines(data["questions"]),
        follow_ups=_follow_up_drafts(data),
        **plan,
    )


def _follow_up_drafts(data: Mapping[str, Any]) -> list[services.FollowUpDraft]:
    if not data.get("follow_up_title"):
        return []
    return [services.FollowUpDraft(data["follow_up_title"], data["follow_up_due"])]


def _recorded_message(what: str, data: Mapping[str, Any]) -> str:
    """Say what the questions and the follow-up typed became, so the MSL need not check."""
    parts = [what]
    count = len(forms.lines(data["questions"]))
    if count:
        parts.append(
            f"{count} question{'s' if count > 1 else ''} added to the open scientific questions."
        )
    if data.get("follow_up_title"):
        due = date_format(data["follow_up_due"], "j M Y")
        parts.append(f"Follow-up “{data['follow_up_title']}” due {due}.")
    return " ".join(parts)


@_refusals_as_pages
def interaction_create(request: EngagementRequest) -> HttpResponse:
    """Plan a meeting (or log one that took place) with one or more HCPs."""
    user = request.user
    policy.require(user, "interaction", "create")
    slot = forms.next_slot()
    form = forms.InteractionForm(
        _posted(request),
        kols=kol_search(user=user),
        initial={"starts_at": slot, "kols": _ids(request.GET.getlist("kol"))},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                row = _save_interaction(user, form.cleaned_data)
            except Invalid as exc:
                _show_invalid(form, exc)
            else:
                if row.status == InteractionStatus.COMPLETED:
                    messages.success(
                        request, _recorded_message("Meeting logged.", form.cleaned_data)
                    )
                else:
                    messages.success(request, "Meeting planned. Here is its pre-call plan.")
                _safety_messages(request, row)
                return redirect("engagements:interaction_detail", row.pk)
    context = {
        "form": form,
        "picker": _picker(user, form["kols"], multiple=True),
        "next_slot": slot,
        "last_slot": forms.last_slot(),
    }
    return render(request, "engagements/interaction_form.html", context, status=status)


# The pre-call plan, completed after the meeting


def _interaction(user: User, interaction_id: int) -> Interaction:
    selectors.require_view(user, "interaction")
    return selectors.interaction_get(user=user, interaction_id=interaction_id)


def _channel_labels(brief: selectors.AttendeeBrief) -> list[str]:
    prefs = brief.journey.channels if brief.journey else None
    return [CHANNEL_LABELS.get(code, code) for code in prefs.channels] if prefs else []


def _audit_rows(user: User, object_type: str, object_id: int) -> list[AuditRow] | None:
    """The record's audit trail, newest first, for those who may read it (None for others)."""
    trail = audit_rows_for(
        user=user, object_type=object_type, object_id=object_id, limit=AUDIT_ROWS_SHOWN
    )
    return None if trail is None else trail[0]


def _detail_response(
    request: EngagementRequest,
    row: Interaction,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The pre-call plan of a planned meeting, or the record of a past one. ``bound`` holds a
    submitted form to show again with its errors."""
    user = request.user
    bound = bound or {}
    plan = selectors.pre_call_plan(user=user, interaction=row)
    context: dict[str, Any] = {
        "interaction": row,
        "briefs": [(brief, _channel_labels(brief)) for brief in plan.attendees],
        "open_follow_ups": plan.open_follow_ups,
        "follow_ups": selectors.follow_ups_for(user=user, status=None).filter(interaction=row),
        "locked": services.interaction_is_locked(row),
        "may_change": policy.can(user, "interaction", "change", row),
        "audit_rows": _audit_rows(user, "interaction", row.pk),
        "today": timezone.localdate(),
        "sections": interaction_sections_for(user=user, interaction=row),
    }
    if row.status == InteractionStatus.PLANNED:
        context["complete_form"] = bound.get("complete") or forms.CompleteForm(
            initial={
                "version": row.version,
                "starts_at": row.starts_at,
                "duration_minutes": row.duration_minutes,
                "notes": row.notes,
            }
        )
        context["cancel_form"] = bound.get("cancel") or forms.CancelForm(
            initial={"version": row.version}
        )
    elif row.status == InteractionStatus.COMPLETED:
        context["amend_form"] = bound.get("amend") or forms.AmendForm(
            initial={
                "version": row.version,
                "notes": row.notes,
                "outcome": row.outcome,
                "next_steps": row.next_steps,
            }
        )
    return render(request, "engagements/interaction_detail.html", context, status=status)


@_refusals_as_pages
def interaction_detail(request: EngagementRequest, interaction_id: int) -> HttpResponse:
    """The pre-call plan of a planned meeting, and the record of a completed one; after the
    meeting the MSL completes this same page."""
    return _detail_response(request, _interaction(request.user, interaction_id))


def _refused(form: django_forms.BaseForm, exc: Invalid | Conflict) -> int:
    """Show a service's refusal on the form and answer the status that fits it."""
    if isinstance(exc, Conflict):
        form.add_error(None, exc.message)
        return 409
    _show_invalid(form, exc)
    return 422


@require_POST
@_refusals_as_pages
def interaction_complete(request: EngagementRequest, interaction_id: int) -> HttpResponse:
    """Record what happened: notes, outcome, questions raised and a follow-up."""
    user = request.user
    row = _interaction(user, interaction_id)
    # A refused role hears so whatever it typed.
    policy.require(user, "interaction", "complete", row)
    form = forms.CompleteForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            completed = services.interaction_complete(
                actor=user,
                interaction=row,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                notes=data["notes"],
                outcome=data["outcome"],
                next_steps=data["next_steps"],
                questions=forms.lines(data["questions"]),
                follow_ups=_follow_up_drafts(data),
                expected_version=data["version"],
            )
        except (Invalid, Conflict) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, _recorded_message("Meeting completed.", data))
            _safety_messages(request, completed)
            return redirect("engagements:interaction_detail", row.pk)
    return _detail_response(request, row, {"complete": form}, status)


@require_POST
@_refusals_as_pages
def interaction_cancel(request: EngagementRequest, interaction_id: int) -> HttpResponse:
    """Cancel a planned meeting, saying why."""
    user = request.user
    row = _interaction(user, interaction_id)
    policy.require(user, "interaction", "cancel", row)
    form = forms.CancelForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.interaction_cancel(
                actor=user,
                interaction=row,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (Invalid, Conflict) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Meeting cancelled.")
            return redirect("engagements:interaction_detail", row.pk)
    return _detail_response(request, row, {"cancel": form}, status)


@require_POST
@_refusals_as_pages
def interaction_amend(request: EngagementRequest, interaction_id: int) -> HttpResponse:
    """Change the record of a completed meeting (with a reason once it is locked)."""
    user = request.user
    row = _interaction(user, interaction_id)
    policy.require(user, "interaction", "change", row)
    form = forms.AmendForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.interaction_update(
                actor=user,
                interaction=row,
                changes={k: data[k] for k in ("notes", "outcome", "next_steps")},
                expected_version=data["version"],
                reason=data["reason"],
            )
        except (Invalid, Conflict) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Meeting record updated.")
            _safety_messages(request, updated)
            return redirect("engagements:interaction_detail", row.pk)
    return _detail_response(request, row, {"amend": form}, status)


@_refusals_as_pages
def interaction_ical(request: EngagementRequest, interaction_id: int) -> HttpResponse:
    """The meeting as an iCalendar event (who and when, never the notes)."""
    row = _interaction(request.user, interaction_id)
    response = HttpResponse(interaction_ics(row), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interaction-{row.pk}.ics"'
    return response


# Inquiries


@_refusals_as_pages
def inquiry_queue(request: EngagementRequest) -> HttpResponse:
    """Medical's queue: by due date, overdue first."""
    user = request.user
    selectors.require_view(user, "inquiry")
    status = request.GET.get("status") or None
    if status not in InquiryStatus.values:
        status = None
    rows = list(selectors.inquiry_queue(user=user, status=status)[:200])
    return render(
        request,
        "engagements/inquiry_queue.html",
        {"rows": rows, "status": status, "statuses": InquiryStatus.choices},
    )


def _inquiry_form(
    form_class: type[forms.InquiryForm], request: EngagementRequest
) -> forms.InquiryForm:
    preselected = _ids(request.GET.getlist("kol"))[:1]
    return form_class(
        _posted(request),
        kols=kol_search(user=request.user),
        initial={
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            "kol": preselected[0] if preselected else None,
        },
    )


def _inquiry_form_response(
    request: EngagementRequest, form: forms.InquiryForm, referral: bool, status: int
) -> HttpResponse:
    context = {
        "form": form,
        "picker": _picker(request.user, form["kol"], multiple=False),
        "referral": referral,
        "title": "Refer a question to medical" if referral else "Capture a medical inquiry",
    }
    return render(request, "engagements/inquiry_form.html", context, status=status)


@_refusals_as_pages
def inquiry_create(request: EngagementRequest) -> HttpResponse:
    """Medical captures an HCP's unsolicited question; its service-level clock starts."""
    user = request.user
    policy.require(user, "inquiry", "create")
    form = _inquiry_form(forms.InquiryForm, request)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.inquiry_capture(
                    actor=user,
                    kol=data["kol"],
                    question=data["question"],
                    channel_received=data["channel_received"],
                    unsolicited_confirmed=data["unsolicited_confirmed"],
                    received_at=data["received_at"],
                    urgency=data["urgency"],
                    product_name=data["product"].name if data["product"] else None,
                )
            except Invalid as exc:
                _show_invalid(form, exc)
            else:
                due = date_format(timezone.localtime(row.due_at), "j M Y, H:i")
                messages.success(request, f"Inquiry captured; medical's answer is due {due}.")
                _safety_messages(request, row)
                return redirect("engagements:inquiry_detail", row.pk)
    return _inquiry_form_response(request, form, referral=False, status=status)


def _sentences(exc: Invalid | Conflict) -> str:
    """A refusal as one message, for steps that have no form to show it on."""
    if isinstance(exc, Conflict):
        return exc.message
    return " ".join(problem for problems in exc.errors.values() for problem in problems)


def _inquiry_action(
    request: EngagementRequest, row: Inquiry, action: str, respond_form: forms.RespondForm
) -> str | None:
    """Take one step of the inquiry's workflow; the message to show, or None if the response
    form has errors. What the safety screening finds in a response is shown at once."""
    user = request.user
    if action == "start":
        services.inquiry_start(actor=user, inquiry=row)
        return "You have taken this inquiry on."
    if action == "close":
        services.inquiry_close(actor=user, inquiry=row)
        return "Inquiry closed."
    if action == "respond" and respond_form.is_valid():
        data = respond_form.cleaned_data
        responded = services.inquiry_respond(
            actor=user,
            inquiry=row,
            response=data["response"],
            delivery_channel=data["delivery_channel"],
            expected_version=data["version"],
        )
        _safety_messages(request, responded)
        return "Response recorded. Close the inquiry once the HCP has the answer."
    return None


@_refusals_as_pages
def inquiry_detail(request: EngagementRequest, inquiry_id: int) -> HttpResponse:
    """One inquiry with its clock, and medical's next step: take it on, respond, close."""
    user = request.user
    selectors.require_view(user, "inquiry")
    row = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    respond_form = forms.RespondForm(
        request.POST if action == "respond" else None, initial={"version": row.version}
    )
    status = 200
    if action:
        status = 422
        try:
            done = _inquiry_action(request, row, action, respond_form)
        except (Invalid, Conflict) as exc:
            if action == "respond":
                status = _refused(respond_form, exc)
            else:
                messages.error(request, _sentences(exc))
        else:
            if done:
                messages.success(request, done)
                return redirect("engagements:inquiry_detail", row.pk)
    context = {
        "inquiry": row,
        "respond_form": respond_form,
        "may_respond": policy.can(user, "inquiry", "respond", row),
        "audit_rows": _audit_rows(user, "inquiry", row.pk),
    }
    return render(request, "engagements/inquiry_detail.html", context, status=status)


# Referrals by sales representatives


@_refusals_as_pages
def referral_create(request: EngagementRequest) -> HttpResponse:
    """A sales rep's one compliant path for a medical question: refer it to medical."""
    user = request.user
    policy.require(user, "inquiry_referral", "create")
    form = _inquiry_form(forms.ReferralForm, request)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                referred = services.inquiry_refer(
                    actor=user,
                    kol=data["kol"],
                    question=data["question"],
                    channel_received=data["channel_received"],
                    unsolicited_confirmed=data["unsolicited_confirmed"],
                    hcp_requested_medical_answer=data["hcp_requested_medical_answer"],
                    received_at=data["received_at"],
                    urgency=data["urgency"],
                    product_name=data["product"].name if data["product"] else None,
                )
            except Invalid as exc:
                _show_invalid(form, exc)
            else:
                messages.success(
                    request, "Referred to medical. This list shows when medical has closed it."
                )
                _safety_messages(request, referred)
                return redirect("engagements:referral_list")
    return _inquiry_form_response(request, form, referral=True, status=status)


@_refusals_as_pages
def referral_list(request: EngagementRequest) -> HttpResponse:
    """The questions the rep referred: received or closed by medical, never the answer."""
    user = request.user
    selectors.require_view(user, "inquiry_referral")
    return render(
        request, "engagements/referral_list.html", {"rows": selectors.referrals_of(user=user)}
    )


# Follow-ups


@_refusals_as_pages
def follow_up_list(request: EngagementRequest) -> HttpResponse:
    """The person's (or the team's) follow-ups by due date, and the way to mark one done."""
    user = request.user
    selectors.require_view(user, "follow_up")
    status = request.GET.get("status", "open")
    if request.method == "POST":
        form = forms.FollowUpStatusForm(request.POST)
        if not form.is_valid():
            raise Http404("No such follow-up.")
        row = selectors.follow_up_get(user=user, follow_up_id=form.cleaned_data["follow_up"])
        try:
            services.follow_up_set_status(
                actor=user, follow_up=row, status=form.cleaned_data["status"]
            )
        except Invalid as exc:
            messages.error(request, _sentences(exc))
        else:
            label = FollowUpStatus(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"Follow-up “{row.title}” marked {label}.")
        return redirect(f"{reverse('engagements:follow_up_list')}?{urlencode({'status': status})}")
    rows = selectors.follow_ups_for(user=user, status=status or None)[:200]
    return render(
        request,
        "engagements/follow_up_list.html",
        {
            "rows": rows,
            "status": status,
            "filters": [*FollowUpStatus.choices, ("", "All")],
            "today": timezone.localdate(),
        },
    )
