"""Sections that higher apps add to the interaction page (the pre-call plan before the meeting,
the meeting record after it), e.g. content's "Content presented" with its "Present" buttons.

Higher apps register a provider in their ``AppConfig.ready()``; this app shows what the
providers answer without importing any of them (like ``kols.actions`` and ``kols.timeline``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class SectionAction:
    """A button in the section's header, e.g. "Present" a presentation in this meeting."""

    label: str
    url: str


@dataclass(frozen=True)
class InteractionSection:
    """One card on the interaction page. ``html`` is the body, rendered (and escaped) by the
    providing app's own template."""

    key: str
    title: str
    html: SafeString
    actions: list[SectionAction] = field(default_factory=list)


SectionProvider = Callable[[Any, Any], InteractionSection | None]
_providers: list[SectionProvider] = []


def register_interaction_section(provider: SectionProvider) -> None:
    """Add a section; ``provider(user, interaction)`` answers None when it does not apply
    (the provider asks the policy itself)."""
    _providers.append(provider)


def interaction_sections_for(*, user: Any, interaction: Any) -> list[InteractionSection]:
    return [s for s in (provider(user, interaction) for provider in _providers) if s is not None]
