"""``kolbridge seed-demo [--kols N] [--interactions N] [--insights N] [--seed S] [--no-content]
[--if-empty]``: load the deterministic demo company into an empty database. On a database
that already holds data it writes nothing and exits with status 3, so a caller can tell
"already loaded" from a failure; with ``--if-empty`` it says so in one line and exits with
status 0 (``make run`` uses this)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kolbridge.demo.engagements import INTERACTIONS_PER_KOL
from kolbridge.demo.insights import INSIGHTS_PER_INTERACTION, MAX_DEFAULT_INSIGHTS
from kolbridge.demo.seed import DatabaseNotEmpty, SeedProgress, seed_demo

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
        "history, their interactions, inquiries and follow-ups, the content library with its "
        "presentations and share links, field insights with their review, adverse-event "
        "reports, themes and product managers' questions) into an empty database. Exits with "
        "status 3, writing nothing, if the database already holds data (status 0 with "
        "--if-empty)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kols", type=_count, default=300, help="How many KOLs (300)")
        parser.add_argument(
            "--interactions",
            type=_count,
            default=None,
            help=f"How many interactions in all ({INTERACTIONS_PER_KOL} per KOL)",
        )
        parser.add_argument(
            "--insights",
            type=_count,
            default=None,
            help=f"About how many field insights ({INSIGHTS_PER_INTERACTION:g} per interaction, "
            f"at most {MAX_DEFAULT_INSIGHTS:,}; 0 for none)",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42)")
        parser.add_argument(
            "--no-content",
            action="store_true",
            help="Leave the content library empty (faster; KOLs and engagements need none of it)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="On a database that already holds data, say so and exit with status 0",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        last_report = started

        def progress(done: SeedProgress) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= PROGRESS_EVERY or done.kols == done.kols_total:
                last_report = now
                self.stderr.write(
                    f"KOLs {done.kols:,}/{done.kols_total:,}, interactions "
                    f"{done.interactions:,}/{done.interactions_total:,} ({now - started:.0f} s)"
                )

        try:
            summary = seed_demo(
                kols=options["kols"],
                interactions=options["interactions"],
                seed=options["seed"],
                progress=progress,
                content=not options["no_content"],
                insights=options["insights"],
            )
        except DatabaseNotEmpty as exc:
            if options["if_empty"]:
                self.stderr.write(f"{exc} Demo data not loaded; the database is left as it is.")
                return
            raise CommandError(
                f"{exc} seed-demo only fills an empty database and has written nothing. "
                "Start from a fresh one (for the default SQLite file, remove "
                "var/kolbridge.sqlite3 and run `kolbridge migrate`).",
                returncode=ALREADY_LOADED_STATUS,
            ) from exc
        c = summary.counts
        library = (
            f"  {c['content items']} content items ({c['approved content items']} approved, "
            f"{c['in_review content items']} in MLR review, {c['draft content items']} drafts, "
            f"{c['expired content items']} expired, {c['withdrawn content items']} withdrawn) "
            f"of {c['content modules']} modules; {c['presentations']} presentations "
            f"({c['content presented']} slides presented in meetings), "
            f"{c['share links']} share links with {c['share opens']:,} opens and "
            f"{c['view events']:,} view events\n"
            if c["content items"]
            else "  no content library (--no-content)\n"
        )
        insights = (
            f"  {c['insights']:,} insights ({c['accepted insights']:,} accepted, "
            f"{c['new insights']:,} new, {c['rejected insights']:,} rejected, "
            f"{c['merged insights']:,} merged; {c['released insights']:,} released), "
            f"{c['themes']} themes ({c['released themes']} released), "
            f"{c['insight actions']} actions; {c['adverse-event reports']} adverse-event reports "
            f"({c['open adverse-event reports']} open, "
            f"{c['forwarded adverse-event reports']} forwarded, "
            f"{c['not_ae adverse-event reports']} closed as not an AE); "
            f"{c['PM questions']} PM questions\n"
            if c["insights"]
            else "  no insights\n"
        )
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
            f"  {c['interactions']:,} interactions "
            f"(raising {c['questions raised in interactions']:,} of the questions), "
            f"{c['inquiries']:,} inquiries, {c['follow-ups']:,} follow-ups; meetings planned "
            f"and items due around {summary.today:%Y-%m-%d}\n"
            f"{library}"
            f"{insights}"
            f"  {c['audit entries']:,} audit entries\n"
            "Demo logins: kolbridge demo-logins"
        )
