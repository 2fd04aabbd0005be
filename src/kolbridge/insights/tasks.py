"""Background work of insights, through the django-tasks API (run by ``kolbridge db_worker``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from kolbridge.insights.themes import period_of, theme_regroup_all

# After midnight, when the day's insights are in and few people are at work.
NIGHTLY_AT = time(2, 30)


def next_run_after(now: datetime) -> datetime:
    """Half past two tomorrow, local time."""
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, NIGHTLY_AT))


def default_since(today: date, period: str) -> date:
    """The start of the previous period: insights still arrive (and get reviewed) for the last
    quarter in the first weeks of the new one; older periods have settled."""
    current_start, _ = period_of(today, period)
    return period_of(current_start - timedelta(days=1), period)[0]


@task()
def regroup_themes(
    period: str = "quarter",
    since: str | None = None,
    area: str | None = None,
    reschedule: bool = False,
) -> dict[str, int]:
    """Group insights into themes again (the current and previous period unless ``since``, an
    ISO date, says otherwise). The nightly run books the next one."""
    start = date.fromisoformat(since) if since else default_since(timezone.localdate(), period)
    results = theme_regroup_all(area=area, period=period, since=start)
    # A backend that runs tasks at once (tests, development) has no "later" to book.
    if reschedule and regroup_themes.get_backend().supports_defer:
        regroup_themes.using(run_after=next_run_after(timezone.now())).enqueue(
            period=period, reschedule=True
        )
    return {
        "groups": len(results),
        "changed": sum(1 for r in results if r.changed),
        "insights": sum(r.insights for r in results),
        "themes": sum(len(r.themes) for r in results),
    }
