"""Users and roles, reference data, API tokens and the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Function(models.TextChoices):
    """Which side of the compliance firewall a role sits on."""

    MEDICAL = "medical", "Medical"
    COMMERCIAL = "commercial", "Commercial"
    NONE = "none", "Neither (administration)"


class Role(models.TextChoices):
    MSL = "msl", "Medical Science Liaison"
    MEDICAL_LEAD = "medical_lead", "Medical lead"
    REVIEWER = "reviewer", "MLR reviewer"
    PV_OFFICER = "pv_officer", "Pharmacovigilance officer"
    PRODUCT_MANAGER = "product_manager", "Product manager"
    SALES_REP = "sales_rep", "Sales representative"
    ADMIN = "admin", "Administrator"


ROLE_FUNCTION: dict[str, str] = {
    Role.MSL: Function.MEDICAL,
    Role.MEDICAL_LEAD: Function.MEDICAL,
    Role.REVIEWER: Function.MEDICAL,
    Role.PV_OFFICER: Function.MEDICAL,
    Role.PRODUCT_MANAGER: Function.COMMERCIAL,
    Role.SALES_REP: Function.COMMERCIAL,
    Role.ADMIN: Function.NONE,
}


class Territory(models.Model):
    """A field territory: the KOLs an MSL owns are those of their territory."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    region = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "territories"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class TherapeuticArea(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A marketed or pipeline product; its approved indications define on-label use."""

    name = models.CharField(max_length=120, unique=True)
    generic_name = models.CharField(max_length=120, blank=True)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="products"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Indication(models.Model):
    """A use of a product; only approved indications are on-label."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="indications")
    name = models.CharField(max_length=200)
    approved = models.BooleanField(default=True)
    approved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["product__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"], name="indication_unique_per_product"
            )
        ]

    def __str__(self) -> str:
        status = "approved" if self.approved else "not approved"
        return f"{self.product.name}: {self.name} ({status})"


class User(AbstractUser):
    """A Kolbridge user. The role decides what the firewall lets them see and do."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.MSL)
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team",
        help_text="The medical lead an MSL reports to; a lead sees the KOLs of the team.",
    )
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    @property
    def function(self) -> str:
        return ROLE_FUNCTION[self.role]

    @property
    def is_medical(self) -> bool:
        return self.function == Function.MEDICAL

    @property
    def is_commercial(self) -> bool:
        return self.function == Function.COMMERCIAL


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, blank=True)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"


class AuditEntry(models.Model):
    """One entry of the append-only audit trail, chained to the one before by its hash.

    ``sequence`` is contiguous from 1, so a deleted entry leaves a gap; ``entry_hash`` covers
    every field and the previous entry's hash, so an edited entry breaks the chain.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id", "sequence"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The one row that names the newest audit entry.

    Appends lock this row, so concurrent writers chain one after another, and ``audit verify``
    compares it with the last entry, so deleting the newest entry is detected too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_sequence}"
