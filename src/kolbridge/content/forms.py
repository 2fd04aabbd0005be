"""Forms of the content pages. They read what a person typed and offer only the choices that
fit the person and the record; the services decide whether the change is allowed and say why
not (the compliance gates, the self-approval rule, the e-signature's password)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from kolbridge.content.models import (
    Audience,
    ContentKind,
    ContentModule,
    EmailTemplate,
    ItemStatus,
    ItemVersion,
    ModuleKind,
    ReviewDiscipline,
    Usage,
)
from kolbridge.content.services import Classification
from kolbridge.core.models import Product, TherapeuticArea
from kolbridge.engagements.models import Inquiry, Interaction
from kolbridge.kols.forms import BootstrapFormMixin

DATE_FORMAT = "%Y-%m-%d"
# A new item is usually approved for use for a year (the review cycle of most companies).
DEFAULT_LIFETIME_DAYS = 365


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)


def lines(text: str) -> list[str]:
    """One entry per non-empty line (references are typed one per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _area_choices(areas: Iterable[TherapeuticArea], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((a.code, a.name) for a in areas)]


# The library ------------------------------------------------------------------------------


class LibrarySearchForm(BootstrapFormMixin, forms.Form):
    """The search box and filters above the library."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, module text, PMID or DOI"}
        ),
    )
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)
    product = forms.ChoiceField(label="Product", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ContentKind.choices]
    )
    audience = forms.ChoiceField(
        label="Audience", required=False, choices=[("", "Any audience"), *Audience.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ItemStatus.choices]
    )
    expires_before = forms.DateField(label="Expires before", required=False, widget=_date_widget())

    def __init__(
        self, data: Any, *, areas: Iterable[TherapeuticArea], products: Iterable[Product]
    ) -> None:
        super().__init__(data)
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Any area")
        self.choice_field("product").choices = [
            ("", "Any product"),
            *((p.name, p.name) for p in products),
        ]

    def filters(self) -> dict[str, Any]:
        """The search as ``library_search`` takes it; a filter with a bad value is left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "therapeutic_area": data.get("therapeutic_area") or "",
            "product": data.get("product") or "",
            "kind": data.get("kind") or "",
            "audience": data.get("audience") or "",
            "status": data.get("status") or "",
            "expires_before": data.get("expires_before"),
        }


# Items ------------------------------------------------------------------------------------


def module_label(module: ContentModule) -> str:
    latest = module.latest_version
    title = latest.title if latest else "untitled"
    return f"{title} — {module.get_kind_display()}, {module.therapeutic_area.name}"


class ItemForm(BootstrapFormMixin, forms.Form):
    """A library item's words, file, modules and classification. For an existing item it
    also carries the revision the person started from and what changed."""

    kind = forms.ChoiceField(label="Kind", choices=ContentKind.choices)
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label="Written answer (standard responses only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Paragraphs, lists, tables, bold, italics and links are kept; anything else "
        "(scripts, styles) is removed when saved.",
    )
    file = forms.FileField(
        label="File",
        required=False,
        help_text="A PDF for a deck or reprint, a video file, or an image for an infographic. "
        "It is checked by its content, not its name.",
    )
    therapeutic_area = forms.ChoiceField(label="Therapeutic area")
    products = forms.MultipleChoiceField(
        label="Products", widget=forms.CheckboxSelectMultiple, choices=()
    )
    indications = forms.TypedMultipleChoiceField(
        label="Indications it speaks to",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text="On-label means every indication ticked is an approved use of its product.",
    )
    audiences = forms.MultipleChoiceField(
        label="Audience",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Audience.MEDICAL_EXTERNAL],
    )
    usage = forms.ChoiceField(
        label="Usage", choices=Usage.choices, widget=forms.RadioSelect, initial=Usage.PROACTIVE
    )
    expires_on = forms.DateField(label="Expires on", widget=_date_widget())
    modules = forms.TypedMultipleChoiceField(
        label="Modules",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text="Modules shown in the order listed: those already in the item first, then "
        "the others.",
    )
    change_summary = forms.CharField(
        label="What changed",
        required=False,
        max_length=300,
        help_text="Told to the reviewers and to the MSLs whose presentations carry the item.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        areas: Iterable[TherapeuticArea],
        products: Iterable[Product],
        modules: Iterable[ContentModule],
        editing: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Choose an area")
        product_rows = list(products)
        self.choice_field("products").choices = [
            (p.name, f"{p.name} ({p.therapeutic_area.name})") for p in product_rows
        ]
        self.choice_field("indications").choices = [
            (
                i.pk,
                f"{i.name} ({p.name}{'' if i.approved else ', not an approved indication'})",
            )
            for p in product_rows
            for i in p.indications.all()
        ]
        module_rows = list(modules)
        self.module_order = [m.pk for m in module_rows]
        self.choice_field("modules").choices = [(m.pk, module_label(m)) for m in module_rows]
        if editing:
            # The kind of an item is what it is; a different kind is a different item.
            del self.fields["kind"]
        else:
            del self.fields["change_summary"]
            del self.fields["version"]
            self.fields["expires_on"].initial = timezone.localdate() + timedelta(
                days=DEFAULT_LIFETIME_DAYS
            )

    @classmethod
    def initial_for(cls, version: ItemVersion, revision: int) -> dict[str, Any]:
        return {
            "title": version.title,
            "summary": version.summary,
            "body": version.body,
            "therapeutic_area": version.therapeutic_area.code,
            "products": [p.name for p in version.products.all()],
            "indications": [i.pk for i in version.indications.all()],
            "audiences": version.audiences,
            "usage": version.usage,
            "expires_on": version.expires_on,
            "modules": [
                link.module_version.module_id
                for link in version.module_links.select_related("module_version")
            ],
            "version": revision,
        }

    def classification(self) -> Classification:
        data = self.cleaned_data
        return Classification(
            therapeutic_area=data["therapeutic_area"],
            products=data["products"],
            indications=data["indications"],
            audiences=data["audiences"],
            usage=data["usage"],
            expires_on=data["expires_on"],
        )

    def module_ids(self) -> list[int]:
        """Ticked modules in the order the list shows them."""
        ticked = set(self.cleaned_data["modules"])
        return [pk for pk in self.module_order if pk in ticked]


class ItemFileForm(BootstrapFormMixin, forms.Form):
    """A new file for an item (an approved item gets a new draft version with it)."""

    prefix = "upload"

    file = forms.FileField(label="New file")
    change_summary = forms.CharField(label="What changed", max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(BootstrapFormMixin, forms.Form):
    """An MLR e-signature: the discipline signed for, what signing means, and the password."""

    prefix = "sign"

    discipline = forms.ChoiceField(label="Signing for", widget=forms.RadioSelect)
    meaning = forms.CharField(
        label="Meaning of your signature",
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. I approve this content as medically accurate."}
        ),
        help_text="Stored with your name and the time, in the audit trail.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-entered for each signature.",
    )

    def __init__(self, *args: Any, missing: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReviewDiscipline.choices)
        choices = [(d, labels[d]) for d in missing]
        self.choice_field("discipline").choices = choices
        if len(choices) == 1:
            self.fields["discipline"].initial = choices[0][0]


class ReturnForm(BootstrapFormMixin, forms.Form):
    prefix = "return"

    comment = forms.CharField(
        label="What must change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author sees this on their item and in My work.",
    )


class WithdrawForm(BootstrapFormMixin, forms.Form):
    prefix = "withdraw"

    reason = forms.CharField(
        label="Reason for the withdrawal",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Every share link carrying the item stops at once; presentations carrying it "
        "are flagged to their owners.",
    )


# Modules ----------------------------------------------------------------------------------


class ModuleForm(BootstrapFormMixin, forms.Form):
    """A reusable module: a claim with its references, a figure, a key message, a text."""

    kind = forms.ChoiceField(label="Kind", choices=ModuleKind.choices)
    therapeutic_area = forms.ChoiceField(label="Therapeutic area")
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 4}))
    references = forms.CharField(
        label="References",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "PMID: 31535829\n10.1056/NEJMoa1911303"}
        ),
        help_text="One per line: a PubMed id or a DOI. A claim needs at least one before its "
        "item can go to review.",
    )
    figure = forms.FileField(
        label="Figure image",
        required=False,
        help_text="PNG, JPEG, GIF or WebP; a figure module needs one before review.",
    )

    def __init__(
        self, *args: Any, areas: Iterable[TherapeuticArea] = (), revising: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if revising:
            # Kind and area are what the module is; rewording it is a new version.
            del self.fields["kind"]
            del self.fields["therapeutic_area"]
        else:
            self.choice_field("therapeutic_area").choices = _area_choices(areas, "Choose an area")


class ModuleSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Text, PMID or DOI"}),
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ModuleKind.choices]
    )
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)

    def __init__(self, data: Any, *, areas: Iterable[TherapeuticArea]) -> None:
        super().__init__(data)
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Any area")

    def filters(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "therapeutic_area": data.get("therapeutic_area") or "",
        }


# Presentations ----------------------------------------------------------------------------


def inquiry_label(inquiry: Inquiry) -> str:
    question = inquiry.question if len(inquiry.question) <= 80 else f"{inquiry.question[:79]}…"
    when = timezone.localtime(inquiry.received_at).strftime("%d %b %Y")
    return f"#{inquiry.pk} ({when}, {inquiry.get_status_display().lower()}): {question}"


def _inquiry_field(help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="In answer to the inquiry",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=help_text,
    )


class PresentationForm(BootstrapFormMixin, forms.Form):
    """A presentation's title, the owner's private note and the inquiry it answers."""

    title = forms.CharField(label="Title", max_length=200)
    private_note = forms.CharField(
        label="Private note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For you and your medical lead only; never shown to the KOL.",
    )
    inquiry = _inquiry_field(
        "Needed for reactive-only material: it may go only to the HCP who asked."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, inquiries: Iterable[Inquiry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("inquiry").choices = [
            ("", "None (proactive use)"),
            *((i.pk, inquiry_label(i)) for i in inquiries),
        ]


class KolChoiceForm(BootstrapFormMixin, forms.Form):
    """Step one of a new presentation: find the KOL it is for."""

    q = forms.CharField(
        label="Find the KOL",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or institution"}),
    )


class PickerSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Find approved content",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, module text, PMID or DOI"}
        ),
    )


class AddSlotForm(forms.Form):
    item = forms.IntegerField(min_value=1)
    module = forms.IntegerField(min_value=1, required=False)


class MoveSlotForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


def interaction_label(interaction: Interaction) -> str:
    when = timezone.localtime(interaction.starts_at).strftime("%a %d %b %Y, %H:%M")
    return f"{when} · {interaction.get_channel_display()} · {interaction.get_status_display()}"


class PresentForm(BootstrapFormMixin, forms.Form):
    """Choose the meeting the presentation is presented in."""

    interaction = forms.TypedChoiceField(
        label="Meeting", coerce=int, widget=forms.RadioSelect, choices=()
    )

    def __init__(self, *args: Any, interactions: Iterable[Interaction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i.pk, interaction_label(i)) for i in interactions]
        self.choice_field("interaction").choices = choices
        if len(choices) == 1:
            self.fields["interaction"].initial = choices[0][0]


class ShareForm(BootstrapFormMixin, forms.Form):
    """Share with the KOL by a tokened link, optionally e-mailed from an approved template."""

    prefix = "share"

    expires_in_days = forms.IntegerField(
        label="Link works for (days)",
        min_value=1,
        max_value=settings.SHARE_LINK_MAX_DAYS,
        initial=settings.SHARE_LINK_DEFAULT_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    inquiry = _inquiry_field(
        "Reactive-only material is shared only in answer to the KOL's own logged inquiry."
    )
    email_template = forms.TypedChoiceField(
        label="Send by e-mail with the template",
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(
        self,
        *args: Any,
        inquiries: Iterable[Inquiry],
        templates: Iterable[EmailTemplate] | None,
        **kwargs: Any,
    ) -> None:
        """``templates`` None: the KOL may not be e-mailed, so the form offers no e-mail."""
        super().__init__(*args, **kwargs)
        self.choice_field("inquiry").choices = [
            ("", "None (proactive use)"),
            *((i.pk, inquiry_label(i)) for i in inquiries),
        ]
        if templates is None:
            del self.fields["email_template"]
        else:
            self.choice_field("email_template").choices = [
                ("", "Do not e-mail; I will hand the link over"),
                *((t.pk, t.name) for t in templates),
            ]


class RevokeForm(BootstrapFormMixin, forms.Form):
    prefix = "revoke"

    reason = forms.CharField(label="Reason for revoking", widget=forms.Textarea(attrs={"rows": 2}))
