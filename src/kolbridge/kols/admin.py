"""KOL profiles in the admin are read-only: every change goes through the KOL services so the
audit trail and the history stay whole."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kolbridge.core.admin import ReadOnlyAdmin
from kolbridge.kols.models import Kol, KolExternalId


class ExternalIdInline(admin.TabularInline):
    model = KolExternalId
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Kol)
class KolAdmin(ReadOnlyAdmin):
    list_display = (
        "last_name",
        "first_name",
        "specialty",
        "institution",
        "tier",
        "territory",
        "current_stage",
    )
    list_filter = ("tier", "territory", "current_stage")
    search_fields = ("last_name", "first_name", "institution", "external_ids__value")
    inlines = [ExternalIdInline]
