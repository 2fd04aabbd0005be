from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from kolbridge.core.services import (
    login_failure_register,
    login_locked_until,
    login_success_register,
)


class LockoutAuthenticationForm(AuthenticationForm):
    """Sign-in that locks an account for a while after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": (
            "This account is locked after too many failed sign-ins. Try again in %(minutes)s "
            "minute(s), or ask an administrator."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        locked_until = login_locked_until(username) if username else None
        if locked_until is not None:
            minutes = max(1, int((locked_until - timezone.now()).total_seconds() // 60) + 1)
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_register(username)
            raise
        if self.user_cache is not None:
            login_success_register(self.user_cache)
        return cleaned
