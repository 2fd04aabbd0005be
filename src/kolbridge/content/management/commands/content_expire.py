"""``kolbridge content-expire``: expire content past its date now, or book the daily task."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kolbridge.content.services import content_expire_due


class Command(BaseCommand):
    help = (
        "Expire approved content whose expiry date has passed (and tell the owners of "
        "presentations carrying it). With --schedule, book the daily task for the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Enqueue the daily expiry task (kolbridge db_worker runs it) unless one is "
            "already waiting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from django_tasks_db.models import DBTaskResult

            from kolbridge.content.tasks import expire_content_daily, next_run_after

            waiting = DBTaskResult.objects.filter(
                task_path__endswith="expire_content_daily", status="READY"
            ).exists()
            if waiting:
                self.stdout.write("The daily content expiry task is already booked.")
                return
            expire_content_daily.using(run_after=next_run_after(timezone.now())).enqueue()
            self.stdout.write("Booked the daily content expiry task.")
            return
        count = content_expire_due()
        self.stdout.write(f"Expired {count} content version(s).")
