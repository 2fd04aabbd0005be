"""Every write to the KOL 360. Each service checks the policy, validates, saves, and writes
the audit entry, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.audit import audit_record, snapshot
from kolbridge.core.errors import Conflict, Invalid
from kolbridge.core.models import User
from kolbridge.core.validation import (
    full_clean_or_invalid,
    product_by_name,
    territory_by_code,
    therapeutic_area_by_code,
    therapeutic_areas_by_codes,
)
from kolbridge.kols.models import (
    Channel,
    ExternalIdSystem,
    Kol,
    KolChannelPreference,
    KolExternalId,
    KolKnowledgeAssessment,
    KolSearchToken,
    KolStageChange,
    QuestionStatus,
    ScientificQuestion,
    Stage,
)
from kolbridge.kols.search import kol_tokens
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
    "other_affiliations",
    "email",
)


def _profile_snapshot(kol: Kol) -> dict[str, Any]:
    data = snapshot(kol, PROFILE_FIELDS)
    data["territory"] = kol.territory.code
    data["therapeutic_areas"] = sorted(kol.therapeutic_areas.values_list("code", flat=True))
    data["external_ids"] = {e.system: e.value for e in kol.external_ids.all()}
    return data


def _clean_external_ids(external_ids: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: list[str] = []
    for system, raw in external_ids.items():
        value, problem = normalise_external_id(system, raw)
        if problem:
            errors.append(f"{system} {raw!r} {problem}.")
        else:
            cleaned[system] = value
    if errors:
        raise Invalid({"external_ids": errors})
    return cleaned


def _check_external_ids_free(actor: User, kol: Kol | None, ids: Mapping[str, str]) -> None:
    for system, value in ids.items():
        holder = (
            KolExternalId.objects.select_related("kol")
            .filter(system=system, value=value)
            .exclude(kol=kol)
            .first()
        )
        if holder is None:
            continue
        label = ExternalIdSystem(system).label
        # Name the holder only to someone who may see it; the id is enough to resolve the clash.
        who = (
            f"KOL #{holder.kol_id} ({holder.kol.display_name})"
            if policy.can(actor, "kol", "view", holder.kol)
            else f"KOL #{holder.kol_id}"
        )
        raise Conflict(f"{label} {value} is already held by {who}.")


def _territory_in_reach(actor: User, kol: Kol) -> None:
    if not policy.can(actor, "kol", "change", kol):
        raise Invalid({"territory": ["You may only keep KOLs in a territory within your reach."]})


def _index_for_search(kol: Kol) -> None:
    """Keep the KOL's search words in step with its profile."""
    wanted = kol_tokens(kol)
    stored = set(KolSearchToken.objects.filter(kol=kol).values_list("token", flat=True))
    if stored - wanted:
        KolSearchToken.objects.filter(kol=kol, token__in=stored - wanted).delete()
    KolSearchToken.objects.bulk_create(
        [KolSearchToken(kol=kol, token=token) for token in sorted(wanted - stored)]
    )


def _store_external_ids(actor: User, kol: Kol, ids: Mapping[str, str]) -> None:
    try:
        with transaction.atomic():
            for system, value in ids.items():
                KolExternalId.objects.update_or_create(
                    kol=kol, system=system, defaults={"value": value}
                )
    except IntegrityError:
        # Another writer stored the same id after our check and committed first: answer as
        # the check would have (409 naming the holder), not with a database error.
        _check_external_ids_free(actor, kol, ids)
        raise Conflict("An external id was taken by another KOL meanwhile; try again.") from None


def kol_create(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    specialty: str,
    institution: str,
    territory_code: str,
    title: str = "",
    tier: int = 3,
    department: str = "",
    city: str = "",
    country: str = "",
    other_affiliations: list[str] | None = None,
    email: str = "",
    therapeutic_area_codes: Iterable[str] = (),
    external_ids: Mapping[str, str] | None = None,
) -> Kol:
    """Create a KOL profile with its external ids and therapeutic-area interests."""
    policy.require(actor, "kol", "create")
    kol = Kol(
        title=title,
        first_name=first_name,
        last_name=last_name,
        specialty=specialty,
        tier=tier,
        institution=institution,
        department=department,
        city=city,
        country=country.upper(),
        other_affiliations=other_affiliations or [],
        email=email,
        territory=territory_by_code(territory_code),
    )
    full_clean_or_invalid(kol, exclude=["current_stage", "stage_since"])
    _territory_in_reach(actor, kol)
    areas = therapeutic_areas_by_codes(therapeutic_area_codes)
    ids = _clean_external_ids(external_ids or {})
    with transaction.atomic():
        _check_external_ids_free(actor, None, ids)
        kol.save()
        kol.therapeutic_areas.set(areas)
        _store_external_ids(actor, kol, ids)
        _index_for_search(kol)
        audit_record(
            actor=actor,
            action="kol.create",
            object_type="kol",
            object_id=kol.pk,
            object_repr=kol.display_name,
            after=_profile_snapshot(kol),
        )
    return kol


def kol_update(
    *,
    actor: User,
    kol: Kol,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Kol:
    """Change profile fields; ``changes`` may also hold ``territory``, ``therapeutic_areas``
    (codes) and ``external_ids`` ({system: value}; an empty value removes one).

    ``expected_version`` guards against overwriting someone else's edit made in between.
    """
    policy.require(actor, "kol", "change", kol)
    unknown = sorted(
        set(changes) - set(PROFILE_FIELDS) - {"territory", "therapeutic_areas", "external_ids"}
    )
    if unknown:
        raise Invalid({name: ["This field cannot be changed."] for name in unknown})
    with transaction.atomic():
        # of=("self",): lock the KOL row only; a plain FOR UPDATE would also lock the joined
        # territory row and so serialize every edit (and new KOL) in that territory.
        kol = Kol.objects.select_for_update(of=("self",)).select_related("territory").get(pk=kol.pk)
        if expected_version is not None and kol.version != expected_version:
            raise Conflict(
                f"This profile was changed by someone else (now version {kol.version}, you "
                f"edited version {expected_version}). Reload it and apply your change again."
            )
        before = _profile_snapshot(kol)
        for name in PROFILE_FIELDS:
            if name in changes:
                value = changes[name]
                if name == "country" and isinstance(value, str):
                    value = value.upper()
                setattr(kol, name, value)
        if "territory" in changes:
            kol.territory = territory_by_code(changes["territory"])
            _territory_in_reach(actor, kol)
        full_clean_or_invalid(kol, exclude=["current_stage", "stage_since"])
        if "therapeutic_areas" in changes:
            kol.therapeutic_areas.set(therapeutic_areas_by_codes(changes["therapeutic_areas"]))
        if "external_ids" in changes:
            requested: Mapping[str, str] = changes["external_ids"] or {}
            removed = [s for s, v in requested.items() if not (v or "").strip()]
            ids = _clean_external_ids({s: v for s, v in requested.items() if (v or "").strip()})
            _check_external_ids_free(actor, kol, ids)
            KolExternalId.objects.filter(kol=kol, system__in=removed).delete()
            _store_external_ids(actor, kol, ids)
        after = _profile_snapshot(kol)
        if after == before:
            return kol
        kol.version += 1
        try:
            kol.save()
        except IntegrityError as exc:
            raise Conflict(f"The change clashes with a stored record: {exc}") from exc
        _index_for_search(kol)
        audit_record(
            actor=actor,
            action="kol.update",
            object_type="kol",
            object_id=kol.pk,
            object_repr=kol.display_name,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after={k: v for k, v in after.items() if before.get(k) != v},
        )
    return kol


def _when(at: datetime | None, field: str) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + timedelta(minutes=5):
        raise Invalid({field: ["Cannot be in the future."]})
    return at


def kol_stage_record(
    *, actor: User, kol: Kol, stage: str, at: datetime | None = None, note: str = ""
) -> KolStageChange:
    """Record that the KOL moved to a learning-journey stage (now, or at a past date)."""
    policy.require(actor, "kol_journey", "record", kol)
    if stage not in Stage.values:
        raise Invalid({"stage": [f"Unknown stage {stage!r}. Stages: {', '.join(Stage.values)}."]})
    changed_at = _when(at, "changed_at")
    with transaction.atomic():
        kol = Kol.objects.select_for_update().get(pk=kol.pk)
        previous = (
            KolStageChange.objects.filter(kol=kol, changed_at__lte=changed_at)
            .order_by("-changed_at", "-id")
            .values_list("stage", flat=True)
            .first()
        )
        change = KolStageChange(
            kol=kol,
            stage=stage,
            previous_stage=previous or "",
            changed_at=changed_at,
            recorded_by=actor,
            note=note,
        )
        full_clean_or_invalid(change, exclude=["kol", "recorded_by"])
        change.save()
        # A backdated change slots in between two others: the next one now follows it.
        following = (
            KolStageChange.objects.filter(kol=kol, changed_at__gt=changed_at)
            .order_by("changed_at", "id")
            .first()
        )
        if following is not None and following.previous_stage != stage:
            following.previous_stage = stage
            following.save(update_fields=["previous_stage"])
        before = {"current_stage": kol.current_stage}
        if kol.stage_since is None or changed_at >= kol.stage_since:
            kol.current_stage, kol.stage_since = stage, changed_at
            kol.save(update_fields=["current_stage", "stage_since", "updated_at"])
        audit_record(
            actor=actor,
            action="kol.stage_change",
            object_type="kol",
            object_id=kol.pk,
            object_repr=kol.display_name,
            before=before,
            after={
                "stage": stage,
                "changed_at": changed_at,
                "note": note,
                "current_stage": kol.current_stage,
            },
        )
    return change


def kol_knowledge_record(
    *,
    actor: User,
    kol: Kol,
    level: int,
    therapeutic_area_code: str | None = None,
    product_name: str | None = None,
    at: datetime | None = None,
    note: str = "",
) -> KolKnowledgeAssessment:
    """Record the KOL's knowledge level of one therapeutic area or one product."""
    policy.require(actor, "kol_journey", "record", kol)
    if bool(therapeutic_area_code) == bool(product_name):
        raise Invalid(
            {"subject": ["Give either a therapeutic area or a product (exactly one of them)."]}
        )
    area = therapeutic_area_by_code(therapeutic_area_code)
    product = None if area else product_by_name(product_name)
    assessment = KolKnowledgeAssessment(
        kol=kol,
        therapeutic_area=area,
        product=product,
        level=level,
        assessed_at=_when(at, "assessed_at"),
        recorded_by=actor,
        note=note,
    )
    full_clean_or_invalid(assessment, exclude=["kol", "recorded_by"])
    with transaction.atomic():
        assessment.save()
        audit_record(
            actor=actor,
            action="kol.knowledge_record",
            object_type="kol",
            object_id=kol.pk,
            object_repr=kol.display_name,
            after={
                "subject": assessment.subject,
                "level": level,
                "assessed_at": assessment.assessed_at,
                "note": note,
            },
        )
    return assessment


def kol_channel_preferences_record(
    *,
    actor: User,
    kol: Kol,
    channels: list[str],
    email_consent: bool,
    preferred_times: str = "",
    at: datetime | None = None,
    note: str = "",
) -> KolChannelPreference:
    """Record the KOL's channel preferences and e-mail consent from now (or a past date) on."""
    policy.require(actor, "kol_journey", "record", kol)
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        raise Invalid(
            {
                "channels": [
                    f"Unknown channel(s) {', '.join(unknown)}. Channels: "
                    f"{', '.join(Channel.values)}."
                ]
            }
        )
    if Channel.EMAIL in channels and not email_consent:
        raise Invalid({"email_consent": ["E-mail is a preferred channel only with consent."]})
    preference = KolChannelPreference(
        kol=kol,
        channels=list(dict.fromkeys(channels)),
        preferred_times=preferred_times,
        email_consent=email_consent,
        effective_at=_when(at, "effective_at"),
        recorded_by=actor,
        note=note,
    )
    full_clean_or_invalid(preference, exclude=["kol", "recorded_by"])
    with transaction.atomic():
        preference.save()
        audit_record(
            actor=actor,
            action="kol.channel_preferences_record",
            object_type="kol",
            object_id=kol.pk,
            object_repr=kol.display_name,
            after={
                "channels": preference.channels,
                "email_consent": email_consent,
                "preferred_times": preferred_times,
                "effective_at": preference.effective_at,
            },
        )
    return preference


QUESTION_FIELDS = (
    "text",
    "therapeutic_area",
    "status",
    "asked_at",
    "answered_at",
    "answer_summary",
)


def kol_question_add(
    *,
    actor: User,
    kol: Kol,
    text: str,
    therapeutic_area_code: str | None = None,
    asked_at: datetime | None = None,
) -> ScientificQuestion:
    """Log a scientific question the KOL asked."""
    policy.require(actor, "kol_question", "create", kol)
    area = therapeutic_area_by_code(therapeutic_area_code)
    question = ScientificQuestion(
        kol=kol,
        text=text.strip(),
        therapeutic_area=area,
        asked_at=_when(asked_at, "asked_at"),
        recorded_by=actor,
    )
    full_clean_or_invalid(question, exclude=["kol", "recorded_by"])
    with transaction.atomic():
        question.save()
        audit_record(
            actor=actor,
            action="kol.question_add",
            object_type="kol",
            object_id=kol.pk,
            object_repr=kol.display_name,
            after={"question_id": question.pk, **snapshot(question, QUESTION_FIELDS)},
        )
    return question


def kol_question_update(
    *,
    actor: User,
    question: ScientificQuestion,
    text: str | None = None,
    status: str | None = None,
    answer_summary: str | None = None,
    answered_at: datetime | None = None,
) -> ScientificQuestion:
    """Edit a question, mark it answered (with when and how) or re-open it."""
    policy.require(actor, "kol_question", "change", question)
    with transaction.atomic():
        question = (
            ScientificQuestion.objects.select_for_update(of=("self",))
            .select_related("kol")
            .get(pk=question.pk)
        )
        before = snapshot(question, QUESTION_FIELDS)
        if text is not None:
            question.text = text.strip()
        if answer_summary is not None:
            question.answer_summary = answer_summary
        if status is not None:
            if status not in QuestionStatus.values:
                raise Invalid({"status": [f"Unknown status {status!r}; use open or answered."]})
            question.status = status
            if status == QuestionStatus.ANSWERED:
                # Marking an answered question answered again keeps its answer date.
                if answered_at is not None or question.answered_at is None:
                    question.answered_at = _when(answered_at, "answered_at")
                if question.answered_at < question.asked_at:
                    raise Invalid({"answered_at": ["Cannot be before the question was asked."]})
            else:
                question.answered_at = None
        full_clean_or_invalid(question, exclude=["kol", "recorded_by"])
        question.save()
        after = snapshot(question, QUESTION_FIELDS)
        if after != before:
            audit_record(
                actor=actor,
                action="kol.question_update",
                object_type="kol",
                object_id=question.kol_id,
                object_repr=question.kol.display_name,
                before={"question_id": question.pk, **before},
                after={"question_id": question.pk, **after},
            )
    return question
