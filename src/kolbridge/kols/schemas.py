"""Shapes of the KOL API: ``KolIn`` to create, ``KolPatch`` to change, ``KolOut`` to read."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import field_validator

from kolbridge.kols.models import Channel, ExternalIdSystem, KnowledgeLevel, Stage, Tier


class KolIn(Schema):
    title: str = Field("", max_length=40, examples=["Dr"])
    first_name: str = Field(..., min_length=1, max_length=100, examples=["Amelia"])
    last_name: str = Field(..., min_length=1, max_length=100, examples=["Okafor"])
    specialty: str = Field(..., min_length=1, max_length=120, examples=["Medical oncology"])
    tier: Tier = Field(Tier.LOCAL, examples=[1])
    institution: str = Field(
        ..., min_length=1, max_length=200, examples=["Mercy University Hospital"]
    )
    department: str = Field("", max_length=200)
    city: str = Field("", max_length=100, examples=["Boston"])
    country: str = Field("", max_length=2, examples=["US"])
    other_affiliations: list[str] = Field(default_factory=list)
    email: str = Field("", max_length=254)
    territory: str = Field(..., description="Territory code", examples=["US-NE"])
    therapeutic_areas: list[str] = Field(
        default_factory=list, description="Therapeutic-area codes", examples=[["ONC"]]
    )
    external_ids: dict[ExternalIdSystem, str] = Field(
        default_factory=dict,
        description="At most one id per system: npi, orcid, crm, openalex",
        examples=[{"npi": "1234567893", "orcid": "0000-0002-1825-0097"}],
    )


class KolPatch(Schema):
    """Only the fields sent are changed. Send ``version`` to refuse a change made meanwhile."""

    title: str | None = Field(None, max_length=40)
    first_name: str | None = Field(None, min_length=1, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    specialty: str | None = Field(None, min_length=1, max_length=120)
    tier: Tier | None = None
    institution: str | None = Field(None, min_length=1, max_length=200)
    department: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    other_affiliations: list[str] | None = None
    email: str | None = Field(None, max_length=254)
    territory: str | None = None
    therapeutic_areas: list[str] | None = None
    external_ids: dict[ExternalIdSystem, str] | None = Field(
        None, description="Ids to set; an empty value removes that system's id"
    )
    version: int | None = Field(None, description="The version you edited (optimistic lock)")


class ExternalIdOut(Schema):
    system: str
    value: str


class KnowledgeOut(Schema):
    subject: str
    subject_kind: str
    level: int
    level_label: str
    assessed_at: datetime


class ChannelPreferencesOut(Schema):
    channels: list[str]
    preferred_times: str
    email_consent: bool
    effective_at: datetime


class JourneyOut(Schema):
    stage: str
    stage_label: str
    stage_since: datetime | None
    knowledge: list[KnowledgeOut]
    channel_preferences: ChannelPreferencesOut | None


class KolListItem(Schema):
    id: int
    display_name: str
    title: str
    first_name: str
    last_name: str
    specialty: str
    tier: int
    institution: str
    city: str
    country: str
    territory: str


class KolOut(KolListItem):
    department: str
    other_affiliations: list[str]
    email: str
    therapeutic_areas: list[str]
    external_ids: list[ExternalIdOut]
    version: int
    created_at: datetime
    updated_at: datetime
    journey: JourneyOut | None = Field(
        None, description="Stage, knowledge and channel preferences; absent for commercial roles"
    )
    open_questions: int | None = Field(
        None, description="Number of open scientific questions; absent for commercial roles"
    )


class KolPage(Schema):
    items: list[KolListItem]
    count: int
    limit: int
    offset: int


class StageIn(Schema):
    stage: Stage = Field(..., examples=["exploring"])
    changed_at: datetime | None = Field(None, description="When it happened; default now")
    note: str = Field("", max_length=2000)


class StageOut(Schema):
    id: int
    stage: str
    previous_stage: str
    changed_at: datetime
    note: str


class KnowledgeIn(Schema):
    level: KnowledgeLevel = Field(..., examples=[3])
    therapeutic_area: str | None = Field(
        None, description="Therapeutic-area code", examples=["ONC"]
    )
    product: str | None = Field(None, description="Product name (instead of an area)")
    assessed_at: datetime | None = None
    note: str = Field("", max_length=2000)


class KnowledgeRecordOut(Schema):
    id: int
    subject: str
    level: int
    assessed_at: datetime
    note: str


class ChannelPreferencesIn(Schema):
    channels: list[Channel] = Field(..., examples=[["in_person", "email"]])
    email_consent: bool = Field(..., examples=[True])
    preferred_times: str = Field("", max_length=200, examples=["Tuesday mornings"])
    effective_at: datetime | None = None
    note: str = Field("", max_length=2000)


class ChannelPreferencesRecordOut(ChannelPreferencesOut):
    id: int
    note: str


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    by: str


class QuestionIn(Schema):
    text: str = Field(
        ...,
        min_length=1,
        max_length=5000,
        examples=["What is the evidence for dose reduction in renal impairment?"],
    )
    therapeutic_area: str | None = Field(None, examples=["ONC"])
    asked_at: datetime | None = None

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class QuestionPatch(Schema):
    text: str | None = Field(None, min_length=1, max_length=5000)
    status: str | None = Field(None, examples=["answered"])
    answer_summary: str | None = Field(None, max_length=5000)
    answered_at: datetime | None = None


class QuestionOut(Schema):
    id: int
    text: str
    therapeutic_area: str | None
    status: str
    asked_at: datetime
    answered_at: datetime | None
    answer_summary: str
