"""Errors that services raise; the API and the pages turn each into one HTTP answer."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The record does not exist, or the firewall hides it: the user cannot tell which."""

    status_code = 404


class Forbidden(DomainError):
    """The record is visible but the role may not take this action; the message names the rule."""

    status_code = 403


class Conflict(DomainError):
    """The write clashes with a stored record (a duplicate, a stale edit)."""

    status_code = 409


class Invalid(DomainError):
    """The input breaks a rule; ``errors`` maps each bad field to what is wrong with it."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        summary = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(summary)
