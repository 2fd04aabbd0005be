"""``kolbridge insights-regroup [--area CODE] [--period quarter|month] [--since DATE]``: group
insights into themes again, one line per group; or, with ``--schedule``, book the nightly
task."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kolbridge.core.errors import Invalid
from kolbridge.insights.themes import PERIODS, RegroupResult, theme_regroup_all


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("a date like 2026-07-01") from None


class Command(BaseCommand):
    help = (
        "Group new and accepted insights into themes per therapeutic area, product and period, "
        "keeping medical leads' names, merges and splits. With --schedule, book the nightly "
        "task instead (kolbridge db_worker runs it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="Only this therapeutic area (its code, e.g. ONC)")
        parser.add_argument(
            "--period", choices=PERIODS, default="quarter", help="Themes per quarter or month"
        )
        parser.add_argument(
            "--since",
            type=_date,
            help="Only periods ending on or after this date (default: all periods)",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Book the nightly regrouping task unless one is already waiting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            self._schedule(options["period"])
            return

        def progress(done: int, total: int, result: RegroupResult) -> None:
            what = (
                f"{len(result.themes)} themes ({result.created} new, {result.removed} removed)"
                if result.changed
                else f"{len(result.themes)} themes, unchanged"
            )
            self.stderr.write(
                f"[{done}/{total}] {result.group.label}: {result.insights:,} insights → {what} "
                f"({result.seconds:.1f} s)"
            )

        try:
            results = theme_regroup_all(
                area=options["area"],
                period=options["period"],
                since=options["since"],
                progress=progress,
            )
        except Invalid as exc:
            raise CommandError(str(exc)) from exc
        changed = sum(1 for r in results if r.changed)
        self.stdout.write(
            f"Regrouped {len(results)} group(s) of {sum(r.insights for r in results):,} "
            f"insights: {sum(len(r.themes) for r in results)} themes, {changed} group(s) changed."
        )

    def _schedule(self, period: str) -> None:
        from django_tasks_db.models import DBTaskResult

        from kolbridge.insights.tasks import next_run_after, regroup_themes

        waiting = DBTaskResult.objects.filter(
            task_path__endswith="regroup_themes", status="READY"
        ).exists()
        if waiting:
            self.stdout.write("The nightly theme regrouping is already booked.")
            return
        regroup_themes.using(run_after=next_run_after(timezone.now())).enqueue(
            period=period, reschedule=True
        )
        self.stdout.write("Booked the nightly theme regrouping.")
