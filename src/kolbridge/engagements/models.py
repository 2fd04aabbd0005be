"""Engagements: interactions with HCPs, unsolicited medical information requests (inquiries)
and the follow-ups that come out of both."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kolbridge.core.models import Product, TherapeuticArea
from kolbridge.kols.models import Channel, Kol, ScientificQuestion


class InteractionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class InteractionKind(models.TextChoices):
    PROACTIVE = "proactive", "Proactive"
    REACTIVE = "reactive", "Reactive (answering an unsolicited request)"


class Interaction(models.Model):
    """A planned or completed engagement of one or more MSLs with one or more HCPs."""

    status = models.CharField(
        max_length=20, choices=InteractionStatus.choices, default=InteractionStatus.PLANNED
    )
    kind = models.CharField(
        max_length=20, choices=InteractionKind.choices, default=InteractionKind.PROACTIVE
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveIntegerField(default=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_interactions"
    )
    msls: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="InteractionStaff", related_name="interactions"
    )
    kols: models.ManyToManyField[Kol, Any] = models.ManyToManyField(
        Kol, through="InteractionAttendee", related_name="interactions"
    )
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    products = models.ManyToManyField(Product, blank=True, related_name="+")
    objectives = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="interaction_completed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="interaction_duration_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.starts_at:%Y-%m-%d %H:%M}"


class InteractionStaff(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "user"], name="interaction_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in interaction {self.interaction_id}"


class InteractionAttendee(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE)
    kol = models.ForeignKey(Kol, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "kol"], name="interaction_kol_once")
        ]
        indexes = [models.Index(fields=["kol", "interaction"])]

    def __str__(self) -> str:
        return f"KOL {self.kol_id} in interaction {self.interaction_id}"


class InteractionQuestion(models.Model):
    """A scientific question raised in an interaction (kept on the KOL's questions too)."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="raised_questions"
    )
    question = models.OneToOneField(
        ScientificQuestion, on_delete=models.CASCADE, related_name="raised_in"
    )

    def __str__(self) -> str:
        return f"Question {self.question_id} raised in interaction {self.interaction_id}"


class Urgency(models.TextChoices):
    STANDARD = "standard", "Standard"
    URGENT = "urgent", "Urgent"


class InquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class InquirySource(models.TextChoices):
    MSL = "msl", "Captured by medical"
    SALES_REFERRAL = "sales_referral", "Referred by a sales representative"


class Inquiry(models.Model):
    """A medical information request: an HCP's unsolicited question and medical's answer."""

    kol = models.ForeignKey(Kol, on_delete=models.PROTECT, related_name="inquiries")
    question = models.TextField()
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel_received = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField()
    unsolicited_confirmed = models.BooleanField(
        help_text="The HCP confirmed the question was asked unprompted."
    )
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.STANDARD)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.OPEN, db_index=True
    )
    source = models.CharField(max_length=20, choices=InquirySource.choices)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    response = models.TextField(blank=True)
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    delivery_channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["kol", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unsolicited_confirmed=True), name="inquiry_is_unsolicited"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed"])
                | (Q(responded_at__isnull=False) & ~Q(response="")),
                name="inquiry_answered_has_response",
            ),
        ]

    def __str__(self) -> str:
        return f"Inquiry #{self.pk}: {self.question[:60]}"

    @property
    def is_overdue(self) -> bool:
        """Still unanswered after its service-level due time."""
        unanswered = self.status in (InquiryStatus.OPEN, InquiryStatus.IN_PROGRESS)
        return unanswered and self.due_at < timezone.now()


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class FollowUp(models.Model):
    """A task that came out of an interaction or an inquiry."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    kol = models.ForeignKey(
        Kol, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    inquiry = models.ForeignKey(
        Inquiry, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title
