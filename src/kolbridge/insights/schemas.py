"""Shapes of the insights API. Released shapes (``Released*Out``) carry de-identified fields
only: they are what commercial roles receive."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from kolbridge.insights.models import (
    INSIGHT_MAX_CHARS,
    ActionStatus,
    AeSource,
    AeStatus,
    Decision,
    InsightCategory,
    InsightStatus,
    PmQuestionStatus,
)


class InsightIn(Schema):
    """Capture an insight. From an interaction, its attendees are the KOLs unless given."""

    text: str = Field(
        ..., examples=["Two KOLs avoid Zentorix in patients over 80 for lack of data"]
    )
    category: InsightCategory
    therapeutic_area: str = Field(..., examples=["ONC"])
    product: str | None = Field(None, examples=["Zentorix"])
    kols: list[int] = Field(default_factory=list, description="KOL ids")
    interaction: int | None = Field(None, description="Interaction id it came from")
    tags: list[str] = Field(default_factory=list, examples=[["elderly", "dosing"]])
    pm_question: int | None = Field(None, description="PM question this answers")


class InsightPatch(Schema):
    text: str | None = None
    category: InsightCategory | None = None
    tags: list[str] | None = None
    version: int | None = Field(None, description="Refuse the change if edited meanwhile")


class KolRef(Schema):
    id: int
    name: str


class InsightOut(Schema):
    """An insight as medical sees it (identifiable)."""

    id: int
    text: str
    original_text: str
    category: InsightCategory
    therapeutic_area: str
    product: str | None
    kols: list[KolRef]
    interaction: int | None
    tags: list[str]
    captured_by: str
    captured_at: datetime
    status: InsightStatus
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    merged_into: int | None
    released: bool
    released_text: str
    released_at: datetime | None
    pm_question: int | None
    version: int
    safety_notices: list[str] = Field(
        default_factory=list,
        description="Told to the person who wrote the text: a possible adverse event went to PV",
    )


class InsightPage(Schema):
    items: list[InsightOut]
    count: int
    limit: int
    offset: int


class ReviewIn(Schema):
    decision: str = Field(..., pattern="^(accept|reject)$")
    note: str = Field("", max_length=INSIGHT_MAX_CHARS)
    text: str | None = Field(None, description="Reworded text (the MSL's words are kept)")
    version: int | None = None


class MergeIn(Schema):
    into: int = Field(..., description="Id of the insight the duplicate repeats")
    note: str = ""


class ReleaseIn(Schema):
    released_text: str = Field(..., description="The de-identified wording the lead checked")


class ReleaseSuggestionOut(Schema):
    suggested_text: str


class ReasonIn(Schema):
    reason: str = ""


class ReleasedInsightOut(Schema):
    id: int
    text: str
    category: InsightCategory
    category_label: str
    therapeutic_area: str
    product: str
    released_on: date


class ThemeOut(Schema):
    id: int
    name: str
    key_terms: list[str]
    therapeutic_area: str
    product: str | None
    period_start: date
    period_end: date
    size: int
    trend: list[list[str | int]]
    representative: str | None
    released: bool
    acted_on: int


class RenameIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)


class ThemeMergeIn(Schema):
    into: int = Field(..., description="Id of the theme of the same group to merge into")


class SplitIn(Schema):
    insight_ids: list[int] = Field(..., description="Insights that form the new theme")
    name: str = Field(..., min_length=1, max_length=200)


class ThemeReleaseIn(Schema):
    summary: str = Field(..., description="De-identified summary commercial will read")


class ReleasedThemeOut(Schema):
    id: int
    name: str
    key_terms: list[str]
    therapeutic_area: str
    product: str
    period_start: date
    period_end: date
    size: int
    trend: list[list[str | int]]
    summary: str
    insights: list[ReleasedInsightOut]
    acted_on: int


class ActionIn(Schema):
    decision: Decision
    action: str = Field(..., examples=["New FAQ on renal dosing"])
    owner: int = Field(..., description="User id of the owner")
    insight: int | None = None
    theme: int | None = None
    due_on: date | None = None


class ActionOut(Schema):
    id: int
    decision: Decision
    action: str
    owner: str
    insight: int | None
    theme: int | None
    decided_at: datetime
    due_on: date | None
    status: ActionStatus
    done_at: datetime | None
    outcome: str


class CompleteIn(Schema):
    outcome: str


class PmQuestionIn(Schema):
    product: str = Field(..., examples=["Zentorix"])
    text: str = Field(..., examples=["What do KOLs say about dosing in the elderly?"])


class RouteIn(Schema):
    msls: list[int] = Field(..., description="User ids of the MSLs who should answer")
    note: str = ""


class AnswerIn(Schema):
    summary: str
    insights: list[int] = Field(..., description="Released insights that answer the question")


class PmQuestionOut(Schema):
    id: int
    product: str
    text: str
    asked_by: str
    asked_at: datetime
    status: PmQuestionStatus
    routed_at: datetime | None
    answer_summary: str
    answered_at: datetime | None
    decline_reason: str
    answers: list[ReleasedInsightOut] = Field(
        default_factory=list, description="Released, de-identified answers"
    )


class AeOut(Schema):
    id: int
    source_type: AeSource
    source_id: int
    excerpt: str
    harms: list[str]
    matched_terms: list[str]
    product: str | None
    kol: KolRef | None
    reporter: str | None
    received_at: datetime
    due_at: datetime
    overdue: bool
    needs_manual_review: bool
    status: AeStatus
    forwarded_at: datetime | None
    safety_case_id: str
    closed_at: datetime | None
    close_reason: str


class ForwardIn(Schema):
    safety_case_id: str = Field("", max_length=60)
