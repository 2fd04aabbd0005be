"""``kolbridge demo-logins``: the demo users present in this database, with their dev-only
passwords."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kolbridge.core.models import Role, User
from kolbridge.demo.data import DEMO_USERS
from kolbridge.demo.seed import demo_password


class Command(BaseCommand):
    help = "Print the demo logins (username, role, territory, dev-only password)."

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        rows = [
            (u.username, Role(u.role).label, u.territory or "-", demo_password(u.username))
            for u in DEMO_USERS
            if u.username in present
        ]
        if not rows:
            self.stdout.write("No demo users in this database (load them: kolbridge seed-demo).")
            return
        header = ("username", "role", "territory", "password (dev only)")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = (value.ljust(width) for value, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
