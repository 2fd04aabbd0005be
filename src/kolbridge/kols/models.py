"""The KOL 360: profile, external ids, and the longitudinal history of journey stage,
knowledge, channel preferences and scientific questions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kolbridge.core.models import Product, Territory, TherapeuticArea


class Tier(models.IntegerChoices):
    NATIONAL = 1, "Tier 1 — national / international"
    REGIONAL = 2, "Tier 2 — regional"
    LOCAL = 3, "Tier 3 — local"


class Stage(models.TextChoices):
    """The KOL's learning-journey stage, in order."""

    UNAWARE = "unaware", "Unaware"
    AWARE = "aware", "Aware"
    EXPLORING = "exploring", "Exploring"
    EVALUATING = "evaluating", "Evaluating"
    ADOPTING = "adopting", "Adopting"
    ADVOCATING = "advocating", "Advocating"


class KnowledgeLevel(models.IntegerChoices):
    LIMITED = 1, "Limited"
    BASIC = 2, "Basic"
    INTERMEDIATE = 3, "Intermediate"
    ADVANCED = 4, "Advanced"
    EXPERT = 5, "Expert"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CONGRESS = "congress", "Congress"
    WEBINAR = "webinar", "Webinar"


class ExternalIdSystem(models.TextChoices):
    NPI = "npi", "NPI"
    ORCID = "orcid", "ORCID"
    CRM = "crm", "CRM id"
    OPENALEX = "openalex", "OpenAlex id"


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class Kol(models.Model):
    """A key opinion leader or other HCP: the master data every role may see."""

    title = models.CharField(max_length=40, blank=True, help_text="e.g. Dr, Prof.")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, db_index=True)
    specialty = models.CharField(max_length=120)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.LOCAL)
    institution = models.CharField(max_length=200, help_text="Primary affiliation")
    department = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code")
    other_affiliations = models.JSONField(default=list, blank=True)
    email = models.EmailField(blank=True)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="kols")
    therapeutic_areas = models.ManyToManyField(TherapeuticArea, blank=True, related_name="kols")
    # The newest stage is kept on the profile (written only by the stage service, in the same
    # transaction as the history row) so that lists can filter by stage without scanning history.
    current_stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.UNAWARE, db_index=True
    )
    stage_since = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["territory", "last_name"]),
            models.Index(fields=["tier", "last_name"]),
        ]
        verbose_name = "KOL"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


class KolExternalId(models.Model):
    """An identifier of the KOL in another system; one value belongs to one KOL per system."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="external_ids")
    system = models.CharField(max_length=20, choices=ExternalIdSystem.choices)
    value = models.CharField(max_length=100)

    class Meta:
        ordering = ["system"]
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="external_id_unique_value"),
            models.UniqueConstraint(fields=["kol", "system"], name="external_id_one_per_system"),
        ]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.value}"


class KolSearchToken(models.Model):
    """One word a KOL can be found by (see ``kols.search``); written with the profile."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "kol"], name="search_token_once_per_kol")
        ]

    def __str__(self) -> str:
        return self.token


class HistoryEntry(models.Model):
    """What every longitudinal record carries: the KOL, when it held, who recorded it."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True


class KolStageChange(HistoryEntry):
    """The KOL moved to a learning-journey stage at a point in time."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    previous_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["kol", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.changed_at:%Y-%m-%d}"


class KolKnowledgeAssessment(HistoryEntry):
    """How well the KOL knows a therapeutic area or a product, as assessed at a time."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="knowledge_assessments")
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(choices=KnowledgeLevel.choices)
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["kol", "assessed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(therapeutic_area__isnull=False, product__isnull=True)
                    | Q(therapeutic_area__isnull=True, product__isnull=False)
                ),
                name="knowledge_about_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_level_display()}"

    @property
    def subject(self) -> str:
        return str(self.product or self.therapeutic_area)


class KolChannelPreference(HistoryEntry):
    """The KOL's preferred channels and times, and e-mail consent, from a point in time on."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="channel_preferences")
    channels = models.JSONField(default=list)
    preferred_times = models.CharField(max_length=200, blank=True)
    email_consent = models.BooleanField(default=False)
    effective_at = models.DateTimeField()

    class Meta:
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["kol", "effective_at"])]

    def __str__(self) -> str:
        return f"{', '.join(self.channels) or 'no channels'} from {self.effective_at:%Y-%m-%d}"


class ScientificQuestion(models.Model):
    """A scientific question the KOL raised; medical only."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["kol", "status", "asked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", answered_at__isnull=True)
                | Q(status="answered", answered_at__isnull=False),
                name="question_answered_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
