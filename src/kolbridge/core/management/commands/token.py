"""``kolbridge token create USERNAME`` prints a new API token and nothing else;
``kolbridge token revoke USERNAME [--token PREFIX]`` revokes one or all of a user's tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kolbridge.core.errors import DomainError
from kolbridge.core.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create or revoke API tokens (stored hashed; shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Print a new token for USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for")
        revoke = sub.add_parser("revoke", help="Revoke USERNAME's tokens")
        revoke.add_argument("username")
        revoke.add_argument("--token", help="The token (or its kb_xxxxxxxx prefix) to revoke")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                raw = token_create(actor=None, username=options["username"], name=options["name"])
                self.stdout.write(raw)
                return
            count = token_revoke(actor=None, username=options["username"], prefix=options["token"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if count == 0:
            raise CommandError("No live token matched; nothing was revoked.")
        self.stderr.write(f"Revoked {count} token(s) of {options['username']}.")
