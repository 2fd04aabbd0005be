"""Buttons on the KOL 360 page that lead to other apps ("Plan a meeting", "Capture an
inquiry"). Higher apps register them in their ``AppConfig.ready()``; the page shows those the
user's role may take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from kolbridge.core import policy


@dataclass(frozen=True)
class KolAction:
    label: str
    url: str


@dataclass(frozen=True)
class _Registered:
    resource: str
    action: str
    label: str
    url_name: str


_actions: list[_Registered] = []


def register_kol_action(*, resource: str, action: str, label: str, url_name: str) -> None:
    """``url_name`` is opened with ``?kol=<id>`` so the form starts with this KOL chosen."""
    _actions.append(_Registered(resource, action, label, url_name))


def kol_actions_for(*, user: Any, kol: Any) -> list[KolAction]:
    return [
        KolAction(a.label, f"{reverse(a.url_name)}?kol={kol.pk}")
        for a in _actions
        if policy.can(user, a.resource, a.action)
    ]
