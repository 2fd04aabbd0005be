"""Every write of engagements: planning, logging, completing and cancelling interactions;
capturing, referring, answering and closing inquiries; follow-ups.

Each service checks the policy, validates, saves and writes the audit entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.audit import audit_record, snapshot
from kolbridge.core.errors import Conflict, Invalid
from kolbridge.core.fieldtext import FieldText, attach_notices, field_text_entered
from kolbridge.core.models import Role, User
from kolbridge.core.validation import (
    full_clean_or_invalid,
    product_by_name,
    products_by_names,
    therapeutic_area_by_code,
)
from kolbridge.engagements.clock import inquiry_due_at
from kolbridge.engagements.models import (
    FollowUp,
    FollowUpStatus,
    Inquiry,
    InquirySource,
    InquiryStatus,
    Interaction,
    InteractionAttendee,
    InteractionKind,
    InteractionQuestion,
    InteractionStaff,
    InteractionStatus,
    Urgency,
)
from kolbridge.engagements.policies import team_ids
from kolbridge.kols.models import Channel, Kol
from kolbridge.kols.services import kol_question_add

INTERACTION_FIELDS = (
    "status",
    "kind",
    "channel",
    "starts_at",
    "duration_minutes",
    "therapeutic_area",
    "objectives",
    "notes",
    "outcome",
    "next_steps",
    "completed_at",
    "cancelled_at",
    "cancel_reason",
)
INQUIRY_FIELDS = (
    "kol",
    "question",
    "product",
    "channel_received",
    "received_at",
    "urgency",
    "due_at",
    "status",
    "source",
    "response",
    "responder",
    "responded_at",
    "delivery_channel",
    "closed_at",
)
FIELD_ROLES = {Role.MSL, Role.MEDICAL_LEAD}


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _interaction_snapshot(interaction: Interaction) -> dict[str, Any]:
    data = snapshot(interaction, INTERACTION_FIELDS)
    data["kols"] = sorted(interaction.kols.values_list("pk", flat=True))
    data["msls"] = sorted(interaction.msls.values_list("username", flat=True))
    data["products"] = sorted(interaction.products.values_list("name", flat=True))
    return data


def _audit_interaction(
    actor: User, action: str, interaction: Interaction, before: Any, after: Any, reason: str = ""
) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    audit_record(
        actor=actor,
        action=action,
        object_type="interaction",
        object_id=interaction.pk,
        object_repr=str(interaction),
        before=before,
        after=after,
        reason=reason,
    )


def _screen(
    record: Any,
    source_type: str,
    text: str,
    actor: User,
    kol_id: int | None,
    product_id: int | None,
) -> None:
    """Hand field text to the adverse-event screening; whatever it finds never stops the save."""
    notices = field_text_entered(
        FieldText(source_type, record.pk, text, actor, kol_id=kol_id, product_id=product_id)
    )
    attach_notices(record, notices)


def _screen_interaction(interaction: Interaction, actor: User) -> None:
    kol_ids = list(interaction.kols.values_list("pk", flat=True))
    product_ids = list(interaction.products.values_list("pk", flat=True))
    text = "\n".join(
        t for t in (interaction.notes, interaction.outcome, interaction.next_steps) if t
    )
    _screen(
        interaction,
        "interaction",
        text,
        actor,
        kol_ids[0] if len(kol_ids) == 1 else None,
        product_ids[0] if len(product_ids) == 1 else None,
    )


def _attendees(actor: User, kol_ids: Iterable[int]) -> list[Kol]:
    ids = list(dict.fromkeys(kol_ids))
    if not ids:
        raise Invalid({"kols": ["An interaction needs at least one HCP attendee."]})
    visible = policy.visible(actor, "kol", Kol.objects.filter(pk__in=ids))
    found = {k.pk: k for k in visible}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise Invalid({"kols": [f"Unknown KOL id(s) for you: {', '.join(missing)}."]})
    return [found[i] for i in ids]


def _staff(actor: User, usernames: Iterable[str] | None) -> list[User]:
    names = list(dict.fromkeys(usernames or []))
    staff = [actor]
    if names:
        users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
        unknown = [n for n in names if n not in users]
        not_field = [n for n, u in users.items() if u.role not in FIELD_ROLES]
        if unknown:
            raise Invalid({"msls": [f"Unknown user(s): {', '.join(unknown)}."]})
        if not_field:
            raise Invalid({"msls": [f"Not a medical field user: {', '.join(not_field)}."]})
        staff += [users[n] for n in names if users[n].pk != actor.pk]
    return staff


def _not_in_future(value: datetime, field: str, what: str) -> None:
    if value > timezone.now() + timedelta(minutes=5):
        raise Invalid({field: [f"{what} cannot be in the future."]})


@dataclass(frozen=True)
class FollowUpDraft:
    """A follow-up to create with an interaction or inquiry."""

    title: str
    due_date: date
    description: str = ""
    owner_username: str | None = None


def interaction_create(
    *,
    actor: User,
    kol_ids: Iterable[int],
    starts_at: datetime,
    channel: str,
    kind: str = InteractionKind.PROACTIVE,
    duration_minutes: int = 30,
    msl_usernames: Iterable[str] | None = None,
    therapeutic_area_code: str | None = None,
    product_names: Iterable[str] = (),
    objectives: str = "",
) -> Interaction:
    """Plan an interaction of the actor (and other MSLs) with one or more HCPs."""
    policy.require(actor, "interaction", "create")
    starts_at = _aware(starts_at)
    kols = _attendees(actor, kol_ids)
    staff = _staff(actor, msl_usernames)
    interaction = Interaction(
        status=InteractionStatus.PLANNED,
        kind=kind,
        channel=channel,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        owner=actor,
        therapeutic_area=therapeutic_area_by_code(therapeutic_area_code),
        objectives=objectives,
    )
    full_clean_or_invalid(interaction, exclude=["owner"])
    products = products_by_names(product_names)
    with transaction.atomic():
        interaction.save()
        InteractionStaff.objects.bulk_create(
            [InteractionStaff(interaction=interaction, user=u) for u in staff]
        )
        InteractionAttendee.objects.bulk_create(
            [InteractionAttendee(interaction=interaction, kol=k) for k in kols]
        )
        interaction.products.set(products)
        _audit_interaction(
            actor, "interaction.create", interaction, None, _interaction_snapshot(interaction)
        )
    return interaction


def _locked(interaction: Interaction) -> bool:
    if interaction.status != InteractionStatus.COMPLETED or interaction.completed_at is None:
        return False
    window = timedelta(days=settings.KOLBRIDGE_INTERACTION_LOCK_DAYS)
    return timezone.now() > interaction.completed_at + window


def interaction_is_locked(interaction: Interaction) -> bool:
    """A completed interaction is locked after the window; then only amended with a reason."""
    return _locked(interaction)


def _lock_for_edit(interaction: Interaction, expected_version: int | None) -> Interaction:
    current = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            f"This interaction was changed by someone else (now version {current.version}, you "
            f"edited version {expected_version}). Reload it and apply your change again."
        )
    return current


EDITABLE = {
    "channel",
    "kind",
    "starts_at",
    "duration_minutes",
    "objectives",
    "notes",
    "outcome",
    "next_steps",
}


def interaction_update(
    *,
    actor: User,
    interaction: Interaction,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> Interaction:
    """Change an interaction. ``changes`` may hold the plain fields and ``kol_ids``,
    ``msl_usernames``, ``therapeutic_area``, ``products``. A locked one needs a ``reason``."""
    policy.require(actor, "interaction", "change", interaction)
    unknown = sorted(
        set(changes) - EDITABLE - {"kol_ids", "msl_usernames", "therapeutic_area", "products"}
    )
    if unknown:
        raise Invalid({name: ["This field cannot be changed here."] for name in unknown})
    with transaction.atomic():
        current = _lock_for_edit(interaction, expected_version)
        if current.status == InteractionStatus.CANCELLED:
            raise Invalid({"status": ["A cancelled interaction cannot be changed."]})
        locked = _locked(current)
        if locked and not reason.strip():
            raise Invalid(
                {
                    "reason": [
                        "This interaction was completed more than "
                        f"{settings.KOLBRIDGE_INTERACTION_LOCK_DAYS} days ago and is locked: "
                        "give a reason for the amendment."
                    ]
                }
            )
        before = _interaction_snapshot(current)
        for name in EDITABLE & set(changes):
            value = changes[name]
            setattr(current, name, _aware(value) if isinstance(value, datetime) else value)
        if current.status == InteractionStatus.COMPLETED:
            _not_in_future(current.starts_at, "starts_at", "A completed interaction")
        if "therapeutic_area" in changes:
            current.therapeutic_area = therapeutic_area_by_code(changes["therapeutic_area"])
        full_clean_or_invalid(current, exclude=["owner"])
        if "kol_ids" in changes:
            kols = _attendees(actor, changes["kol_ids"])
            InteractionAttendee.objects.filter(interaction=current).delete()
            InteractionAttendee.objects.bulk_create(
                [InteractionAttendee(interaction=current, kol=k) for k in kols]
            )
        if "msl_usernames" in changes:
            staff = _staff(current.owner, changes["msl_usernames"])
            InteractionStaff.objects.filter(interaction=current).delete()
            InteractionStaff.objects.bulk_create(
                [InteractionStaff(interaction=current, user=u) for u in staff]
            )
        if "products" in changes:
            current.products.set(products_by_names(changes["products"]))
        after = _interaction_snapshot(current)
        if after == before:
            return current
        current.version += 1
        current.save()
        _audit_interaction(
            actor,
            "interaction.amend" if locked else "interaction.update",
            current,
            before,
            after,
            reason=reason.strip(),
        )
        field_text = ("notes", "outcome", "next_steps")
        if any(before.get(k) != after.get(k) for k in field_text):
            _screen_interaction(current, actor)
    return current


def _may_hand_to(actor: User, owner: User, kol: Kol | None) -> bool:
    """A follow-up goes to oneself, one's lead or team, or a colleague of the same territory,
    and only to someone who may see its KOL."""
    if owner.pk == actor.pk:
        return True
    colleague = (
        owner.pk in team_ids(actor)
        or actor.pk in team_ids(owner)
        or (owner.territory_id is not None and owner.territory_id == actor.territory_id)
    )
    return colleague and (kol is None or policy.can(owner, "kol", "view", kol))


def _create_follow_ups(
    actor: User,
    drafts: Iterable[FollowUpDraft],
    *,
    interaction: Interaction | None = None,
    inquiry: Inquiry | None = None,
    kol: Kol | None = None,
) -> list[FollowUp]:
    created = []
    for draft in drafts:
        owner: User | None = actor
        if draft.owner_username and draft.owner_username != actor.username:
            owner = User.objects.filter(username=draft.owner_username, is_active=True).first()
        if owner is None or owner.role not in FIELD_ROLES:
            raise Invalid({"follow_ups": [f"Unknown owner {draft.owner_username!r}."]})
        if not _may_hand_to(actor, owner, kol):
            raise Invalid(
                {
                    "follow_ups": [
                        f"{owner.username} is outside your team and territory"
                        + (" or cannot see this KOL." if kol is not None else ".")
                    ]
                }
            )
        follow_up = FollowUp(
            title=draft.title.strip(),
            description=draft.description,
            due_date=draft.due_date,
            owner=owner,
            kol=kol,
            interaction=interaction,
            inquiry=inquiry,
            created_by=actor,
        )
        full_clean_or_invalid(
            follow_up, exclude=["owner", "created_by", "kol", "interaction", "inquiry"]
        )
        follow_up.save()
        audit_record(
            actor=actor,
            action="follow_up.create",
            object_type="follow_up",
            object_id=follow_up.pk,
            object_repr=follow_up.title,
            after=snapshot(
                follow_up,
                ("title", "description", "due_date", "owner", "kol", "interaction", "inquiry"),
            ),
        )
        created.append(follow_up)
    return created


def interaction_complete(
    *,
    actor: User,
    interaction: Interaction,
    notes: str = "",
    outcome: str = "",
    next_steps: str = "",
    questions: Iterable[str] = (),
    follow_ups: Iterable[FollowUpDraft] = (),
    starts_at: datetime | None = None,
    duration_minutes: int | None = None,
    expected_version: int | None = None,
) -> Interaction:
    """Record what happened in a planned interaction: notes, outcome, next steps, the questions
    raised (each becomes a scientific question of every attending KOL) and follow-ups."""
    policy.require(actor, "interaction", "complete", interaction)
    with transaction.atomic():
        current = _lock_for_edit(interaction, expected_version)
        if current.status != InteractionStatus.PLANNED:
            raise Invalid(
                {
                    "status": [
                        f"Only a planned interaction can be completed; this one is "
                        f"{current.get_status_display().lower()}."
                    ]
                }
            )
        before = _interaction_snapshot(current)
        if starts_at is not None:
            current.starts_at = _aware(starts_at)
        if duration_minutes is not None:
            current.duration_minutes = duration_minutes
        _not_in_future(current.starts_at, "starts_at", "A completed interaction")
        current.status = InteractionStatus.COMPLETED
        current.completed_at = timezone.now()
        current.notes, current.outcome, current.next_steps = notes, outcome, next_steps
        full_clean_or_invalid(current, exclude=["owner"])
        current.version += 1
        current.save()
        kols = list(current.kols.all())
        for text in (q.strip() for q in questions):
            if not text:
                continue
            for kol in kols:
                question = kol_question_add(
                    actor=actor,
                    kol=kol,
                    text=text,
                    therapeutic_area_code=(
                        current.therapeutic_area.code if current.therapeutic_area else None
                    ),
                    asked_at=current.starts_at,
                )
                InteractionQuestion.objects.create(interaction=current, question=question)
        _create_follow_ups(
            actor, follow_ups, interaction=current, kol=kols[0] if len(kols) == 1 else None
        )
        _audit_interaction(
            actor, "interaction.complete", current, before, _interaction_snapshot(current)
        )
        _screen_interaction(current, actor)
    return current


def interaction_log(
    *,
    actor: User,
    kol_ids: Iterable[int],
    starts_at: datetime,
    channel: str,
    notes: str = "",
    outcome: str = "",
    next_steps: str = "",
    questions: Iterable[str] = (),
    follow_ups: Iterable[FollowUpDraft] = (),
    **plan: Any,
) -> Interaction:
    """Log an interaction that already happened, in one step (plan and complete)."""
    policy.require(actor, "interaction", "create")  # the role rule before any field rule
    _not_in_future(_aware(starts_at), "starts_at", "A completed interaction")
    with transaction.atomic():
        interaction = interaction_create(
            actor=actor, kol_ids=kol_ids, starts_at=starts_at, channel=channel, **plan
        )
        return interaction_complete(
            actor=actor,
            interaction=interaction,
            notes=notes,
            outcome=outcome,
            next_steps=next_steps,
            questions=questions,
            follow_ups=follow_ups,
        )


def interaction_cancel(
    *, actor: User, interaction: Interaction, reason: str, expected_version: int | None = None
) -> Interaction:
    """Cancel a planned interaction, saying why."""
    policy.require(actor, "interaction", "cancel", interaction)
    if not reason.strip():
        raise Invalid({"reason": ["Say why the interaction is cancelled."]})
    with transaction.atomic():
        current = _lock_for_edit(interaction, expected_version)
        if current.status != InteractionStatus.PLANNED:
            raise Invalid({"status": ["Only a planned interaction can be cancelled."]})
        before = _interaction_snapshot(current)
        current.status = InteractionStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason.strip()
        current.version += 1
        current.save()
        _audit_interaction(
            actor,
            "interaction.cancel",
            current,
            before,
            _interaction_snapshot(current),
            reason=reason.strip(),
        )
    return current


def _audit_inquiry(actor: User, action: str, inquiry: Inquiry, before: Any) -> None:
    after = snapshot(inquiry, INQUIRY_FIELDS)
    if before is not None:
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    audit_record(
        actor=actor,
        action=action,
        object_type="inquiry",
        object_id=inquiry.pk,
        object_repr=f"Inquiry #{inquiry.pk}",
        before=before,
        after=after,
    )


def _new_inquiry(
    *,
    actor: User,
    kol: Kol,
    question: str,
    channel_received: str,
    unsolicited_confirmed: bool,
    source: str,
    received_at: datetime | None,
    urgency: str,
    product_name: str | None,
    interaction: Interaction | None = None,
) -> Inquiry:
    if not unsolicited_confirmed:
        raise Invalid(
            {
                "unsolicited_confirmed": [
                    "The HCP must confirm the question was unsolicited; medical may answer only "
                    "unsolicited requests."
                ]
            }
        )
    if urgency not in Urgency.values:
        raise Invalid({"urgency": [f"Unknown urgency {urgency!r}; use standard or urgent."]})
    received = _aware(received_at) if received_at else timezone.now()
    _not_in_future(received, "received_at", "The time received")
    inquiry = Inquiry(
        kol=kol,
        question=question.strip(),
        product=product_by_name(product_name),
        channel_received=channel_received,
        received_at=received,
        unsolicited_confirmed=True,
        urgency=urgency,
        due_at=inquiry_due_at(received, urgency),
        source=source,
        captured_by=actor,
        interaction=interaction,
    )
    full_clean_or_invalid(inquiry, exclude=["kol", "captured_by", "interaction"])
    return inquiry


def inquiry_capture(
    *,
    actor: User,
    kol: Kol,
    question: str,
    channel_received: str,
    unsolicited_confirmed: bool,
    received_at: datetime | None = None,
    urgency: str = Urgency.STANDARD,
    product_name: str | None = None,
    interaction: Interaction | None = None,
) -> Inquiry:
    """Medical captures an HCP's unsolicited question; its service-level clock starts."""
    policy.require(actor, "inquiry", "create")
    if not policy.can(actor, "kol", "view", kol):
        raise Invalid({"kol": ["Unknown KOL."]})
    if interaction is not None and not interaction.kols.filter(pk=kol.pk).exists():
        raise Invalid({"interaction": ["This HCP did not attend that interaction."]})
    inquiry = _new_inquiry(
        actor=actor,
        kol=kol,
        question=question,
        channel_received=channel_received,
        unsolicited_confirmed=unsolicited_confirmed,
        source=InquirySource.MSL,
        received_at=received_at,
        urgency=urgency,
        product_name=product_name,
        interaction=interaction,
    )
    with transaction.atomic():
        inquiry.save()
        _audit_inquiry(actor, "inquiry.capture", inquiry, None)
        _screen(inquiry, "inquiry_question", inquiry.question, actor, kol.pk, inquiry.product_id)
    return inquiry


def inquiry_refer(
    *,
    actor: User,
    kol: Kol,
    question: str,
    channel_received: str,
    unsolicited_confirmed: bool,
    hcp_requested_medical_answer: bool,
    received_at: datetime | None = None,
    urgency: str = Urgency.STANDARD,
    product_name: str | None = None,
) -> Inquiry:
    """A sales rep refers an HCP's unsolicited medical question to medical — the rep's one
    compliant path: they never answer it and never see the answer."""
    policy.require(actor, "inquiry_referral", "create")
    if not hcp_requested_medical_answer:
        raise Invalid(
            {
                "hcp_requested_medical_answer": [
                    "Record that the HCP asked for medical to answer; a rep refers only on request."
                ]
            }
        )
    if not policy.can(actor, "kol", "view", kol):
        raise Invalid({"kol": ["Unknown HCP."]})
    inquiry = _new_inquiry(
        actor=actor,
        kol=kol,
        question=question,
        channel_received=channel_received,
        unsolicited_confirmed=unsolicited_confirmed,
        source=InquirySource.SALES_REFERRAL,
        received_at=received_at,
        urgency=urgency,
        product_name=product_name,
    )
    with transaction.atomic():
        inquiry.save()
        _audit_inquiry(actor, "inquiry.refer", inquiry, None)
        _screen(inquiry, "inquiry_question", inquiry.question, actor, kol.pk, inquiry.product_id)
    return inquiry


def _lock_inquiry(inquiry: Inquiry, expected_version: int | None) -> Inquiry:
    current = Inquiry.objects.select_for_update().select_related("kol").get(pk=inquiry.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            f"This inquiry was changed by someone else (now version {current.version}). "
            "Reload it and try again."
        )
    return current


def inquiry_start(*, actor: User, inquiry: Inquiry) -> Inquiry:
    """Medical takes the inquiry on (open → in progress)."""
    policy.require(actor, "inquiry", "respond", inquiry)
    with transaction.atomic():
        current = _lock_inquiry(inquiry, None)
        if current.status != InquiryStatus.OPEN:
            raise Invalid({"status": ["Only an open inquiry can be taken on."]})
        before = snapshot(current, INQUIRY_FIELDS)
        current.status = InquiryStatus.IN_PROGRESS
        current.version += 1
        current.save()
        _audit_inquiry(actor, "inquiry.start", current, before)
    return current


def inquiry_respond(
    *,
    actor: User,
    inquiry: Inquiry,
    response: str,
    delivery_channel: str,
    expected_version: int | None = None,
) -> Inquiry:
    """Medical answers the inquiry (only medical may; a sales rep never answers)."""
    policy.require(actor, "inquiry", "respond", inquiry)
    if not response.strip():
        raise Invalid({"response": ["Write the response."]})
    if delivery_channel not in Channel.values:
        raise Invalid({"delivery_channel": [f"Unknown channel {delivery_channel!r}."]})
    with transaction.atomic():
        current = _lock_inquiry(inquiry, expected_version)
        if current.status not in (InquiryStatus.OPEN, InquiryStatus.IN_PROGRESS):
            raise Invalid({"status": ["This inquiry has been answered already."]})
        before = snapshot(current, INQUIRY_FIELDS)
        current.response = response.strip()
        current.delivery_channel = delivery_channel
        current.responder = actor
        current.responded_at = timezone.now()
        current.status = InquiryStatus.ANSWERED
        current.version += 1
        full_clean_or_invalid(current, exclude=["kol", "captured_by", "interaction", "responder"])
        current.save()
        _audit_inquiry(actor, "inquiry.respond", current, before)
        _screen(
            current,
            "inquiry_response",
            current.response,
            actor,
            current.kol_id,
            current.product_id,
        )
    return current


def inquiry_close(*, actor: User, inquiry: Inquiry) -> Inquiry:
    """Close an answered inquiry once the answer was delivered."""
    policy.require(actor, "inquiry", "close", inquiry)
    with transaction.atomic():
        current = _lock_inquiry(inquiry, None)
        if current.status != InquiryStatus.ANSWERED:
            raise Invalid({"status": ["Only an answered inquiry can be closed."]})
        before = snapshot(current, INQUIRY_FIELDS)
        current.status = InquiryStatus.CLOSED
        current.closed_at = timezone.now()
        current.version += 1
        current.save()
        _audit_inquiry(actor, "inquiry.close", current, before)
    return current


def follow_up_create(
    *,
    actor: User,
    draft: FollowUpDraft,
    kol: Kol | None = None,
    interaction: Interaction | None = None,
    inquiry: Inquiry | None = None,
) -> FollowUp:
    policy.require(actor, "follow_up", "create")
    if interaction is not None:
        policy.require(actor, "interaction", "change", interaction)
    if inquiry is not None:
        policy.require(actor, "inquiry", "respond", inquiry)
    with transaction.atomic():
        return _create_follow_ups(
            actor, [draft], interaction=interaction, inquiry=inquiry, kol=kol
        )[0]


def follow_up_set_status(*, actor: User, follow_up: FollowUp, status: str) -> FollowUp:
    """Mark a follow-up done, cancelled, or open again."""
    policy.require(actor, "follow_up", "change", follow_up)
    if status not in FollowUpStatus.values:
        raise Invalid({"status": [f"Unknown status {status!r}; use open, done or cancelled."]})
    with transaction.atomic():
        current = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        before = {"status": current.status}
        current.status = status
        current.completed_at = timezone.now() if status == FollowUpStatus.DONE else None
        current.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=actor,
            action="follow_up.status",
            object_type="follow_up",
            object_id=current.pk,
            object_repr=current.title,
            before=before,
            after={"status": status},
        )
    return current
