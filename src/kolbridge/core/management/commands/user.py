"""``kolbridge user add USERNAME --role ROLE --password PW [--territory CODE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kolbridge.core.errors import DomainError
from kolbridge.core.models import Role, User
from kolbridge.core.services import user_add, user_change_role


class Command(BaseCommand):
    help = "Manage users: add a user with a role, or change a user's role."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a user with a role")
        add.add_argument("username")
        add.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}")
        add.add_argument("--password", required=True)
        add.add_argument("--territory", help="Territory code (for field roles)")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--email", default="")
        role = sub.add_parser("set-role", help="Change a user's role (and territory)")
        role.add_argument("username")
        role.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}")
        role.add_argument("--territory", help="Territory code; an empty value clears it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "add":
                user = user_add(
                    actor=None,
                    username=options["username"],
                    role=options["role"],
                    password=options["password"],
                    territory_code=options["territory"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    email=options["email"],
                )
                self.stdout.write(f"Added {user.username} ({user.get_role_display()}).")
            else:
                found = User.objects.filter(username=options["username"]).first()
                if found is None:
                    raise CommandError(f"No user named {options['username']!r}.")
                user = user_change_role(
                    actor=None,
                    user=found,
                    role=options["role"],
                    territory_code=options["territory"],
                )
                self.stdout.write(f"{user.username} is now {user.get_role_display()}.")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
