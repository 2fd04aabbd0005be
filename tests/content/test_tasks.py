"""The daily expiry: the django-tasks task (immediate in tests; once on the database backend
with the real ``db_worker``) and the ``content_expire`` command."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus

from kolbridge.content.models import ItemVersion
from kolbridge.content.tasks import expire_content_daily, next_run_after

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def past_due(item) -> None:
    """Let the item's expiry date pass (as if days went by)."""
    ItemVersion.objects.filter(item=item).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )


def test_the_next_run_is_five_past_midnight_tomorrow():
    now = timezone.make_aware(datetime(2025, 3, 14, 16, 30))
    assert next_run_after(now) == timezone.make_aware(datetime(2025, 3, 15, 0, 5))
    just_after = timezone.make_aware(datetime.combine(datetime(2025, 3, 15), time(0, 5, 1)))
    assert next_run_after(just_after) == timezone.make_aware(datetime(2025, 3, 16, 0, 5))


@pytest.mark.django_db
def test_the_daily_task_expires_due_content_and_succeeds(make_item):
    item = make_item()
    past_due(item)
    result = expire_content_daily.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value == 1
    item.refresh_from_db()
    assert item.status == "expired"


@pytest.mark.django_db
def test_the_daily_task_books_its_next_run_on_the_database_backend(settings, make_item):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    expire_content_daily.call()
    [booked] = DBTaskResult.objects.all()
    assert booked.task_path.endswith("expire_content_daily")
    assert booked.status == "READY"
    assert booked.run_after == next_run_after(timezone.now())


@pytest.mark.django_db
def test_the_command_expires_due_content_now(make_item):
    item = make_item()
    past_due(item)
    out = StringIO()
    call_command("content_expire", stdout=out)
    assert out.getvalue().strip() == "Expired 1 content version(s)."
    item.refresh_from_db()
    assert item.status == "expired"


@pytest.mark.django_db
def test_the_command_books_the_daily_task_once(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    out = StringIO()
    call_command("content_expire", "--schedule", stdout=out)
    call_command("content_expire", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == [
        "Booked the daily content expiry task.",
        "The daily content expiry task is already booked.",
    ]
    [booked] = DBTaskResult.objects.all()
    assert booked.run_after == next_run_after(timezone.now())


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_runs_the_task_and_the_task_books_the_next_day(settings, make_item):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    item = make_item()
    past_due(item)
    expire_content_daily.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    item.refresh_from_db()
    assert item.status == "expired"
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value == 1
    [booked] = DBTaskResult.objects.filter(status="READY")
    assert booked.run_after > timezone.now()


@pytest.mark.django_db
def test_a_backend_that_runs_tasks_at_once_books_no_next_run(make_item):
    from django_tasks_db.models import DBTaskResult

    result = expire_content_daily.enqueue(reschedule=True)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert DBTaskResult.objects.count() == 0
