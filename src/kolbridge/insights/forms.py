"""Forms of the insight pages. They read what a person typed and offer only the choices that fit
the person and the record; the services decide whether the change is allowed and say why not
(an empty or too long insight, a product of another area, a release that still names someone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from kolbridge.core.models import Product, TherapeuticArea, User
from kolbridge.insights.models import (
    INSIGHT_MAX_CHARS,
    AeStatus,
    Decision,
    Insight,
    InsightCategory,
    InsightStatus,
    Theme,
)
from kolbridge.insights.themes import period_label, period_of
from kolbridge.kols.forms import BootstrapFormMixin
from kolbridge.kols.models import Kol

DATE_FORMAT = "%Y-%m-%d"
DIGEST_QUARTERS = 8  # the digest offers the last two years, quarter by quarter


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)


def _textarea(rows: int, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _area_choices(areas: Iterable[TherapeuticArea], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((a.code, a.name) for a in areas)]


def _product_choices(products: Iterable[Product], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((p.name, p.name) for p in products)]


def tags_of(text: str) -> list[str]:
    """Tags are typed separated by commas (or one per line)."""
    return [t.strip() for t in text.replace("\n", ",").split(",") if t.strip()]


def user_label(user: User) -> str:
    return user.get_full_name() or user.username


def insight_label(insight: Insight, width: int = 90) -> str:
    text = insight.text if len(insight.text) <= width else f"{insight.text[: width - 1]}…"
    return f"#{insight.pk} {text}"


# Periods ----------------------------------------------------------------------------------


def period_value(start: date, end: date) -> str:
    return f"{start:%Y-%m-%d}_{end:%Y-%m-%d}"


def parse_period(value: str) -> tuple[date, date] | None:
    try:
        start, end = (date.fromisoformat(part) for part in value.split("_"))
    except ValueError:
        return None
    return start, end


def recent_quarters(
    today: date | None = None, count: int = DIGEST_QUARTERS
) -> list[tuple[date, date]]:
    """The current quarter and those before it, newest first."""
    start, end = period_of(today or timezone.localdate())
    quarters = [(start, end)]
    while len(quarters) < count:
        start, end = period_of(quarters[-1][0] - timedelta(days=1))
        quarters.append((start, end))
    return quarters


def _period_choices(periods: Iterable[tuple[date, date]], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((period_value(s, e), period_label(s, e)) for s, e in periods)]


class PeriodMixin:
    """A select of periods whose value carries the first and the last day."""

    cleaned_data: dict[str, Any]

    def chosen_period(self) -> tuple[date | None, date | None]:
        found = parse_period(self.cleaned_data.get("period") or "")
        return found if found else (None, None)


# Capture ----------------------------------------------------------------------------------


class InsightForm(BootstrapFormMixin, forms.Form):
    """One insight: what was learned, its category, area, product and tags, and the KOLs it
    came from. In a meeting the interaction (and so the KOLs) is given; an answer to a product
    manager's question carries the question."""

    text = forms.CharField(
        label="What did you learn?",
        required=False,  # the service says what an insight needs (not empty, not too long)
        strip=False,
        widget=_textarea(
            3,
            placeholder="e.g. Prescribers hold back in patients over 75 until "
            "they see renal dosing data",
        ),
        help_text=f"In your own words; at most {INSIGHT_MAX_CHARS:,} characters. Do not write "
        "patient details here: possible adverse events go to pharmacovigilance automatically.",
    )
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Choose…"), *InsightCategory.choices],
        error_messages={"required": "Choose the category of the insight."},
    )
    therapeutic_area = forms.ChoiceField(
        label="Therapeutic area", error_messages={"required": "Choose the therapeutic area."}
    )
    product = forms.ChoiceField(label="Product", required=False)
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separated by commas, e.g. elderly, renal dosing.",
    )
    kols = forms.ModelMultipleChoiceField(
        label="KOLs it came from",
        queryset=Kol.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "One of the KOLs picked is not one of yours any more."},
    )
    interaction = forms.IntegerField(required=False, widget=forms.HiddenInput)
    pm_question = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        kols: QuerySet[Kol],
        areas: Iterable[TherapeuticArea],
        products: Iterable[Product],
        **kwargs: Any,
    ) -> None:
        # Ids of its own: on the meeting page this form sits beside the meeting's forms.
        kwargs.setdefault("auto_id", "insight_%s")
        super().__init__(data, **kwargs)
        self.model_choice_field("kols").queryset = kols
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Choose…")
        self.choice_field("product").choices = [
            ("", "No specific product"),
            *((p.name, f"{p.name} ({p.therapeutic_area.name})") for p in products),
        ]

    def capture_arguments(self) -> dict[str, Any]:
        """What ``insight_capture`` takes, from the cleaned form."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "category": data["category"],
            "therapeutic_area": data["therapeutic_area"],
            "product": data["product"] or None,
            "kol_ids": [k.pk for k in data["kols"]],
            "interaction_id": data["interaction"],
            "tags": tags_of(data["tags"]),
            "pm_question_id": data["pm_question"],
        }


class InsightEditForm(BootstrapFormMixin, forms.Form):
    """The MSL corrects their own insight before medical review."""

    text = forms.CharField(label="Insight", required=False, strip=False, widget=_textarea(3))
    category = forms.ChoiceField(label="Category", choices=InsightCategory.choices)
    tags = forms.CharField(label="Tags", required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit_%s")
        super().__init__(data, **kwargs)


# Review -----------------------------------------------------------------------------------


class ReviewForm(BootstrapFormMixin, forms.Form):
    """Accept (optionally reworded) or reject (with a note the MSL reads) a new insight."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")], widget=forms.HiddenInput
    )
    text = forms.CharField(
        label="Wording",
        required=False,
        strip=False,
        widget=_textarea(3),
        help_text="Reword it if needed; the MSL's own words are kept.",
    )
    note = forms.CharField(
        label="Note to the MSL",
        required=False,
        widget=_textarea(2),
        help_text="Required when you reject it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, insight: Insight, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"review{insight.pk}_%s")
        kwargs.setdefault("initial", {"text": insight.text, "version": insight.version})
        super().__init__(data, **kwargs)


class MergeForm(BootstrapFormMixin, forms.Form):
    """This insight repeats another one: merge it into the one to keep."""

    into = forms.TypedChoiceField(
        label="Duplicate of",
        coerce=int,
        error_messages={"required": "Choose the insight to keep."},
    )
    note = forms.CharField(label="Note", required=False, max_length=500)

    def __init__(
        self, data: Any = None, *, insight: Insight, candidates: Sequence[Insight], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"merge{insight.pk}_%s")
        super().__init__(data, **kwargs)
        self.choice_field("into").choices = [
            ("", "Choose the insight to keep…"),
            *((c.pk, insight_label(c)) for c in candidates),
        ]


class ReleaseForm(BootstrapFormMixin, forms.Form):
    released_text = forms.CharField(
        label="Wording commercial will read",
        required=False,
        strip=False,
        widget=_textarea(5),
        help_text="Names of people, institutions and dates were taken out automatically; "
        "check the wording before you release it. A release that still names someone is refused.",
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    """A step that needs a reason: withdraw a release, decline a question, close a report."""

    reason = forms.CharField(label="Reason", required=False, widget=_textarea(2))

    def __init__(self, data: Any = None, *, label: str = "Reason", **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["reason"].label = label


# Finding insights -------------------------------------------------------------------------


class InsightSearchForm(PeriodMixin, BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Words in the insight"}),
    )
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "Any category"), *InsightCategory.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *InsightStatus.choices]
    )
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)
    product = forms.ChoiceField(label="Product", required=False)
    captured_from = forms.DateField(label="Captured from", required=False, widget=_date_widget())
    captured_to = forms.DateField(label="Captured until", required=False, widget=_date_widget())
    mine = forms.BooleanField(label="Only mine", required=False)
    kol = forms.IntegerField(required=False, widget=forms.HiddenInput)
    interaction = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any, *, areas: Iterable[TherapeuticArea], products: Iterable[Product]
    ) -> None:
        super().__init__(data)
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Any area")
        self.choice_field("product").choices = _product_choices(products, "Any product")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("captured_from"), data.get("captured_to")
        if start and end and end < start:
            self.add_error("captured_to", "The end of the period is before its start.")
        return data

    def filters(self) -> dict[str, Any]:
        """The search as ``insight_search`` takes it; a filter with a bad value is left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "category": data.get("category") or "",
            "status": data.get("status") or "",
            "therapeutic_area": data.get("therapeutic_area") or "",
            "product": data.get("product") or "",
            "captured_from": data.get("captured_from"),
            "captured_to": data.get("captured_to"),
            "kol_id": data.get("kol"),
            "interaction_id": data.get("interaction"),
            "mine": bool(data.get("mine")),
        }


# Themes -----------------------------------------------------------------------------------


class ThemeFilterForm(PeriodMixin, BootstrapFormMixin, forms.Form):
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)
    product = forms.ChoiceField(label="Product", required=False)
    period = forms.ChoiceField(label="Period", required=False)

    def __init__(
        self,
        data: Any,
        *,
        areas: Iterable[TherapeuticArea],
        products: Iterable[Product],
        periods: Iterable[tuple[date, date]],
    ) -> None:
        super().__init__(data)
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Any area")
        self.choice_field("product").choices = _product_choices(products, "Any product")
        self.choice_field("period").choices = _period_choices(periods, "Any period")


class RegroupForm(BootstrapFormMixin, forms.Form):
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)

    def __init__(self, data: Any = None, *, areas: Iterable[TherapeuticArea]) -> None:
        super().__init__(data, auto_id="regroup_%s")
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Every area")


class ThemeRenameForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=300)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rename_%s")
        super().__init__(data, **kwargs)


class ThemeMergeForm(BootstrapFormMixin, forms.Form):
    into = forms.TypedChoiceField(
        label="Merge into",
        coerce=int,
        error_messages={"required": "Choose the theme to merge into."},
    )

    def __init__(self, data: Any = None, *, others: Sequence[Theme], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(data, **kwargs)
        self.choice_field("into").choices = [
            ("", "Choose a theme…"),
            *((t.pk, f"{t.name} ({t.size})") for t in others),
        ]


class ThemeSplitForm(BootstrapFormMixin, forms.Form):
    insights = forms.TypedMultipleChoiceField(
        label="Insights that form the new theme",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    name = forms.CharField(label="Name of the new theme", required=False, max_length=300)

    def __init__(self, data: Any = None, *, members: Sequence[Insight], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "split_%s")
        super().__init__(data, **kwargs)
        self.choice_field("insights").choices = [(i.pk, insight_label(i, 140)) for i in members]


class ThemeReleaseForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(
        label="Summary commercial will read",
        required=False,
        widget=_textarea(4),
        help_text="No names of people or institutions, no dates. Commercial sees the theme's "
        "name, key terms, size, trend, this summary and its released insights.",
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "release_%s")
        super().__init__(data, **kwargs)


# Actions ----------------------------------------------------------------------------------


class OwnerField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{user_label(obj)} — {obj.get_role_display()}"


class ActionForm(BootstrapFormMixin, forms.Form):
    """What will be done about a reviewed insight or a theme, and who owns it."""

    decision = forms.ChoiceField(label="Decision", choices=Decision.choices)
    action = forms.CharField(
        label="Action",
        required=False,
        widget=_textarea(2, placeholder="e.g. New FAQ on renal dosing"),
        help_text="What will be done; for “No action”, the reason.",
    )
    owner = OwnerField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "That person can no longer own actions."},
    )
    due_on = forms.DateField(label="Due", required=False, widget=_date_widget())
    insight = forms.IntegerField(required=False, widget=forms.HiddenInput)
    theme = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, owners: QuerySet[User], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "action_%s")
        super().__init__(data, **kwargs)
        self.model_choice_field("owner").queryset = owners


class ActionDoneForm(BootstrapFormMixin, forms.Form):
    outcome = forms.CharField(label="What was done", required=False, max_length=2000)

    def __init__(self, data: Any = None, *, action_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"done{action_id}_%s")
        super().__init__(data, **kwargs)


# The PM feedback loop ---------------------------------------------------------------------


class QuestionForm(BootstrapFormMixin, forms.Form):
    """A product manager's question to medical."""

    product = forms.ChoiceField(
        label="Product", error_messages={"required": "Choose the product the question is about."}
    )
    text = forms.CharField(
        label="Your question",
        required=False,
        widget=_textarea(3, placeholder="e.g. What do KOLs say about dosing in the elderly?"),
        help_text="Medical answers with what the field says, de-identified.",
    )

    def __init__(self, data: Any = None, *, products: Iterable[Product]) -> None:
        super().__init__(data)
        self.choice_field("product").choices = _product_choices(products, "Choose…")


class RouteForm(BootstrapFormMixin, forms.Form):
    msls = forms.TypedMultipleChoiceField(
        label="MSLs to answer",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="Note to the MSLs",
        required=False,
        widget=_textarea(2, placeholder="e.g. Ask at your next oncology visits"),
    )

    def __init__(self, data: Any = None, *, msls: Iterable[User], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "route_%s")
        super().__init__(data, **kwargs)
        self.choice_field("msls").choices = [(u.pk, user_label(u)) for u in msls]


class AnswerForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(
        label="Answer for the product manager",
        required=False,
        widget=_textarea(4),
        help_text="De-identified: no names of KOLs, MSLs or institutions, no dates.",
    )
    insights = forms.TypedMultipleChoiceField(
        label="Released insights that go with it",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: Any = None, *, released: Iterable[Insight], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(data, **kwargs)
        self.choice_field("insights").choices = [
            (i.pk, f"#{i.pk} {i.released_text}") for i in released
        ]


class DigestForm(PeriodMixin, BootstrapFormMixin, forms.Form):
    """The PM digest: released themes and insights by product and period."""

    product = forms.ChoiceField(label="Product", required=False)
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)
    period = forms.ChoiceField(label="Period", required=False)

    def __init__(
        self, data: Any, *, areas: Iterable[TherapeuticArea], products: Iterable[Product]
    ) -> None:
        super().__init__(data)
        self.choice_field("product").choices = _product_choices(products, "Every product")
        self.choice_field("therapeutic_area").choices = _area_choices(areas, "Every area")
        self.choice_field("period").choices = _period_choices(recent_quarters(), "Any period")


# Adverse events ---------------------------------------------------------------------------


class AeQueueForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[*AeStatus.choices, ("", "All reports")],
    )


class ForwardForm(BootstrapFormMixin, forms.Form):
    safety_case_id = forms.CharField(
        label="Safety case id",
        required=False,
        max_length=60,
        help_text="The case number in the safety system, if it already has one.",
    )
