"""Forms of the engagement pages: quick to fill on a tablet in the minutes after a meeting.

They read what a person typed and start from what is most likely (the next free slot, in
person, proactive, a follow-up due in a week); the services decide whether the change is
allowed and say why not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from kolbridge.core.models import Product, TherapeuticArea
from kolbridge.engagements.models import FollowUpStatus, InteractionKind, Urgency
from kolbridge.kols.models import Channel, Kol

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATE_FORMAT = "%Y-%m-%d"
WORKDAY_START, WORKDAY_END = time(9), time(18)
FOLLOW_UP_DAYS = 7


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)


def _text(label: str, rows: int = 2, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def next_slot(now: datetime | None = None) -> datetime:
    """Default time of a meeting to plan: the next full hour within working hours, Monday to
    Friday (an MSL plans visits to clinics, not at night or on a Sunday)."""
    now = timezone.localtime(now)
    slot = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if slot.time() < WORKDAY_START:
        slot = slot.replace(hour=WORKDAY_START.hour)
    elif slot.time() >= WORKDAY_END:
        slot = (slot + timedelta(days=1)).replace(hour=WORKDAY_START.hour)
    while slot.weekday() >= 5:
        slot += timedelta(days=1)
    return slot


def last_slot(now: datetime | None = None, minutes: int = 30) -> datetime:
    """Default start of a meeting being logged just after it ended: ``minutes`` ago, on the
    quarter hour (the time a meeting is usually booked at)."""
    start = timezone.localtime(now) - timedelta(minutes=minutes)
    return start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)


def follow_up_due() -> date:
    """A follow-up is due in a week unless the MSL says otherwise."""
    return timezone.localdate() + timedelta(days=FOLLOW_UP_DAYS)


def lines(text: str) -> list[str]:
    """One entry per non-empty line (questions raised are typed one per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class BootstrapForm(forms.Form):
    """Gives every widget Bootstrap's class for its kind, so the templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"  # CheckboxSelectMultiple is a RadioSelect too
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class FollowUpFields(forms.Form):
    """The one follow-up an MSL may note while completing a meeting."""

    follow_up_title = forms.CharField(
        label="Follow-up",
        required=False,
        max_length=200,
        help_text="A task that comes out of this meeting, e.g. send the requested reprint.",
    )
    follow_up_due = forms.DateField(
        label="Follow-up due", required=False, widget=_date_widget(), initial=follow_up_due
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_up_title") and not data.get("follow_up_due"):
            self.add_error("follow_up_due", "Give the follow-up a due date.")
        return data


# What an MSL writes about a meeting that took place; the planning form refuses them unless
# the meeting is logged as completed, so nothing typed is silently dropped.
OUTCOME_FIELDS = ("notes", "outcome", "next_steps", "questions", "follow_up_title")


class InteractionForm(BootstrapForm, FollowUpFields):
    """Plan a meeting, or log one that already took place, in one form."""

    kols = forms.ModelMultipleChoiceField(
        label="HCP attendees",
        queryset=Kol.objects.none(),
        error_messages={
            "required": "Pick at least one HCP attendee: a meeting is with someone.",
            "invalid_choice": "One of the HCPs picked is not one of yours any more.",
        },
    )
    completed = forms.BooleanField(
        label="It already took place — log what happened", required=False
    )
    starts_at = forms.DateTimeField(label="Date and time", widget=_datetime_widget())
    duration_minutes = forms.IntegerField(
        label="Duration (min)",
        min_value=1,
        max_value=24 * 60,
        initial=30,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices, initial=Channel.IN_PERSON)
    kind = forms.ChoiceField(
        label="Type", choices=InteractionKind.choices, initial=InteractionKind.PROACTIVE
    )
    therapeutic_area = forms.ModelChoiceField(
        label="Therapeutic area",
        queryset=TherapeuticArea.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label="—",
    )
    products = forms.ModelMultipleChoiceField(
        label="Products",
        queryset=Product.objects.order_by("name"),
        required=False,
        to_field_name="name",
        widget=forms.CheckboxSelectMultiple,
    )
    objectives = _text("Objectives")
    notes = _text("Notes", rows=3)
    outcome = _text("Outcome")
    next_steps = _text("Next steps")
    questions = _text(
        "Questions raised",
        help_text="One per line. Each becomes an open scientific question of every attendee.",
    )

    field_order = (
        "kols",
        "completed",
        "starts_at",
        "duration_minutes",
        "channel",
        "kind",
        "therapeutic_area",
        "products",
        "objectives",
        "notes",
        "outcome",
        "next_steps",
        "questions",
        "follow_up_title",
        "follow_up_due",
    )

    def __init__(self, *args: Any, kols: QuerySet[Kol], **kwargs: Any) -> None:
        """``kols``: the HCPs the person may meet (the policy's visible set)."""
        super().__init__(*args, **kwargs)
        self.fields["kols"].queryset = kols  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("completed") and any(data.get(name) for name in OUTCOME_FIELDS):
            self.add_error(
                "completed",
                "You wrote what happened: tick this box to log the meeting as completed, or "
                "clear those fields to only plan it.",
            )
        return data


class CompleteForm(BootstrapForm, FollowUpFields):
    """After the meeting: what happened, on the pre-call plan page itself (no retyping)."""

    starts_at = forms.DateTimeField(
        label="Started at",
        widget=_datetime_widget(),
        help_text="As planned; change it if the meeting moved.",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (min)",
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    notes = _text("Notes", rows=4)
    outcome = _text("Outcome")
    next_steps = _text("Next steps")
    questions = _text(
        "Questions raised",
        rows=3,
        help_text="One per line. Each becomes an open scientific question of every attendee.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = (
        "starts_at",
        "duration_minutes",
        "notes",
        "outcome",
        "next_steps",
        "questions",
        "follow_up_title",
        "follow_up_due",
        "version",
    )


class AmendForm(BootstrapForm):
    """Change the record of a completed meeting; once locked, only with a reason."""

    notes = _text("Notes", rows=4)
    outcome = _text("Outcome")
    next_steps = _text("Next steps")
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=2000,
        help_text="Kept in the audit trail; required once the record is locked.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(BootstrapForm):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=2000,
        error_messages={"required": "Say why the meeting is cancelled; the audit trail keeps it."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class InquiryForm(BootstrapForm):
    """Medical captures an HCP's unsolicited question."""

    kol = forms.ModelChoiceField(
        label="HCP",
        queryset=Kol.objects.none(),
        error_messages={
            "required": "Pick the HCP who asked.",
            "invalid_choice": "That HCP is not one you may record a question for.",
        },
    )
    question = forms.CharField(
        label="The HCP's question",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the question as the HCP asked it."},
    )
    product = forms.ModelChoiceField(
        label="Product",
        queryset=Product.objects.order_by("name"),
        required=False,
        to_field_name="name",
        empty_label="—",
    )
    channel_received = forms.ChoiceField(
        label="Received by", choices=Channel.choices, initial=Channel.IN_PERSON
    )
    received_at = forms.DateTimeField(label="Received at", widget=_datetime_widget())
    urgency = forms.ChoiceField(label="Urgency", choices=Urgency.choices, initial=Urgency.STANDARD)
    unsolicited_confirmed = forms.BooleanField(
        label="The HCP confirmed the question was unsolicited (asked unprompted)", required=False
    )

    def __init__(self, *args: Any, kols: QuerySet[Kol], **kwargs: Any) -> None:
        """``kols``: the HCPs the person may record a question for (the visible set)."""
        super().__init__(*args, **kwargs)
        self.fields["kol"].queryset = kols  # type: ignore[attr-defined]


class ReferralForm(InquiryForm):
    """A sales rep refers an HCP's question to medical (and never answers it)."""

    hcp_requested_medical_answer = forms.BooleanField(
        label="The HCP asked that medical answer this question", required=False
    )


class RespondForm(BootstrapForm):
    response = forms.CharField(
        label="Response",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the response that was given to the HCP."},
    )
    delivery_channel = forms.ChoiceField(
        label="Delivered by", choices=Channel.choices, initial=Channel.EMAIL
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpStatusForm(forms.Form):
    """The "Mark done" button of a follow-up."""

    follow_up = forms.IntegerField()
    status = forms.ChoiceField(choices=FollowUpStatus.choices)
