from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["core"])


class HealthOut(Schema):
    status: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    function: str
    territory: str | None


@router.get("/health", auth=None, response=HealthOut, summary="Liveness check (no sign-in)")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me", response=MeOut, summary="Who the caller is: role and function")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),  # type: ignore[union-attr]
        "role": user.role,  # type: ignore[union-attr]
        "function": user.function,  # type: ignore[union-attr]
        "territory": user.territory.code if user.territory_id else None,  # type: ignore[union-attr]
    }
