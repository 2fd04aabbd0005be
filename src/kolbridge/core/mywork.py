""" "My work": the signed-in user's start page gathers sections that each app registers in its
``AppConfig.ready()``, so core shows them without importing any domain app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str = ""
    when: datetime | date | None = None
    detail: str = ""
    overdue: bool = False

    @property
    def when_label(self) -> str:
        if isinstance(self.when, datetime):
            return formats.date_format(timezone.localtime(self.when), "D j M, H:i")
        if isinstance(self.when, date):
            return formats.date_format(self.when, "D j M")
        return ""


@dataclass(frozen=True)
class WorkSection:
    key: str
    title: str
    items: list[WorkItem] = field(default_factory=list)
    empty_text: str = "Nothing here."
    more_url: str = ""


SectionProvider = Callable[[Any], WorkSection | None]
_sections: list[SectionProvider] = []


def register_my_work_section(provider: SectionProvider) -> None:
    """Add a section; the provider returns None when the section does not apply to the user."""
    _sections.append(provider)


def my_work_for(user: Any) -> list[WorkSection]:
    return [s for s in (provider(user) for provider in _sections) if s is not None]
