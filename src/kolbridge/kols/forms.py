"""Forms of the KOL pages. They read what a person typed and offer only the choices that fit
the person; the services decide whether the change is allowed and write it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.models import Territory, TherapeuticArea, User
from kolbridge.core.selectors import products_list, territories_list, therapeutic_areas_list
from kolbridge.kols.models import (
    Channel,
    ExternalIdSystem,
    KnowledgeLevel,
    Kol,
    KolChannelPreference,
    QuestionStatus,
    Stage,
    Tier,
)
from kolbridge.kols.validators import normalise_external_id

PROFILE_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "specialty",
    "tier",
    "institution",
    "department",
    "city",
    "country",
    "email",
)


class BootstrapFormMixin:
    """Gives every widget Bootstrap's class for its kind, so the templates stay plain."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def model_choice_field(self, name: str) -> forms.ModelChoiceField[Any]:
        return cast("forms.ModelChoiceField[Any]", self.fields[name])


def territories_in_reach(user: User, action: str) -> list[Territory]:
    """Territories in which the policy lets the user take ``action`` on a KOL."""
    return [
        territory
        for territory in territories_list(user=user)
        if policy.can(user, "kol", action, Kol(territory=territory))
    ]


def moment(day: date | None) -> datetime | None:
    """The moment to record for a day a person picked.

    No day, or today, means now, so a change recorded today sorts after the earlier ones of
    the day. A past day means noon, so the record stays on that day in any nearby time zone.
    """
    if day is None or day == timezone.localdate():
        return None
    return timezone.make_aware(datetime.combine(day, time(12)))


def day_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for today.",
    )


def note_field() -> forms.CharField:
    return forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def area_choices(user: User, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((a.code, a.name) for a in therapeutic_areas_list(user=user))]


class KolSearchForm(BootstrapFormMixin, forms.Form):
    """The search box and filters above the KOL list."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, specialty or institution"}
        ),
    )
    tier = forms.TypedChoiceField(
        label="Tier",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any tier"), *Tier.choices],
    )
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *Stage.choices]
    )
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)
    territory = forms.ChoiceField(label="Territory", required=False)

    def __init__(self, data: Any, *, user: User, with_stage: bool) -> None:
        super().__init__(data)
        if not with_stage:
            del self.fields["stage"]
        self.choice_field("therapeutic_area").choices = area_choices(user, "Any area")
        self.choice_field("territory").choices = [
            ("", "Any territory"),
            *((t.code, str(t)) for t in territories_in_reach(user, "view")),
        ]

    def filters(self) -> dict[str, Any]:
        """The search as ``kol_search`` takes it; a filter with a bad value is left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "tier": data.get("tier"),
            "stage": data.get("stage") or None,
            "therapeutic_area": data.get("therapeutic_area") or None,
            "territory": data.get("territory") or None,
        }


class KolForm(BootstrapFormMixin, forms.ModelForm):
    """A KOL's profile. The model gives the fields and checks them; ``kol_create`` and
    ``kol_update`` do the writing, so this form is never saved itself."""

    territory = forms.ModelChoiceField(
        queryset=Territory.objects.none(),
        to_field_name="code",
        empty_label="Choose a territory",
    )
    therapeutic_areas = forms.ModelMultipleChoiceField(
        queryset=TherapeuticArea.objects.none(),
        to_field_name="code",
        required=False,
        label="Therapeutic-area interests",
        widget=forms.CheckboxSelectMultiple,
    )
    other_affiliations = forms.CharField(
        label="Other affiliations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    npi = forms.CharField(label="NPI", required=False, max_length=100, help_text="10 digits.")
    orcid = forms.CharField(
        label="ORCID iD", required=False, max_length=100, help_text="0000-0000-0000-0000"
    )
    crm = forms.CharField(label="CRM id", required=False, max_length=100)
    openalex = forms.CharField(
        label="OpenAlex id", required=False, max_length=100, help_text="A followed by digits."
    )

    class Meta:
        model = Kol
        fields = [*PROFILE_FIELDS, "territory", "therapeutic_areas"]
        labels = {"country": "Country", "email": "E-mail"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The services keep a KOL only in a territory where the user may change KOLs.
        territory_field = self.model_choice_field("territory")
        territories = territories_in_reach(user, "change")
        territory_field.queryset = Territory.objects.filter(pk__in=[t.pk for t in territories])
        if len(territories) == 1 and not self.is_bound:
            territory_field.initial = territories[0]
        self.model_choice_field("therapeutic_areas").queryset = therapeutic_areas_list(user=user)
        self.fields["country"].widget.attrs.update(
            {"maxlength": 2, "autocapitalize": "characters", "size": 2}
        )

    def clean_other_affiliations(self) -> list[str]:
        text: str = self.cleaned_data["other_affiliations"]
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _clean_external_id(self, system: str) -> str:
        raw: str = self.cleaned_data[system]
        if not raw.strip():
            return ""
        value, problem = normalise_external_id(system, raw)
        if problem:
            raise forms.ValidationError(f"{raw.strip()} {problem}.")
        return value

    def clean_npi(self) -> str:
        return self._clean_external_id(ExternalIdSystem.NPI)

    def clean_orcid(self) -> str:
        return self._clean_external_id(ExternalIdSystem.ORCID)

    def clean_crm(self) -> str:
        return self._clean_external_id(ExternalIdSystem.CRM)

    def clean_openalex(self) -> str:
        return self._clean_external_id(ExternalIdSystem.OPENALEX)

    def profile(self) -> dict[str, Any]:
        """The plain profile fields, as the services take them."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in PROFILE_FIELDS},
            "other_affiliations": data["other_affiliations"],
        }

    def territory_code(self) -> str:
        return str(self.cleaned_data["territory"].code)

    def therapeutic_area_codes(self) -> list[str]:
        return [area.code for area in self.cleaned_data["therapeutic_areas"]]

    def external_ids(self) -> dict[str, str]:
        """Every system's id; an empty one means the KOL has none there."""
        return {system: self.cleaned_data[system] for system in ExternalIdSystem.values}


class KolEditForm(KolForm):
    """The profile form for an existing KOL; ``version`` is the one the person started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, kol: Kol) -> dict[str, Any]:
        ids = {e.system: e.value for e in kol.external_ids.all()}
        return {
            **{name: getattr(kol, name) for name in PROFILE_FIELDS},
            "territory": kol.territory,
            "therapeutic_areas": list(kol.therapeutic_areas.all()),
            "other_affiliations": "\n".join(kol.other_affiliations),
            **{system: ids.get(system, "") for system in ExternalIdSystem.values},
            "version": kol.version,
        }

    def changes(self) -> dict[str, Any]:
        """Every field of the form as ``kol_update`` takes it; it records only what differs."""
        return {
            **self.profile(),
            "territory": self.territory_code(),
            "therapeutic_areas": self.therapeutic_area_codes(),
            "external_ids": self.external_ids(),
        }


class StageForm(BootstrapFormMixin, forms.Form):
    """Record that the KOL moved to another learning-journey stage."""

    prefix = "stage"

    stage = forms.ChoiceField(label="New stage", choices=Stage.choices)
    changed_at = day_field("Date of the change")
    note = note_field()


class KnowledgeForm(BootstrapFormMixin, forms.Form):
    """Record how well the KOL knows one therapeutic area or one product."""

    prefix = "knowledge"
    AREA, PRODUCT = "area:", "product:"

    subject = forms.ChoiceField(label="Subject")
    level = forms.TypedChoiceField(
        label="Knowledge level",
        coerce=int,
        choices=[("", "Choose a level"), *KnowledgeLevel.choices],
    )
    assessed_at = day_field("Date of the assessment")
    note = note_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = [(f"{self.AREA}{a.code}", a.name) for a in therapeutic_areas_list(user=user)]
        products = [(f"{self.PRODUCT}{p.name}", p.name) for p in products_list(user=user)]
        self.choice_field("subject").choices = [
            ("", "Choose a subject"),
            ("Therapeutic areas", areas),
            ("Products", products),
        ]

    def subject_arguments(self) -> dict[str, str | None]:
        """The chosen subject as ``kol_knowledge_record`` takes it."""
        subject: str = self.cleaned_data["subject"]
        if subject.startswith(self.PRODUCT):
            return {"product_name": subject.removeprefix(self.PRODUCT)}
        return {"therapeutic_area_code": subject.removeprefix(self.AREA)}


class ChannelPreferencesForm(BootstrapFormMixin, forms.Form):
    """Record the KOL's preferred channels and times, and whether they consent to e-mail."""

    prefix = "channels"

    channels = forms.MultipleChoiceField(
        label="Preferred channels",
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_times = forms.CharField(
        label="Preferred times",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Tuesday mornings"}),
    )
    email_consent = forms.BooleanField(label="Consents to e-mail", required=False)
    effective_at = day_field("Effective from")
    note = note_field()

    @classmethod
    def initial_from(cls, current: KolChannelPreference | None) -> dict[str, Any]:
        if current is None:
            return {}
        return {
            "channels": current.channels,
            "preferred_times": current.preferred_times,
            "email_consent": current.email_consent,
        }


class QuestionForm(BootstrapFormMixin, forms.Form):
    """Log a scientific question the KOL asked."""

    prefix = "question"

    text = forms.CharField(
        label="Question", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    therapeutic_area = forms.ChoiceField(label="Therapeutic area", required=False)
    asked_at = day_field("Asked on")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("therapeutic_area").choices = area_choices(user, "None given")


class QuestionAnswerForm(BootstrapFormMixin, forms.Form):
    """Mark one question answered (or open again), with how it was answered."""

    status = forms.ChoiceField(
        choices=QuestionStatus.choices, initial=QuestionStatus.ANSWERED, widget=forms.HiddenInput
    )
    answer_summary = forms.CharField(
        label="How it was answered",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answered_at = day_field("Answered on")

    @staticmethod
    def prefix_for(question_id: int) -> str:
        return f"answer-{question_id}"
