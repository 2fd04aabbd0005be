"""``kolbridge seed-demo [--kols N] [--seed S]``: load the deterministic demo company into an
empty database. On a database that already holds data it writes nothing and exits with
status 3, so a caller can tell "already loaded" from a failure."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kolbridge.demo.seed import DatabaseNotEmpty, seed_demo

ALREADY_LOADED_STATUS = 3
# Long runs report progress at most this often (seconds), short ones only at the end.
PROGRESS_EVERY = 2.0


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = (
        "Load deterministic demo data (reference data, one user per role, KOLs with years of "
        "history) into an empty database. Exits with status 3, writing nothing, if the "
        "database already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kols", type=_count, default=300, help="How many KOLs (300)")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        last_report = started

        def progress(done: int, total: int) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= PROGRESS_EVERY or done == total:
                last_report = now
                self.stderr.write(f"KOLs {done:,}/{total:,} ({now - started:.0f} s)")

        try:
            summary = seed_demo(kols=options["kols"], seed=options["seed"], progress=progress)
        except DatabaseNotEmpty as exc:
            raise CommandError(
                f"{exc} seed-demo only fills an empty database and has written nothing. "
                "Start from a fresh one (for the default SQLite file, remove "
                "var/kolbridge.sqlite3 and run `kolbridge migrate`).",
                returncode=ALREADY_LOADED_STATUS,
            ) from exc
        c = summary.counts
        self.stdout.write(
            f"Demo data loaded (seed {summary.seed}) in {summary.seconds:.1f} s:\n"
            f"  {c['therapeutic areas']} therapeutic areas, {c['products']} products "
            f"({c['indications']} indications), {c['territories']} territories, "
            f"{c['users']} users\n"
            f"  {c['KOLs']:,} KOLs with {c['external ids']:,} external ids and "
            f"{summary.history_rows:,} history rows ({c['stage changes']:,} stage changes, "
            f"{c['knowledge assessments']:,} knowledge assessments, "
            f"{c['channel preferences']:,} channel preferences, "
            f"{c['scientific questions']:,} scientific questions)\n"
            f"  {c['audit entries']:,} audit entries\n"
            "Demo logins: kolbridge demo-logins"
        )
