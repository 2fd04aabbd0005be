"""Django admin: reference data is edited here (through the audited services); users, tokens
and the audit trail are shown read-only — users change through `kolbridge user`, and nothing
may change the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kolbridge.core.models import (
    ApiToken,
    AuditEntry,
    Indication,
    Product,
    Territory,
    TherapeuticArea,
    User,
)
from kolbridge.core.services import reference_data_delete, reference_data_save


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedReferenceAdmin(admin.ModelAdmin):
    """Saves and deletes go through the reference-data services, which write the audit trail."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        reference_data_save(actor=request.user, instance=obj, created=not change)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        reference_data_delete(actor=request.user, instance=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            reference_data_delete(actor=request.user, instance=obj)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            reference_data_delete(actor=request.user, instance=obj)  # type: ignore[arg-type]
        for obj in instances:
            reference_data_save(actor=request.user, instance=obj, created=obj.pk is None)  # type: ignore[arg-type]
        formset.save_m2m()


@admin.register(Territory)
class TerritoryAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "region")
    search_fields = ("code", "name", "region")


@admin.register(TherapeuticArea)
class TherapeuticAreaAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class IndicationInline(admin.TabularInline):
    model = Indication
    extra = 0


@admin.register(Product)
class ProductAdmin(AuditedReferenceAdmin):
    list_display = ("name", "generic_name", "therapeutic_area")
    list_filter = ("therapeutic_area",)
    search_fields = ("name", "generic_name")
    inlines = [IndicationInline]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "territory",
        "manager",
        "is_active",
        "locked_until",
    )
    list_filter = ("role", "territory", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    exclude = ("password",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "sequence",
        "at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "object_repr",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_username", "object_id")
    date_hierarchy = "at"
