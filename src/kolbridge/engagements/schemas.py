"""Shapes of the engagements API."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from kolbridge.engagements.models import (
    FollowUpStatus,
    InquiryStatus,
    InteractionKind,
    InteractionStatus,
    Urgency,
)
from kolbridge.kols.models import Channel


class FollowUpDraftIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, examples=["Send the renal dosing FAQ"])
    due_date: date = Field(..., examples=["2026-12-01"])
    description: str = Field("", max_length=5000)
    owner: str | None = Field(None, description="Username of the owner; default the caller")


class InteractionIn(Schema):
    """Plan an interaction (status planned), or log one that happened (``completed``)."""

    kols: list[int] = Field(..., description="Ids of the attending HCPs", examples=[[12]])
    starts_at: datetime = Field(..., examples=["2026-11-24T09:30:00Z"])
    duration_minutes: int = Field(30, ge=1, le=1440)
    channel: Channel = Field(..., examples=["in_person"])
    kind: InteractionKind = InteractionKind.PROACTIVE
    msls: list[str] = Field(default_factory=list, description="Other MSLs (usernames)")
    therapeutic_area: str | None = Field(None, examples=["ONC"])
    products: list[str] = Field(default_factory=list, examples=[["Oncavir"]])
    objectives: str = Field("", max_length=5000, examples=["Discuss renal dosing data"])
    completed: bool = Field(False, description="Log an interaction that already took place")
    notes: str = Field("", max_length=20000)
    outcome: str = Field("", max_length=5000)
    next_steps: str = Field("", max_length=5000)
    questions: list[str] = Field(default_factory=list)
    follow_ups: list[FollowUpDraftIn] = Field(default_factory=list)


class InteractionPatch(Schema):
    """Fields to change. ``version`` refuses a change made meanwhile; ``reason`` is required to
    amend an interaction locked after its completion window."""

    kols: list[int] | None = None
    msls: list[str] | None = None
    starts_at: datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=1440)
    channel: Channel | None = None
    kind: InteractionKind | None = None
    therapeutic_area: str | None = None
    products: list[str] | None = None
    objectives: str | None = Field(None, max_length=5000)
    notes: str | None = Field(None, max_length=20000)
    outcome: str | None = Field(None, max_length=5000)
    next_steps: str | None = Field(None, max_length=5000)
    version: int | None = None
    reason: str = Field("", max_length=2000)


class InteractionCompleteIn(Schema):
    notes: str = Field("", max_length=20000)
    outcome: str = Field("", max_length=5000)
    next_steps: str = Field("", max_length=5000)
    questions: list[str] = Field(
        default_factory=list, examples=[["Is there data in patients over 75?"]]
    )
    follow_ups: list[FollowUpDraftIn] = Field(default_factory=list)
    starts_at: datetime | None = Field(None, description="Correct the start time if it moved")
    duration_minutes: int | None = Field(None, ge=1, le=1440)
    version: int | None = None


class InteractionCancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, examples=["KOL on leave"])
    version: int | None = None


class PersonOut(Schema):
    id: int
    name: str


class InteractionOut(Schema):
    id: int
    status: InteractionStatus
    kind: InteractionKind
    channel: Channel
    starts_at: datetime
    duration_minutes: int
    owner: str
    msls: list[str]
    kols: list[PersonOut]
    therapeutic_area: str | None
    products: list[str]
    objectives: str
    notes: str
    outcome: str
    next_steps: str
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    locked: bool
    version: int


class InteractionPage(Schema):
    items: list[InteractionOut]
    count: int
    limit: int
    offset: int


class InquiryIn(Schema):
    kol: int = Field(..., description="Id of the HCP who asked")
    question: str = Field(..., min_length=1, max_length=10000)
    channel_received: Channel = Field(..., examples=["in_person"])
    unsolicited_confirmed: bool = Field(
        ..., description="The HCP confirmed they asked unprompted (must be true)"
    )
    received_at: datetime | None = None
    urgency: Urgency = Urgency.STANDARD
    product: str | None = Field(None, examples=["Oncavir"])
    interaction: int | None = Field(None, description="The interaction it was asked in")


class ReferralIn(Schema):
    kol: int
    question: str = Field(..., min_length=1, max_length=10000)
    channel_received: Channel
    unsolicited_confirmed: bool
    hcp_requested_medical_answer: bool = Field(
        ..., description="The HCP asked that medical answer the question (must be true)"
    )
    received_at: datetime | None = None
    urgency: Urgency = Urgency.STANDARD
    product: str | None = None


class InquiryRespondIn(Schema):
    response: str = Field(..., min_length=1, max_length=20000)
    delivery_channel: Channel = Field(..., examples=["email"])
    version: int | None = None


class InquiryOut(Schema):
    id: int
    kol: PersonOut
    question: str
    product: str | None
    channel_received: Channel
    received_at: datetime
    urgency: Urgency
    due_at: datetime
    overdue: bool
    status: InquiryStatus
    source: str
    captured_by: str
    interaction: int | None
    response: str
    responder: str | None
    responded_at: datetime | None
    delivery_channel: str
    closed_at: datetime | None
    version: int


class ReferralOut(Schema):
    """What a sales rep sees of their referral: never the answer."""

    id: int
    kol: PersonOut
    question: str
    received_at: datetime
    status: str = Field(..., description="received or closed")
    closed_at: datetime | None


class FollowUpIn(FollowUpDraftIn):
    kol: int | None = None
    interaction: int | None = None
    inquiry: int | None = None


class FollowUpPatch(Schema):
    status: FollowUpStatus


class FollowUpOut(Schema):
    id: int
    title: str
    description: str
    owner: str
    due_date: date
    status: FollowUpStatus
    overdue: bool
    kol: PersonOut | None
    interaction: int | None
    inquiry: int | None
    completed_at: datetime | None
