"""Small helpers for API tests: JSON requests under /api/v1 and reading error answers."""

from __future__ import annotations

from typing import Any

from django.test import Client

API = "/api/v1"
PASSWORD = "Kolbridge-tests-only-9f3"  # every persona's password (MD5-hashed in tests)


def get(client: Client, path: str, **params: Any):
    return client.get(API + path, params)


def post(client: Client, path: str, data: Any):
    return client.post(API + path, data, content_type="application/json")


def patch(client: Client, path: str, data: Any):
    return client.patch(API + path, data, content_type="application/json")


def field_of(loc: list[Any]) -> str:
    """The input field a 422 ``loc`` points at: ``["body", "payload", "channels", 0]`` and
    ``["query", "limit"]`` name ``channels`` and ``limit``."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "filters"}:
        parts = parts[1:]
    return str(parts[0])


def bad_fields(response) -> set[str]:
    """The fields a 422 answer names, each problem with a message."""
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for problem in detail:
        assert problem["msg"]
    return {field_of(problem["loc"]) for problem in detail}


def detail(response) -> str:
    return response.json()["detail"]
