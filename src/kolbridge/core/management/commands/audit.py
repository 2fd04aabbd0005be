"""``kolbridge audit verify``: walk the hash chain; exit non-zero naming the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kolbridge.core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check that no entry was edited or deleted")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail broken at entry #{result.broken_sequence}: {result.problem} "
                f"({result.checked} entries before it are intact)."
            )
        self.stdout.write(f"Audit trail intact: {result.checked} entries verified.")
