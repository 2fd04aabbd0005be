"""Every write of insights: capture, medical review (accept, edit, merge, reject), release to
commercial in de-identified form, actions taken, product managers' questions — and adverse-event
reports: opened by the screening of field text, forwarded to the safety system or closed as not
an adverse event.

Each service checks the policy, validates, saves and writes the audit entry in one
transaction.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.audit import audit_record
from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.core.fieldtext import FieldText, attach_notices, field_text_entered
from kolbridge.core.models import Product, Role, User
from kolbridge.core.validation import product_by_name, therapeutic_area_by_code
from kolbridge.engagements.models import Interaction
from kolbridge.insights.deidentify import deidentify, remaining_identifiers
from kolbridge.insights.models import (
    AE_REPORTING_CLOCK,
    INSIGHT_MAX_CHARS,
    ActionStatus,
    AdverseEventReport,
    AeStatus,
    Decision,
    Insight,
    InsightAction,
    InsightCategory,
    InsightStatus,
    PmQuestion,
    PmQuestionStatus,
    Theme,
    ThemeStatus,
)
from kolbridge.insights.screening import screen
from kolbridge.kols.models import Kol

log = logging.getLogger(__name__)
MAX_TAGS = 10


def _audit(
    actor: User | None,
    action: str,
    obj: Any,
    object_type: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason,
    )


def _clean_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid({field: ["Write the insight; it cannot be empty."]})
    if len(text) > INSIGHT_MAX_CHARS:
        raise Invalid(
            {
                field: [
                    f"{len(text):,} characters; an insight is at most {INSIGHT_MAX_CHARS:,}. "
                    "Keep it to what you learned."
                ]
            }
        )
    return text


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(t.strip().lower()[:40] for t in tags if t and t.strip()))
    if len(cleaned) > MAX_TAGS:
        raise Invalid({"tags": [f"At most {MAX_TAGS} tags."]})
    return cleaned


# Capture ----------------------------------------------------------------------------------


def insight_capture(
    *,
    actor: User,
    text: str,
    category: str,
    therapeutic_area: str,
    product: str | None = None,
    kol_ids: Sequence[int] = (),
    interaction_id: int | None = None,
    tags: Sequence[str] = (),
    pm_question_id: int | None = None,
    captured_at: Any = None,
) -> Insight:
    """An MSL captures what they learned; it is screened for a possible adverse event at once
    (the screening never stops the save)."""
    policy.require(actor, "insight", "create")
    text = _clean_text(text)
    if category not in InsightCategory.values:
        raise Invalid(
            {
                "category": [
                    f"Unknown category {category!r}; one of: {', '.join(InsightCategory.values)}."
                ]
            }
        )
    area = therapeutic_area_by_code(therapeutic_area)
    if area is None:
        raise Invalid({"therapeutic_area": ["Choose the therapeutic area."]})
    prod = product_by_name(product)
    if prod is not None and prod.therapeutic_area_id != area.pk:
        raise Invalid({"product": [f"{prod.name} is not a {area.name} product."]})
    interaction = None
    if interaction_id is not None:
        interaction = policy.visible(
            actor, "interaction", Interaction.objects.filter(pk=interaction_id)
        ).first()
        if interaction is None:
            raise Invalid({"interaction": [f"Unknown interaction id {interaction_id} for you."]})
    ids = list(dict.fromkeys(kol_ids))
    if interaction is not None and not ids:
        ids = list(interaction.kols.values_list("pk", flat=True))
    kols = list(policy.visible(actor, "kol", Kol.objects.filter(pk__in=ids)))
    missing = sorted(set(ids) - {k.pk for k in kols})
    if missing:
        raise Invalid({"kols": [f"Unknown KOL id(s) for you: {missing}."]})
    if interaction is not None:
        attendees = set(interaction.kols.values_list("pk", flat=True))
        strangers = [k.display_name for k in kols if k.pk not in attendees]
        if strangers:
            raise Invalid({"kols": [f"Not attendees of that interaction: {', '.join(strangers)}."]})
    question = None
    if pm_question_id is not None:
        question = policy.visible(
            actor, "pm_question", PmQuestion.objects.filter(pk=pm_question_id)
        ).first()
        if question is None:
            raise Invalid({"pm_question": [f"Unknown PM question {pm_question_id} for you."]})
        if question.status != PmQuestionStatus.ROUTED:
            raise Conflict("That question is no longer waiting for answers from the field.")
    insight = Insight(
        text=text,
        category=category,
        therapeutic_area=area,
        product=prod,
        interaction=interaction,
        tags=_clean_tags(tags),
        captured_by=actor,
        captured_at=captured_at or timezone.now(),
        pm_question=question,
    )
    with transaction.atomic():
        insight.save()
        insight.kols.set(kols)
        _audit(
            actor,
            "insight.capture",
            insight,
            "insight",
            after={
                "text": text,
                "category": category,
                "therapeutic_area": area.code,
                "product": prod.name if prod else None,
                "kols": [k.pk for k in kols],
                "interaction": interaction_id,
                "tags": insight.tags,
            },
        )
        attach_notices(
            insight,
            field_text_entered(
                FieldText(
                    "insight",
                    insight.pk,
                    text,
                    actor,
                    kol_id=kols[0].pk if len(kols) == 1 else None,
                    product_id=prod.pk if prod else None,
                )
            ),
        )
    return insight


def _lock(insight: Insight, expected_version: int | None) -> Insight:
    current = Insight.objects.select_for_update().get(pk=insight.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict("This insight was changed by someone else; reload it and try again.")
    return current


def insight_edit(
    *,
    actor: User,
    insight: Insight,
    text: str | None = None,
    category: str | None = None,
    tags: Sequence[str] | None = None,
    expected_version: int | None = None,
) -> Insight:
    """The MSL corrects their own insight before review (screened again if the text moved)."""
    policy.require(actor, "insight", "change", insight)
    with transaction.atomic():
        current = _lock(insight, expected_version)
        before = {"text": current.text, "category": current.category, "tags": current.tags}
        if text is not None:
            current.text = _clean_text(text)
        if category is not None:
            if category not in InsightCategory.values:
                raise Invalid({"category": [f"Unknown category {category!r}."]})
            if category == InsightCategory.SAFETY and current.released_at:
                raise Conflict(
                    "A released insight cannot become a safety insight; withdraw the release "
                    "first (safety insights never go to commercial)."
                )
            current.category = category
        if tags is not None:
            current.tags = _clean_tags(tags)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        after = {"text": current.text, "category": current.category, "tags": current.tags}
        _audit(actor, "insight.edit", current, "insight", before, after)
        if before["text"] != current.text:
            kol_ids = list(current.kols.values_list("pk", flat=True))
            attach_notices(
                current,
                field_text_entered(
                    FieldText(
                        "insight",
                        current.pk,
                        current.text,
                        actor,
                        kol_id=kol_ids[0] if len(kol_ids) == 1 else None,
                        product_id=current.product_id,
                    )
                ),
            )
    return current


# Medical review ---------------------------------------------------------------------------


def insight_review(
    *,
    actor: User,
    insight: Insight,
    decision: str,
    note: str = "",
    text: str | None = None,
    expected_version: int | None = None,
) -> Insight:
    """A medical lead accepts (optionally rewording, the MSL's words kept) or rejects (with a
    note) a new insight."""
    policy.require(actor, "insight", "review", insight)
    if decision not in ("accept", "reject"):
        raise Invalid({"decision": ["Decision is accept or reject (merge has its own action)."]})
    if decision == "reject" and not note.strip():
        raise Invalid({"note": ["Say why the insight is rejected; the MSL will read it."]})
    with transaction.atomic():
        current = _lock(insight, expected_version)
        if current.status in (InsightStatus.MERGED,):
            raise Conflict("This insight was merged into another one.")
        before = {"status": current.status, "text": current.text}
        if text is not None and text.strip() != current.text:
            if not current.original_text:
                current.original_text = current.text
            current.text = _clean_text(text)
        current.status = InsightStatus.ACCEPTED if decision == "accept" else InsightStatus.REJECTED
        current.reviewed_by, current.reviewed_at = actor, timezone.now()
        current.review_note = note.strip()
        if current.status == InsightStatus.REJECTED and current.released_at:
            raise Conflict("A released insight cannot be rejected; withdraw the release first.")
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        _audit(
            actor,
            f"insight.{decision}",
            current,
            "insight",
            before,
            {"status": current.status, "text": current.text},
            reason=note.strip(),
        )
    return current


def insight_merge(*, actor: User, duplicate: Insight, into: Insight, note: str = "") -> Insight:
    """Merge a duplicate into the insight it repeats; the duplicate's KOLs join the kept one
    (so the count of voices stays true)."""
    policy.require(actor, "insight", "review", duplicate)
    policy.require(actor, "insight", "review", into)
    if duplicate.pk == into.pk:
        raise Invalid({"into": ["An insight cannot be merged into itself."]})
    with transaction.atomic():
        dup = _lock(duplicate, None)
        kept = _lock(into, None)
        if kept.status in (InsightStatus.MERGED, InsightStatus.REJECTED):
            raise Conflict(f"Insight #{kept.pk} is {kept.get_status_display().lower()}.")
        if dup.released_at:
            raise Conflict("A released insight cannot be merged away.")
        dup.status, dup.merged_into = InsightStatus.MERGED, kept
        dup.reviewed_by, dup.reviewed_at, dup.review_note = actor, timezone.now(), note.strip()
        dup.save()
        had = set(kept.kols.values_list("pk", flat=True))
        moved = sorted(set(dup.kols.values_list("pk", flat=True)) - had)
        kept.kols.add(*moved)
        _audit(
            actor,
            "insight.merge",
            dup,
            "insight",
            after={"merged_into": kept.pk, "kols_added_to_kept": moved},
            reason=note.strip(),
        )
    return kept


def known_names() -> tuple[list[str], list[str]]:
    """Every person and institution the system knows, for de-identification checks."""
    names: list[str] = []
    institutions: list[str] = []
    for first, last, inst in Kol.objects.values_list("first_name", "last_name", "institution"):
        names.append(f"{first} {last}".strip())
        if inst:
            institutions.append(inst)
    for first, last in User.objects.values_list("first_name", "last_name"):
        if first or last:
            names.append(f"{first} {last}".strip())
    return names, institutions


def release_suggestion(insight: Insight) -> str:
    """The automatic de-identification of an insight's text, for the lead to check."""
    names, institutions = known_names()
    return deidentify(insight.text, names, institutions).text


def insight_release(*, actor: User, insight: Insight, released_text: str) -> Insight:
    """Release an accepted insight to commercial with de-identified wording the lead checked.
    Refused while the wording still names a person, an institution or a date."""
    policy.require(actor, "insight", "release", insight)
    text = _clean_text(released_text, "released_text")
    names, institutions = known_names()
    left = remaining_identifiers(text, names, institutions)
    if left:
        raise Invalid(
            {"released_text": [f"Still identifies: {', '.join(left)}. Remove it before release."]}
        )
    with transaction.atomic():
        current = _lock(insight, None)
        if current.status != InsightStatus.ACCEPTED:
            raise Conflict("Only an accepted insight can be released; review it first.")
        if current.category == InsightCategory.SAFETY:
            raise Forbidden(
                "Safety rule: safety insights go to pharmacovigilance, never to commercial."
            )
        before = {"released_text": current.released_text, "released_at": current.released_at}
        current.released_text, current.released_at, current.released_by = (
            text,
            timezone.now(),
            actor,
        )
        current.save()
        _audit(
            actor,
            "insight.release",
            current,
            "insight",
            before,
            {"released_text": text, "released_at": current.released_at},
        )
    return current


def insight_unrelease(*, actor: User, insight: Insight, reason: str) -> Insight:
    """Take a released insight back from commercial."""
    policy.require(actor, "insight", "release", insight)
    if not reason.strip():
        raise Invalid({"reason": ["Say why the release is withdrawn."]})
    with transaction.atomic():
        current = _lock(insight, None)
        if not current.released_at:
            raise Conflict("This insight is not released.")
        current.released_at, current.released_by, current.released_text = None, None, ""
        current.save()
        _audit(
            actor,
            "insight.unrelease",
            current,
            "insight",
            after={"released": False},
            reason=reason.strip(),
        )
    return current


# Closing the loop -------------------------------------------------------------------------


def action_record(
    *,
    actor: User,
    decision: str,
    action: str,
    owner_id: int,
    insight_id: int | None = None,
    theme_id: int | None = None,
    due_on: date | None = None,
) -> InsightAction:
    """What will be done about a reviewed insight or a theme, and who owns it."""
    policy.require(actor, "insight_action", "create")
    if (insight_id is None) == (theme_id is None):
        raise Invalid({"insight": ["Record the action for one insight or one theme."]})
    if decision not in Decision.values:
        raise Invalid({"decision": [f"One of: {', '.join(Decision.values)}."]})
    if not action.strip():
        what = "the reason for no action" if decision == Decision.NO_ACTION else "the action"
        raise Invalid({"action": [f"Write {what}."]})
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise Invalid({"owner": [f"Unknown user {owner_id}."]})
    insight = theme = None
    if insight_id is not None:
        insight = policy.visible(actor, "insight", Insight.objects.filter(pk=insight_id)).first()
        if insight is None:
            raise Invalid({"insight": [f"Unknown insight {insight_id}."]})
        if insight.status not in (InsightStatus.ACCEPTED,):
            raise Conflict("Only a reviewed (accepted) insight gets an action.")
    elif theme_id is not None:
        theme = Theme.objects.filter(pk=theme_id, status=ThemeStatus.ACTIVE).first()
        if theme is None:
            raise Invalid({"theme": [f"Unknown theme {theme_id}."]})
    now = timezone.now()
    row = InsightAction(
        insight=insight,
        theme=theme,
        owner=owner,
        decision=decision,
        action=action.strip(),
        decided_at=now,
        due_on=due_on,
        created_by=actor,
        status=ActionStatus.DONE if decision == Decision.NO_ACTION else ActionStatus.OPEN,
        done_at=now if decision == Decision.NO_ACTION else None,
    )
    with transaction.atomic():
        row.save()
        _audit(
            actor,
            "insight_action.create",
            row,
            "insight_action",
            after={
                "decision": decision,
                "action": row.action,
                "owner": owner.username,
                "insight": insight_id,
                "theme": theme_id,
                "due_on": due_on,
            },
        )
    return row


def action_complete(*, actor: User, action: InsightAction, outcome: str) -> InsightAction:
    policy.require(actor, "insight_action", "change")
    if not outcome.strip():
        raise Invalid({"outcome": ["Say what was done."]})
    with transaction.atomic():
        current = InsightAction.objects.select_for_update().get(pk=action.pk)
        if current.status == ActionStatus.DONE:
            raise Conflict("This action is already done.")
        current.status, current.done_at, current.outcome = (
            ActionStatus.DONE,
            timezone.now(),
            outcome.strip(),
        )
        current.save()
        _audit(
            actor,
            "insight_action.complete",
            current,
            "insight_action",
            after={"outcome": current.outcome},
        )
    return current


# The PM feedback loop ---------------------------------------------------------------------


def pm_question_ask(*, actor: User, product: str, text: str) -> PmQuestion:
    """A product manager asks medical what the field says about something."""
    policy.require(actor, "pm_question", "create")
    prod = product_by_name(product)
    if prod is None:
        raise Invalid({"product": ["Choose the product the question is about."]})
    text = (text or "").strip()
    if not text:
        raise Invalid({"text": ["Write the question."]})
    if len(text) > INSIGHT_MAX_CHARS:
        raise Invalid({"text": [f"At most {INSIGHT_MAX_CHARS:,} characters."]})
    q = PmQuestion(asked_by=actor, product=prod, text=text, asked_at=timezone.now())
    with transaction.atomic():
        q.save()
        _audit(
            actor, "pm_question.ask", q, "pm_question", after={"product": prod.name, "text": text}
        )
    return q


def pm_question_route(
    *, actor: User, question: PmQuestion, msl_ids: Sequence[int], note: str = ""
) -> PmQuestion:
    """A medical lead sends the question to MSLs, who answer with insights."""
    policy.require(actor, "pm_question", "route", question)
    msls = list(User.objects.filter(pk__in=list(msl_ids), role=Role.MSL, is_active=True))
    missing = sorted(set(msl_ids) - {m.pk for m in msls})
    if not msl_ids or missing:
        raise Invalid(
            {
                "msls": [
                    f"Choose MSLs to answer (unknown: {missing})."
                    if missing
                    else "Choose at least one MSL."
                ]
            }
        )
    with transaction.atomic():
        current = PmQuestion.objects.select_for_update().get(pk=question.pk)
        if current.status not in (PmQuestionStatus.ASKED, PmQuestionStatus.ROUTED):
            raise Conflict(f"This question is {current.get_status_display().lower()}.")
        current.status = PmQuestionStatus.ROUTED
        current.routed_by, current.routed_at = actor, timezone.now()
        current.routing_note = note.strip()
        current.save()
        current.routed_to.add(*msls)
        _audit(
            actor,
            "pm_question.route",
            current,
            "pm_question",
            after={"msls": sorted(m.username for m in msls), "note": current.routing_note},
        )
    return current


def pm_question_answer(
    *, actor: User, question: PmQuestion, summary: str, insight_ids: Sequence[int]
) -> PmQuestion:
    """Send the answer to the PM: a de-identified summary and released insights only."""
    policy.require(actor, "pm_question", "answer", question)
    summary = (summary or "").strip()
    if not summary:
        raise Invalid({"summary": ["Write the answer's summary for the product manager."]})
    names, institutions = known_names()
    left = remaining_identifiers(summary, names, institutions)
    if left:
        raise Invalid({"summary": [f"Still identifies: {', '.join(left)}."]})
    insights = list(Insight.objects.filter(pk__in=list(insight_ids), pm_question=question))
    unknown = sorted(set(insight_ids) - {i.pk for i in insights})
    if unknown:
        raise Invalid({"insights": [f"Not answers to this question: {unknown}."]})
    unreleased = [i.pk for i in insights if not i.released_at]
    if unreleased:
        raise Invalid({"insights": [f"Release these insights first: {unreleased}."]})
    with transaction.atomic():
        current = PmQuestion.objects.select_for_update().get(pk=question.pk)
        if current.status != PmQuestionStatus.ROUTED:
            raise Conflict("Route the question to MSLs before answering it.")
        current.status = PmQuestionStatus.ANSWERED
        current.answer_summary, current.answered_at, current.answered_by = (
            summary,
            timezone.now(),
            actor,
        )
        current.save()
        _audit(
            actor,
            "pm_question.answer",
            current,
            "pm_question",
            after={"summary": summary, "insights": sorted(i.pk for i in insights)},
        )
    return current


def pm_question_decline(*, actor: User, question: PmQuestion, reason: str) -> PmQuestion:
    policy.require(actor, "pm_question", "answer", question)
    if not reason.strip():
        raise Invalid({"reason": ["Say why medical cannot answer this question."]})
    with transaction.atomic():
        current = PmQuestion.objects.select_for_update().get(pk=question.pk)
        if current.status in (PmQuestionStatus.ANSWERED, PmQuestionStatus.DECLINED):
            done = "answered" if current.status == PmQuestionStatus.ANSWERED else "declined"
            raise Conflict(f"This question was {done} already.")
        current.status, current.decline_reason = PmQuestionStatus.DECLINED, reason.strip()
        current.answered_at, current.answered_by = timezone.now(), actor
        current.save()
        _audit(actor, "pm_question.decline", current, "pm_question", reason=reason.strip())
    return current


# Adverse events ---------------------------------------------------------------------------


def _product_names() -> list[str]:
    names: list[str] = []
    for name, generic in Product.objects.values_list("name", "generic_name"):
        names.append(name)
        if generic:
            names.append(generic)
    return names


def ae_screen_field_text(entry: FieldText) -> list[str]:
    """The field-text screener: open an adverse-event report for a possible AE. If screening
    itself fails, the report is opened for manual review — an AE is never lost to a bug."""
    try:
        result = screen(entry.text, _product_names())
    except Exception as exc:
        log.exception("Adverse-event screening failed on %s %s", entry.source_type, entry.source_id)
        report = _open_report(entry, entry.text[:1000], [], [], manual=True, error=repr(exc))
        return [
            f"Safety screening could not read this text, so it was sent to pharmacovigilance "
            f"for manual review (report #{report.pk}, due {_due_label(report)})."
        ]
    if not result.possible_ae:
        return []
    already = AdverseEventReport.objects.filter(
        source_type=entry.source_type, source_id=entry.source_id, excerpt=result.excerpt
    ).first()
    if already is not None:
        return []
    report = _open_report(entry, result.excerpt, result.harms, result.matched, manual=False)
    harms = ", ".join(result.harms) or "a possible harm"
    return [
        f"Possible adverse event ({harms}): report #{report.pk} is in the pharmacovigilance "
        f"queue, due {_due_label(report)}. PV may contact you for details."
    ]


def _due_label(report: AdverseEventReport) -> str:
    return f"{timezone.localtime(report.due_at):%d %b %Y %H:%M}"


def _open_report(
    entry: FieldText,
    excerpt: str,
    harms: list[str],
    matched: list[str],
    *,
    manual: bool,
    error: str = "",
) -> AdverseEventReport:
    now = timezone.now()
    reporter = entry.reporter if getattr(entry.reporter, "pk", None) else None
    report = AdverseEventReport.objects.create(
        source_type=entry.source_type,
        source_id=entry.source_id,
        excerpt=excerpt,
        harms=harms,
        matched_terms=matched,
        product_id=entry.product_id,
        kol_id=entry.kol_id,
        reporter=reporter,
        received_at=now,
        due_at=now + AE_REPORTING_CLOCK,
        needs_manual_review=manual,
        screening_error=error[:2000],
    )
    _audit(
        reporter,
        "adverse_event.open",
        report,
        "adverse_event",
        after={
            "source": f"{entry.source_type} {entry.source_id}",
            "excerpt": excerpt,
            "harms": harms,
            "due_at": report.due_at,
            "manual_review": manual,
        },
    )
    return report


def ae_forward(
    *, actor: User, report: AdverseEventReport, safety_case_id: str = ""
) -> AdverseEventReport:
    """Forward a report to the safety system: an export file in the E2B-like fields the report
    holds, kept with the report."""
    policy.require(actor, "adverse_event", "forward", report)
    with transaction.atomic():
        current = (
            # Only the report's row: PostgreSQL cannot lock the nullable side of the joins.
            AdverseEventReport.objects.select_for_update(of=("self",))
            .select_related("product", "kol", "reporter")
            .get(pk=report.pk)
        )
        if current.status != AeStatus.OPEN:
            raise Conflict(f"This report is already {current.get_status_display().lower()}.")
        now = timezone.now()
        current.status, current.forwarded_at, current.forwarded_by = AeStatus.FORWARDED, now, actor
        current.safety_case_id = safety_case_id.strip()[:60]
        name = default_storage.save(
            f"safety/exports/ae-{current.pk}.xml", ContentFile(e2b_export(current))
        )
        current.export_file.name = name
        current.save()
        _audit(
            actor,
            "adverse_event.forward",
            current,
            "adverse_event",
            after={
                "forwarded_at": now,
                "safety_case_id": current.safety_case_id,
                "on_time": now <= current.due_at,
            },
        )
    return current


def ae_close_not_ae(*, actor: User, report: AdverseEventReport, reason: str) -> AdverseEventReport:
    """Close a report as not an adverse event; the reason is required and kept."""
    policy.require(actor, "adverse_event", "close", report)
    if not (reason or "").strip():
        raise Invalid({"reason": ["Say why this is not an adverse event."]})
    with transaction.atomic():
        current = AdverseEventReport.objects.select_for_update().get(pk=report.pk)
        if current.status != AeStatus.OPEN:
            raise Conflict(f"This report is already {current.get_status_display().lower()}.")
        current.status, current.closed_at, current.closed_by = (
            AeStatus.NOT_AE,
            timezone.now(),
            actor,
        )
        current.close_reason = reason.strip()
        current.save()
        _audit(
            actor,
            "adverse_event.close_not_ae",
            current,
            "adverse_event",
            after={"status": current.status},
            reason=current.close_reason,
        )
    return current


def e2b_export(report: AdverseEventReport) -> bytes:
    """An ICH E2B(R3)-like XML of what the report holds: the safety system imports it."""
    root = ET.Element("ichicsr", {"lang": "en"})
    header = ET.SubElement(root, "ichicsrmessageheader")
    ET.SubElement(header, "messagetype").text = "ichicsr"
    ET.SubElement(header, "messagesenderidentifier").text = "KOLBRIDGE"
    ET.SubElement(header, "messagedate").text = f"{timezone.now():%Y%m%d%H%M%S}"
    safety = ET.SubElement(root, "safetyreport")
    ET.SubElement(safety, "safetyreportid").text = f"KB-AE-{report.pk:08d}"
    ET.SubElement(safety, "reporttype").text = "2"  # 2 = report from study/other (field)
    ET.SubElement(safety, "receivedate").text = f"{report.received_at:%Y%m%d}"
    ET.SubElement(safety, "receiptdate").text = f"{report.received_at:%Y%m%d%H%M}"
    ET.SubElement(safety, "fulfillexpeditecriteria").text = "1"
    source = ET.SubElement(safety, "primarysource")
    ET.SubElement(source, "qualification").text = "1"  # physician (the HCP who told the MSL)
    if report.kol is not None:
        ET.SubElement(source, "reportergivename").text = report.kol.first_name
        ET.SubElement(source, "reporterfamilyname").text = report.kol.last_name
        ET.SubElement(source, "reportercountry").text = (report.kol.country or "").upper()
    sender = ET.SubElement(safety, "sender")
    ET.SubElement(sender, "sendertype").text = "1"  # pharmaceutical company
    if report.reporter is not None:
        ET.SubElement(sender, "senderpersonname").text = (
            report.reporter.get_full_name() or report.reporter.username
        )
    patient = ET.SubElement(safety, "patient")
    for harm in report.harms or ["unspecified"]:
        reaction = ET.SubElement(patient, "reaction")
        ET.SubElement(reaction, "primarysourcereaction").text = harm
    drug = ET.SubElement(patient, "drug")
    ET.SubElement(drug, "drugcharacterization").text = "1"  # suspect
    ET.SubElement(drug, "medicinalproduct").text = report.product.name if report.product else ""
    summary = ET.SubElement(patient, "summary")
    ET.SubElement(summary, "narrativeincludeclinical").text = report.excerpt
    ET.SubElement(summary, "reportercomment").text = (
        f"Source: {report.get_source_type_display()} #{report.source_id} in Kolbridge; "
        f"found by automatic screening{' (manual review)' if report.needs_manual_review else ''}."
    )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
