"""Content: the modular library, MLR review with e-signatures, personalized presentations,
share links and what the recipients did with them.

An item (deck, reprint, video, infographic, FAQ answer) is a series of versions; each version
carries its own file, classification and ordered modules, so an approved version stays in use
unchanged while its successor is drafted and reviewed. Modules (claims, figures, key messages,
text blocks) are shared between items and versioned the same way. Presentations, share links
and presented-content records point at exact versions: what a KOL saw is what was approved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kolbridge.core.models import Indication, Product, TherapeuticArea
from kolbridge.engagements.models import Inquiry, Interaction
from kolbridge.kols.models import Kol


class ContentKind(models.TextChoices):
    DECK = "deck", "Slide deck (PDF)"
    REPRINT = "reprint", "Publication reprint (PDF)"
    VIDEO = "video", "Video"
    INFOGRAPHIC = "infographic", "Infographic (image)"
    FAQ = "faq", "Standard response / FAQ"


class Usage(models.TextChoices):
    PROACTIVE = "proactive_on_label", "Proactive (on-label)"
    REACTIVE = "reactive_only", "Reactive only (answers an unsolicited request)"


class Audience(models.TextChoices):
    MEDICAL_EXTERNAL = "medical_external", "Medical, external"
    COMMERCIAL = "commercial", "Commercial, promotional"
    INTERNAL_TRAINING = "internal_training", "Internal training"


class ItemStatus(models.TextChoices):
    """Where the item as a whole stands, as the library shows it."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In MLR review"
    APPROVED = "approved", "Approved"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In MLR review"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded by a newer approved version"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContentItem(models.Model):
    """A piece of content in the library; what it says lives in its versions."""

    kind = models.CharField(max_length=20, choices=ContentKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="content_items"
    )
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT, db_index=True
    )
    # The version in use (approved) — or, before any approval, the newest draft. Library
    # filters and search read this one.
    current_version = models.ForeignKey(
        "ItemVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_version = models.ForeignKey(
        "ItemVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The newest version: the approved one, or a draft / review that will replace it.
    working_version = models.ForeignKey(
        "ItemVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="content_item_withdrawn_has_time",
            ),
        ]

    def __str__(self) -> str:
        title = self.current_version.title if self.current_version_id else "untitled"  # type: ignore[union-attr]
        return f"{self.get_kind_display()}: {title}"

    @property
    def title(self) -> str:
        return self.current_version.title if self.current_version else ""


class ItemVersion(models.Model):
    """One version of an item: its file or text, classification and ordered modules."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # Standard responses are rich text, kept sanitised (see content.richtext).
    body = models.TextField(blank=True)
    change_summary = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to="content/items/%Y/%m/", blank=True, max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_mime = models.CharField(max_length=100, blank=True)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="+"
    )
    products = models.ManyToManyField(Product, related_name="+")
    indications = models.ManyToManyField(Indication, blank=True, related_name="+")
    audience_medical_external = models.BooleanField(default=True)
    audience_commercial = models.BooleanField(default=False)
    audience_internal_training = models.BooleanField(default=False)
    usage = models.CharField(max_length=30, choices=Usage.choices, default=Usage.PROACTIVE)
    expires_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Each submission starts a new round; sign-offs count only in the current round.
    review_round = models.PositiveIntegerField(default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    modules: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "ModuleVersion", through="ItemVersionModule", related_name="item_versions"
    )

    class Meta:
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique_number"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="item_version_approved_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def audiences(self) -> list[str]:
        flags = [
            (self.audience_medical_external, Audience.MEDICAL_EXTERNAL),
            (self.audience_commercial, Audience.COMMERCIAL),
            (self.audience_internal_training, Audience.INTERNAL_TRAINING),
        ]
        return [str(a) for on, a in flags if on]

    def is_expired(self, today: date | None = None) -> bool:
        return self.expires_on < (today or timezone.localdate())


class ModuleKind(models.TextChoices):
    CLAIM = "claim", "Claim"
    FIGURE = "figure", "Figure"
    KEY_MESSAGE = "key_message", "Key message"
    TEXT_BLOCK = "text_block", "Text block"


class ModuleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded by a newer approved version"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContentModule(models.Model):
    """A reusable piece of content that several items can carry."""

    kind = models.CharField(max_length=20, choices=ModuleKind.choices)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    latest_version = models.ForeignKey(
        "ModuleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_version = models.ForeignKey(
        "ModuleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        title = self.latest_version.title if self.latest_version_id else "untitled"  # type: ignore[union-attr]
        return f"{self.get_kind_display()}: {title}"


class ModuleVersion(models.Model):
    """One wording of a module. A claim carries its references (PMID or DOI)."""

    module = models.ForeignKey(ContentModule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=ModuleStatus.choices, default=ModuleStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    # [{"type": "pmid" | "doi", "value": "..."}], checked by content.references.
    references = models.JSONField(default=list, blank=True)
    figure = models.FileField(upload_to="content/figures/%Y/%m/", blank=True, max_length=255)
    figure_sha256 = models.CharField(max_length=64, blank=True)
    figure_mime = models.CharField(max_length=100, blank=True)
    # Title, text and references flattened for the library search.
    search_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["module_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "number"], name="module_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (module {self.module_id} v{self.number})"


class ItemVersionModule(models.Model):
    """The modules of an item version, in order."""

    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.CASCADE, related_name="module_links"
    )
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.PROTECT, related_name="item_links"
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["item_version_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_version", "position"], name="item_version_module_position"
            ),
            models.UniqueConstraint(
                fields=["item_version", "module_version"], name="item_version_module_once"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Module version {self.module_version_id} at {self.position} in {self.item_version_id}"
        )


class ReviewDiscipline(models.TextChoices):
    MEDICAL = "medical", "Medical"
    LEGAL = "legal", "Legal"
    REGULATORY = "regulatory", "Regulatory"


class ReviewSignature(models.Model):
    """An MLR e-signature: the signer re-entered their password and stated its meaning."""

    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    review_round = models.PositiveIntegerField()
    discipline = models.CharField(max_length=20, choices=ReviewDiscipline.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    meaning = models.CharField(max_length=300)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_version", "review_round", "discipline"],
                name="review_signature_one_per_discipline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} sign-off on version {self.item_version_id}"


class ReviewEventKind(models.TextChoices):
    CREATED = "created", "Draft created"
    SUBMITTED = "submitted", "Sent for MLR review"
    SIGNED = "signed", "Signed"
    RETURNED = "returned", "Returned to draft with comments"
    APPROVED = "approved", "Approved"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReviewEvent(models.Model):
    """The review history of a version, as the item page shows it."""

    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.CASCADE, related_name="review_events"
    )
    kind = models.CharField(max_length=20, choices=ReviewEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"


class Presentation(models.Model):
    """An MSL's personalized, ordered selection of approved items and modules for one KOL."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="presentations"
    )
    kol = models.ForeignKey(Kol, on_delete=models.PROTECT, related_name="presentations")
    title = models.CharField(max_length=200)
    private_note = models.TextField(blank=True)
    # Reactive-only material may be carried only in answer to this unsolicited inquiry.
    inquiry = models.ForeignKey(
        Inquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="presentations"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PresentationSlot(models.Model):
    """One place in a presentation: a whole item, or one module of it, at an exact version."""

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField()
    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="+")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    module_version = models.ForeignKey(
        ModuleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A newer version was approved whose change the owner must look at before using it.
    needs_review = models.BooleanField(default=False)

    class Meta:
        ordering = ["presentation_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation", "position"], name="presentation_slot_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def title(self) -> str:
        return self.module_version.title if self.module_version else self.item_version.title


class NoticeKind(models.TextChoices):
    UPDATED = "updated", "Updated to the newly approved version"
    NEEDS_REVIEW = "needs_review", "A newer approved version needs your review"
    EXPIRED = "expired", "Material expired"
    WITHDRAWN = "withdrawn", "Material withdrawn"


class PresentationNotice(models.Model):
    """Something that happened to material a presentation carries, told to its owner."""

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="notices")
    slot = models.ForeignKey(
        PresentationSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    message = models.TextField()
    # For "needs review": the version the slot may move to once the owner accepts it.
    proposed_item_version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_module_version = models.ForeignKey(
        ModuleVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["presentation", "resolved_at"])]

    def __str__(self) -> str:
        return self.message


class PresentedContent(models.Model):
    """Content presented in an interaction, with the time spent on it: what was shown is
    frozen at the exact versions."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, related_name="content_presented"
    )
    presentation = models.ForeignKey(
        Presentation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    module_version = models.ForeignKey(
        ModuleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField()
    seconds = models.PositiveIntegerField()
    presented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    presented_at = models.DateTimeField()

    class Meta:
        ordering = ["interaction_id", "position"]
        indexes = [models.Index(fields=["item_version"])]

    def __str__(self) -> str:
        return f"Presented {self.item_version_id} for {self.seconds} s"


class EmailTemplate(models.Model):
    """An approved e-mail text for sending a share link. Placeholders: {kol_name},
    {msl_name}, {link}, {expires_on}, {contact}."""

    name = models.CharField(max_length=120, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    approved = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShareLink(models.Model):
    """A tokened link through which one KOL sees shared material without signing in.

    Only the SHA-256 of the token is stored; the token itself is shown once to the sender and
    carried in the e-mail."""

    token_hash = models.CharField(max_length=64, unique=True)
    kol = models.ForeignKey(Kol, on_delete=models.PROTECT, related_name="share_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="share_links"
    )
    presentation = models.ForeignKey(
        Presentation, null=True, blank=True, on_delete=models.PROTECT, related_name="share_links"
    )
    item = models.ForeignKey(
        ContentItem, null=True, blank=True, on_delete=models.PROTECT, related_name="share_links"
    )
    inquiry = models.ForeignKey(
        Inquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="share_links"
    )
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    email_template = models.ForeignKey(
        EmailTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emailed_to = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kol", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(presentation__isnull=False) | Q(item__isnull=False),
                name="share_link_has_material",
            ),
        ]

    def __str__(self) -> str:
        return f"Share link {self.pk}: {self.title}"


class SharedModule(models.Model):
    """What a share link carries, frozen at the versions of the moment it was shared."""

    share_link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField()
    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="+")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    module_version = models.ForeignKey(
        ModuleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["share_link_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["share_link", "position"], name="shared_module_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def title(self) -> str:
        return self.module_version.title if self.module_version else self.item_version.title


class ShareOpen(models.Model):
    """One opening of a share link's viewer page."""

    share_link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="opens")
    opened_at = models.DateTimeField()
    # Set when the viewer's script reported in: it sends dwell beacons for this open.
    scripted = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["share_link", "opened_at"])]

    def __str__(self) -> str:
        return f"Open of link {self.share_link_id} at {self.opened_at:%Y-%m-%d %H:%M}"


class ViewEventKind(models.IntegerChoices):
    DWELL = 1, "Time on a module"
    DOWNLOAD = 2, "Download"


class ViewEvent(models.Model):
    """Time on one shared module, or a download, during one open of the viewer."""

    id = models.BigAutoField(primary_key=True)
    share_link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="+")
    open = models.ForeignKey(ShareOpen, on_delete=models.CASCADE, related_name="events")
    kind = models.PositiveSmallIntegerField(choices=ViewEventKind.choices)
    position = models.PositiveIntegerField()
    seconds = models.PositiveIntegerField(default=0)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["share_link", "position"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.position}: {self.seconds} s"
