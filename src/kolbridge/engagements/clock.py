"""Service-level clocks: due dates counted in business days (Monday to Friday)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from kolbridge.engagements.models import Urgency


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` moved forward by ``days`` working days, keeping the time of day."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def inquiry_due_at(received_at: datetime, urgency: str) -> datetime:
    days = (
        settings.KOLBRIDGE_INQUIRY_SLA_URGENT_DAYS
        if urgency == Urgency.URGENT
        else settings.KOLBRIDGE_INQUIRY_SLA_DAYS
    )
    return add_business_days(received_at, days)
