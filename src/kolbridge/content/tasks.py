"""Background work of content, through the django-tasks API (run by ``kolbridge db_worker``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from kolbridge.content.services import content_expire_due


def next_run_after(now: datetime) -> datetime:
    """Five past midnight tomorrow, local time."""
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time(0, 5)))


@task()
def expire_content_daily(reschedule: bool = True) -> int:
    """Expire content past its date, then book the next day's run."""
    expired = content_expire_due()
    # A backend that runs tasks at once (tests, development) has no "later" to book.
    if reschedule and expire_content_daily.get_backend().supports_defer:
        expire_content_daily.using(run_after=next_run_after(timezone.now())).enqueue()
    return expired
