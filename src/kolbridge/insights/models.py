"""Insights: what MSLs learn in the field, their medical review and de-identified release to
commercial, themes across many insights, what was done about them, product managers'
questions to medical — and the adverse-event reports that field text gives rise to.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from kolbridge.core.models import Product, TherapeuticArea
from kolbridge.engagements.models import Interaction
from kolbridge.kols.models import Kol

INSIGHT_MAX_CHARS = 2000
AE_REPORTING_CLOCK = timedelta(hours=24)


class InsightCategory(models.TextChoices):
    UNMET_NEED = "unmet_need", "Unmet need"
    CLINICAL_PRACTICE = "clinical_practice", "Clinical practice"
    COMPETITIVE = "competitive", "Competitive"
    PRODUCT_PERCEPTION = "product_perception", "Product perception"
    DATA_GAP = "data_gap", "Data gap"
    ACCESS = "access", "Access / reimbursement"
    SAFETY = "safety", "Safety"


class InsightStatus(models.TextChoices):
    NEW = "new", "New, awaiting medical review"
    ACCEPTED = "accepted", "Accepted"
    MERGED = "merged", "Merged into another insight"
    REJECTED = "rejected", "Rejected"


class PmQuestionStatus(models.TextChoices):
    ASKED = "asked", "Asked, waiting for medical"
    ROUTED = "routed", "Routed to MSLs"
    ANSWERED = "answered", "Answered, released to the PM"
    DECLINED = "declined", "Declined by medical"


class PmQuestion(models.Model):
    """A product manager's question to medical ("what do KOLs say about dosing in the
    elderly?"), answered with field insights released in de-identified form."""

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pm_questions"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    asked_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=PmQuestionStatus.choices, default=PmQuestionStatus.ASKED
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    routed_to: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="routed_pm_questions"
    )
    routing_note = models.TextField(blank=True)
    # The medical lead's de-identified summary that goes back with the released insights.
    answer_summary = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"PM question #{self.pk}: {self.text[:60]}"


class Insight(models.Model):
    """Something an MSL learned in the field, with where it came from."""

    text = models.TextField()
    category = models.CharField(max_length=30, choices=InsightCategory.choices)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kols: models.ManyToManyField[Kol, Any] = models.ManyToManyField(
        Kol, blank=True, related_name="insights"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.PROTECT, related_name="insights"
    )
    tags = models.JSONField(default=list, blank=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="insights"
    )
    captured_at = models.DateTimeField(db_index=True)
    # An answer to a product manager's question, when the MSL captured it for one.
    pm_question = models.ForeignKey(
        PmQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="insights"
    )
    status = models.CharField(
        max_length=20, choices=InsightStatus.choices, default=InsightStatus.NEW, db_index=True
    )
    # The MSL's own words when a medical lead edited the wording.
    original_text = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    # Release to commercial: only this de-identified text ever leaves medical.
    released_text = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-captured_at", "-id"]
        indexes = [
            models.Index(fields=["therapeutic_area", "product", "captured_at"]),
            models.Index(fields=["status", "captured_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | (~Q(released_text="")),
                name="insight_released_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="insight_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Insight #{self.pk}: {self.text[:60]}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class ThemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MERGED = "merged", "Merged into another theme"


class Theme(models.Model):
    """A group of insights about one thing, per therapeutic area, product and period; found
    automatically, then named, merged or split by medical leads (their edits survive the next
    grouping)."""

    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    name = models.CharField(max_length=200)
    key_terms = models.JSONField(default=list)
    representative = models.ForeignKey(
        Insight, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    size = models.PositiveIntegerField(default=0)
    # Insights per month, oldest first: [["2026-09", 12], ...].
    trend = models.JSONField(default=list)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ThemeStatus.choices, default=ThemeStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_themes"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-size", "id"]
        indexes = [
            models.Index(fields=["therapeutic_area", "product", "period_start"]),
        ]

    def __str__(self) -> str:
        return self.name


class ThemeMembership(models.Model):
    """An insight in a theme. ``pinned`` memberships were set by a medical lead (a merge or a
    split) and the automatic grouping leaves them where they are."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="memberships")
    insight = models.ForeignKey(Insight, on_delete=models.CASCADE, related_name="memberships")
    pinned = models.BooleanField(default=False)
    similarity = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "insight"], name="theme_membership_once"),
        ]

    def __str__(self) -> str:
        return f"Insight {self.insight_id} in theme {self.theme_id}"


class Decision(models.TextChoices):
    ACT = "act", "Act on it"
    NEW_CONTENT = "new_content", "New or updated content"
    EVIDENCE = "evidence", "Evidence-generation request"
    PLAN = "plan", "Input to medical or brand plan"
    NO_ACTION = "no_action", "No action"


class ActionStatus(models.TextChoices):
    OPEN = "open", "In progress"
    DONE = "done", "Done"


class InsightAction(models.Model):
    """What became of an insight or a theme: an owner, a decision and the action taken."""

    insight = models.ForeignKey(
        Insight, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    action = models.TextField(help_text="e.g. “New FAQ on renal dosing”, or the no-action reason")
    decided_at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(insight__isnull=False) | Q(theme__isnull=False),
                name="insight_action_has_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="insight_action_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.action[:60]}"


class AeSource(models.TextChoices):
    INSIGHT = "insight", "Insight"
    INTERACTION = "interaction", "Interaction notes"
    INQUIRY_QUESTION = "inquiry_question", "Inquiry question"
    INQUIRY_RESPONSE = "inquiry_response", "Inquiry response"


class AeStatus(models.TextChoices):
    OPEN = "open", "Open, on the 24-hour clock"
    FORWARDED = "forwarded", "Forwarded to the safety system"
    NOT_AE = "not_ae", "Closed: not an adverse event"


class AdverseEventReport(models.Model):
    """A possible adverse event found in field text, on the PV officer's 24-hour clock.

    Nothing about a report is ever deleted: it is forwarded to the safety system or closed as
    not an adverse event, with a reason."""

    source_type = models.CharField(max_length=30, choices=AeSource.choices)
    source_id = models.PositiveBigIntegerField()
    excerpt = models.TextField()
    harms = models.JSONField(default=list)
    matched_terms = models.JSONField(default=list)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kol = models.ForeignKey(Kol, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    # The screening itself failed: the record was saved and a person must read it.
    needs_manual_review = models.BooleanField(default=False)
    screening_error = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=AeStatus.choices, default=AeStatus.OPEN, db_index=True
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    safety_case_id = models.CharField(max_length=60, blank=True)
    export_file = models.FileField(upload_to="safety/exports/%Y/%m/", blank=True, max_length=255)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_ae") | ~Q(close_reason=""),
                name="ae_not_ae_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(forwarded_at__isnull=False),
                name="ae_forwarded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Possible AE #{self.pk} from {self.get_source_type_display().lower()}"
