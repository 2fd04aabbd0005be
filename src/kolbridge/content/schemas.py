"""Shapes of the content API: the library and its MLR review, modules, presentations, share
links and e-mail templates."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from kolbridge.content.models import (
    Audience,
    ContentKind,
    ItemStatus,
    ModuleKind,
    ModuleStatus,
    NoticeKind,
    ReviewDiscipline,
    ReviewEventKind,
    Usage,
    VersionStatus,
)
from kolbridge.engagements.schemas import PersonOut

REVISION_HELP = "The revision you edited (optimistic lock): a change made meanwhile answers 409"


# Library ----------------------------------------------------------------------------------


class ClassificationIn(Schema):
    """What the content is about and who may use it how. On-label means every indication it
    speaks to is an approved indication of its product."""

    therapeutic_area: str = Field(..., description="Therapeutic-area code", examples=["ONC"])
    products: list[str] = Field(..., description="Product names", examples=[["Zentorix"]])
    indications: list[int] = Field(
        default_factory=list, description="Ids of the indications it speaks to", examples=[[3]]
    )
    audiences: list[Audience] = Field(
        default_factory=lambda: [Audience.MEDICAL_EXTERNAL], examples=[["medical_external"]]
    )
    usage: Usage = Field(Usage.PROACTIVE, examples=["proactive_on_label"])
    expires_on: date = Field(..., examples=["2027-06-30"])


class ItemIn(Schema):
    """A new library item, saved as a draft (version 1). Files are uploaded afterwards with
    ``POST /content/items/{item_id}/file``."""

    kind: ContentKind = Field(..., examples=["deck"])
    title: str = Field(
        ..., min_length=1, max_length=200, examples=["Zentorix second-line NSCLC deck"]
    )
    summary: str = Field("", max_length=5000)
    body: str = Field(
        "", max_length=100_000, description="Rich text (HTML) of a standard response / FAQ"
    )
    classification: ClassificationIn
    module_ids: list[int] = Field(
        default_factory=list, description="Module ids in the order the item shows them"
    )


class ItemPatch(Schema):
    """Only the fields sent are changed. A draft is edited in place; an approved item gets a
    new draft version and the approved one stays in use until the new one is approved."""

    expected_version: int | None = Field(None, description=REVISION_HELP)
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=5000)
    body: str | None = Field(None, max_length=100_000)
    change_summary: str = Field(
        "", max_length=300, description="What changed, shown to reviewers and presentation owners"
    )
    classification: ClassificationIn | None = Field(
        None, description="Replaces the whole classification"
    )
    module_ids: list[int] | None = Field(None, description="Replaces the modules, in order")


class IndicationOut(Schema):
    id: int
    name: str
    product: str
    approved: bool


class ClassificationOut(Schema):
    therapeutic_area: str
    products: list[str]
    indications: list[IndicationOut]
    audiences: list[Audience]
    usage: Usage
    expires_on: date


class ReferenceOut(Schema):
    type: str = Field(..., description="pmid or doi")
    value: str
    label: str = Field(..., examples=["PMID 31535829"])
    url: str


class ItemModuleOut(Schema):
    """A module as one item version carries it."""

    position: int
    module: int = Field(..., description="Module id")
    kind: ModuleKind
    version: int = Field(..., description="The module's version number")
    status: ModuleStatus
    title: str
    text: str
    references: list[ReferenceOut]
    figure_url: str | None


class FileOut(Schema):
    name: str = Field(..., description="The name it was uploaded under")
    size: int
    sha256: str
    mime: str = Field(..., description="The type its bytes proved")
    download_url: str


class SignatureOut(Schema):
    discipline: ReviewDiscipline
    signer: PersonOut
    meaning: str
    signed_at: datetime
    review_round: int


class ReviewEventOut(Schema):
    kind: ReviewEventKind
    by: PersonOut | None
    at: datetime
    comment: str


class VersionOut(Schema):
    number: int
    status: VersionStatus
    title: str
    summary: str
    body: str
    change_summary: str
    file: FileOut | None
    classification: ClassificationOut
    modules: list[ItemModuleOut]
    created_by: PersonOut = Field(..., description="Who made (uploaded) this version")
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    review_round: int
    review_events: list[ReviewEventOut]
    signatures: list[SignatureOut] = Field(..., description="Every round's sign-offs")


class ReviewStateOut(Schema):
    """The version in MLR review: this round's sign-offs and what is still missing."""

    version: int
    review_round: int
    submitted_at: datetime | None
    signatures: list[SignatureOut]
    missing: list[ReviewDiscipline]
    may_sign: bool = Field(..., description="Whether the caller may give one of the missing")
    signing_refusal: str = Field(..., description="Why not, when the caller may not sign")


class WithdrawalOut(Schema):
    at: datetime
    by: PersonOut | None
    reason: str


class ItemOut(Schema):
    id: int
    kind: ContentKind
    status: ItemStatus
    owner: PersonOut
    title: str
    current: VersionOut = Field(
        ..., description="The version in use (approved), or before any approval the draft"
    )
    working: VersionOut | None = Field(
        None, description="A newer draft or version in review that will replace the current one"
    )
    approved_version: int | None = Field(..., description="Number of the approved version")
    on_label: bool = Field(
        ..., description="Every indication the current version speaks to is approved"
    )
    off_label_indications: list[str]
    withdrawal: WithdrawalOut | None
    review: ReviewStateOut | None
    revision: int = Field(..., description="Send as expected_version when changing the item")
    created_at: datetime
    updated_at: datetime


class ItemSummaryOut(Schema):
    id: int
    kind: ContentKind
    status: ItemStatus
    title: str
    summary: str
    therapeutic_area: str
    products: list[str]
    audiences: list[Audience]
    usage: Usage
    expires_on: date
    version: int = Field(..., description="Number of the current version")
    approved_version: int | None
    owner: PersonOut
    updated_at: datetime


class ItemPage(Schema):
    items: list[ItemSummaryOut]
    count: int
    limit: int
    offset: int


class SignIn(Schema):
    """An e-signature: re-enter your password and state what your signature means."""

    discipline: ReviewDiscipline = Field(..., examples=["medical"])
    password: str = Field(..., description="Your sign-in password", examples=["••••••••"])
    meaning: str = Field(
        ...,
        min_length=1,
        max_length=300,
        examples=["I approve this content as medically accurate and balanced."],
    )


class SignedOut(Schema):
    signature: SignatureOut
    version: int
    item_status: ItemStatus = Field(..., description="approved once the third sign-off is in")
    missing: list[ReviewDiscipline]


class ReturnIn(Schema):
    comment: str = Field(
        ...,
        min_length=1,
        max_length=5000,
        examples=["Slide 4: add the reference for the OS claim."],
    )


class WithdrawIn(Schema):
    reason: str = Field(
        ..., min_length=1, max_length=2000, examples=["Superseded by the updated label."]
    )


class ReviewQueueOut(Schema):
    id: int
    kind: ContentKind
    title: str
    version: int
    review_round: int
    submitted_at: datetime | None
    owner: PersonOut
    signed: list[ReviewDiscipline]
    missing: list[ReviewDiscipline]


class ReviewQueuePage(Schema):
    items: list[ReviewQueueOut]
    count: int
    limit: int
    offset: int


class ModuleUseOut(Schema):
    position: int
    title: str
    shares: int
    seconds: int
    downloads: int


class UsePresentationOut(Schema):
    id: int
    title: str
    kol: PersonOut
    owner: PersonOut


class UseShareLinkOut(Schema):
    id: int
    title: str
    kol: PersonOut
    created_by: PersonOut
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    opens: int


class ItemUsageOut(Schema):
    """Where the item is used (presentations and share links the caller may see) and how its
    recipients read it."""

    presentations: list[UsePresentationOut]
    share_links: list[UseShareLinkOut]
    share_count: int
    open_count: int
    seconds_total: int
    presented_count: int
    presented_seconds: int
    per_module: list[ModuleUseOut]


# Modules ----------------------------------------------------------------------------------


class ModuleIn(Schema):
    """A new module, a draft until an item carrying it is approved. A figure's image is
    uploaded afterwards with ``POST /content/modules/{module_id}/figure``."""

    kind: ModuleKind = Field(..., examples=["claim"])
    therapeutic_area: str = Field(..., examples=["ONC"])
    title: str = Field(..., min_length=1, max_length=200, examples=["Overall survival benefit"])
    text: str = Field(
        ...,
        min_length=1,
        max_length=20_000,
        examples=["Zentorix improved median overall survival by 4.1 months versus docetaxel."],
    )
    references: list[str] = Field(
        default_factory=list,
        description="PubMed ids or DOIs; a claim needs one before it can be approved",
        examples=[["PMID: 31535829", "doi:10.1056/NEJMoa1911303"]],
    )


class ModulePatch(Schema):
    """Only the fields sent are changed; an approved module gets a new draft version."""

    title: str | None = Field(None, min_length=1, max_length=200)
    text: str | None = Field(None, min_length=1, max_length=20_000)
    references: list[str] | None = None


class ModuleVersionOut(Schema):
    number: int
    status: ModuleStatus
    title: str
    text: str
    references: list[ReferenceOut]
    figure_url: str | None
    created_by: PersonOut
    created_at: datetime
    approved_at: datetime | None


class ModuleSummaryOut(Schema):
    id: int
    kind: ModuleKind
    therapeutic_area: str
    title: str
    text: str
    references: list[ReferenceOut]
    latest_version: int
    status: ModuleStatus = Field(..., description="Status of the latest version")
    approved_version: int | None


class ModulePage(Schema):
    items: list[ModuleSummaryOut]
    count: int
    limit: int
    offset: int


class ModuleItemOut(Schema):
    id: int
    kind: ContentKind
    title: str
    status: ItemStatus


class ModuleOut(ModuleSummaryOut):
    created_by: PersonOut
    created_at: datetime
    versions: list[ModuleVersionOut]
    items: list[ModuleItemOut] = Field(
        ..., description="Items (visible to the caller) whose current version carries it"
    )


# Presentations ----------------------------------------------------------------------------


class PresentationIn(Schema):
    kol: int = Field(..., description="Id of the KOL it is made for")
    title: str = Field(..., min_length=1, max_length=200, examples=["Dr Okafor, March visit"])
    private_note: str = Field("", max_length=5000, description="Only the owner's team sees it")
    inquiry: int | None = Field(
        None, description="The KOL's unsolicited inquiry it answers (needed for reactive-only)"
    )


class PresentationPatch(Schema):
    """Only the fields sent are changed; ``"inquiry": null`` unlinks the inquiry."""

    expected_version: int | None = Field(None, description=REVISION_HELP)
    title: str | None = Field(None, min_length=1, max_length=200)
    private_note: str | None = Field(None, max_length=5000)
    inquiry: int | None = None


class SlotIn(Schema):
    item: int = Field(..., description="Id of an approved content item")
    module: int | None = Field(None, description="Show only this module of the item")
    position: int | None = Field(None, ge=1, description="Where to insert it; default last")


class OrderIn(Schema):
    slots: list[int] = Field(..., description="Every slot id of the presentation, in order")


class SlotOut(Schema):
    id: int
    position: int
    title: str
    item: int
    item_version: int = Field(..., description="The item's version number it shows")
    module: int | None
    module_version: int | None = Field(..., description="The module's version number")
    needs_review: bool


class NoticeOut(Schema):
    id: int
    kind: NoticeKind
    message: str
    slot: int | None
    created_at: datetime


class PresentationSummaryOut(Schema):
    id: int
    title: str
    kol: PersonOut
    owner: PersonOut
    slot_count: int
    open_notices: int
    updated_at: datetime


class PresentationPage(Schema):
    items: list[PresentationSummaryOut]
    count: int
    limit: int
    offset: int


class PresentationOut(Schema):
    id: int
    title: str
    kol: PersonOut
    owner: PersonOut
    private_note: str
    inquiry: int | None
    slots: list[SlotOut]
    notices: list[NoticeOut] = Field(..., description="Open notices for the owner")
    refusals: list[str] = Field(
        ..., description="Why it may not be presented or shared now (empty: it may)"
    )
    revision: int = Field(..., description="Send as expected_version when changing it")
    created_at: datetime
    updated_at: datetime


class TimingIn(Schema):
    position: int = Field(..., ge=1)
    seconds: int = Field(..., description="Time spent on that slot", examples=[95])


class PresentedIn(Schema):
    interaction: int = Field(..., description="The planned or live interaction it was shown in")
    timings: list[TimingIn] = Field(..., examples=[[{"position": 1, "seconds": 95}]])


class PresentedRowOut(Schema):
    position: int
    title: str
    item: int
    item_version: int
    module_version: int | None
    seconds: int


class PresentedOut(Schema):
    interaction: int
    presentation: int
    presented_at: datetime
    content: list[PresentedRowOut]


# Share links ------------------------------------------------------------------------------


class ShareLinkIn(Schema):
    """Share a presentation or one item (exactly one of the two) with a KOL."""

    kol: int
    presentation: int | None = None
    item: int | None = None
    inquiry: int | None = Field(
        None, description="The KOL's unsolicited inquiry it answers (needed for reactive-only)"
    )
    expires_in_days: int | None = Field(None, description="Default 30", examples=[30])
    email_template: int | None = Field(
        None, description="Send the link by e-mail from this approved template (needs consent)"
    )


class ShareLinkOut(Schema):
    id: int
    title: str
    kol: PersonOut
    created_by: PersonOut
    presentation: int | None
    item: int | None
    inquiry: int | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str
    emailed_to: str
    emailed_at: datetime | None
    opens: int


class ShareLinkPage(Schema):
    items: list[ShareLinkOut]
    count: int
    limit: int
    offset: int


class ShareLinkCreatedOut(ShareLinkOut):
    token: str = Field(..., description="Shown only in this answer; only its hash is stored")
    url: str = Field(..., description="The public viewer address to give the KOL")


class SharedModuleOut(Schema):
    position: int
    title: str
    item: int
    item_version: int
    module_version: int | None


class ModuleActivityOut(Schema):
    position: int
    title: str
    seconds: int
    downloads: int


class LinkActivityOut(Schema):
    opens: int
    last_opened: datetime | None
    seconds: int
    modules: list[ModuleActivityOut]


class ShareLinkDetailOut(ShareLinkOut):
    modules: list[SharedModuleOut]
    activity: LinkActivityOut


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, examples=["Sent to the wrong KOL."])


# E-mail templates -------------------------------------------------------------------------


class EmailTemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=120, examples=["Follow-up after a visit"])
    subject: str = Field(
        ..., min_length=1, max_length=200, examples=["The material we discussed, {kol_name}"]
    )
    body: str = Field(
        ...,
        min_length=1,
        max_length=20_000,
        description="Placeholders: {kol_name}, {msl_name}, {link} (required), {expires_on}, "
        "{contact}",
        examples=["Dear {kol_name},\n\nHere is the material: {link}\n\n{msl_name}"],
    )


class EmailTemplateApproveIn(Schema):
    password: str = Field(..., description="Your sign-in password (an e-signature)")


class EmailTemplateOut(Schema):
    id: int
    name: str
    subject: str
    body: str
    approved: bool
    approved_by: PersonOut | None
    approved_at: datetime | None
