"""An interaction as an iCalendar event, for the MSL's own calendar."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from kolbridge.engagements.models import Interaction, InteractionStatus


def interaction_ics(interaction: Interaction) -> bytes:
    """One VEVENT. It carries who and when, never objectives, notes or questions: calendars get
    synced to places the firewall does not reach."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kolbridge//Engagements//EN")
    calendar.add("version", "2.0")
    event = Event()
    names = ", ".join(k.display_name for k in interaction.kols.all())
    event.add("uid", f"interaction-{interaction.pk}@kolbridge")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", interaction.starts_at)
    event.add("dtend", interaction.starts_at + timedelta(minutes=interaction.duration_minutes))
    event.add("summary", f"{interaction.get_channel_display()}: {names}")
    event.add("description", "Details and the pre-call plan are in Kolbridge.")
    event.add("sequence", interaction.version)
    status = {
        InteractionStatus.PLANNED: "CONFIRMED",
        InteractionStatus.COMPLETED: "CONFIRMED",
        InteractionStatus.CANCELLED: "CANCELLED",
    }[InteractionStatus(interaction.status)]
    event.add("status", status)
    calendar.add_component(event)
    return calendar.to_ical()
