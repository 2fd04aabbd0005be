from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kolbridge.core import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the signed-in role may do, so the navigation shows only what fits the role."""
    user = request.user
    return {"allowed": policy.allowed_actions(user, policy.FIREWALL)}
