from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every error answer: a sentence, or for 422 a list of {loc, msg, type} per bad field."""

    detail: str | list[dict[str, Any]]
