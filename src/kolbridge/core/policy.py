"""The access policy: the compliance firewall as data, and the one registry every read and
write asks.

``FIREWALL`` says which role may take which action on which kind of record. Each app adds the
record-level rules for its own records (territory, ownership, release state) by registering a
``ResourcePolicy`` subclass in its ``AppConfig.ready()``. Views, the API, exports and search
call ``can``/``require``/``visible`` here; no rule is written anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from kolbridge.core.errors import Forbidden
from kolbridge.core.models import Role

MSL, LEAD, REVIEWER, PV = Role.MSL, Role.MEDICAL_LEAD, Role.REVIEWER, Role.PV_OFFICER
PM, REP, ADMIN = Role.PRODUCT_MANAGER, Role.SALES_REP, Role.ADMIN
EVERYONE = frozenset(Role)
MEDICAL = frozenset({MSL, LEAD, REVIEWER, PV})


@dataclass(frozen=True)
class Resource:
    """A kind of record and, per action, the roles the firewall lets take it."""

    name: str
    label: str
    actions: dict[str, frozenset[str]]
    why: str = ""


FIREWALL: dict[str, Resource] = {
    r.name: r
    for r in [
        Resource(
            "user",
            "users and roles",
            {
                "view": frozenset({ADMIN}),
                "create": frozenset({ADMIN}),
                "change": frozenset({ADMIN}),
            },
            "only administrators manage users and roles",
        ),
        Resource(
            "reference_data",
            "reference data (territories, therapeutic areas, products, indications)",
            {"view": EVERYONE, "change": frozenset({ADMIN})},
            "only administrators change reference data",
        ),
        Resource(
            "audit_trail",
            "audit trail",
            {"view": frozenset({ADMIN, LEAD})},
            "the audit trail is shown to administrators and medical leads only",
        ),
        Resource(
            "kol",
            "KOL master data (name, specialty, affiliation, tier)",
            {
                "view": EVERYONE,
                "create": frozenset({MSL, LEAD, ADMIN}),
                "change": frozenset({MSL, LEAD, ADMIN}),
            },
            "HCP master data is kept by medical staff and administrators",
        ),
        Resource(
            "kol_journey",
            "KOL learning journey, knowledge levels and channel preferences",
            {"view": frozenset({MSL, LEAD, PV, ADMIN}), "record": frozenset({MSL, LEAD})},
            "a KOL's journey and knowledge come from scientific exchange and stay with medical",
        ),
        Resource(
            "kol_question",
            "KOL scientific questions",
            {
                "view": frozenset({MSL, LEAD, PV}),
                "create": frozenset({MSL, LEAD}),
                "change": frozenset({MSL, LEAD}),
            },
            "a KOL's scientific questions are medical only and never reach commercial roles",
        ),
        Resource(
            "interaction",
            "MSL interactions (notes, topics, questions raised)",
            {
                "view": frozenset({MSL, LEAD}),
                "create": frozenset({MSL, LEAD}),
                "change": frozenset({MSL, LEAD}),
                "complete": frozenset({MSL, LEAD}),
                "cancel": frozenset({MSL, LEAD}),
            },
            "interaction records and their notes are medical only",
        ),
        Resource(
            "interaction_fact",
            "the fact that a medical interaction with an HCP took place on a date",
            {"view": frozenset({PM, REP})},
            "only commercial roles need this reduced view; medical roles see the interaction",
        ),
        Resource(
            "inquiry",
            "medical information requests (inquiries) and their answers",
            {
                "view": frozenset({MSL, LEAD, PV}),
                "create": frozenset({MSL, LEAD}),
                "respond": frozenset({MSL, LEAD}),
                "close": frozenset({MSL, LEAD}),
            },
            "inquiries are answered by medical only; a sales representative refers a question "
            "to medical and never answers it",
        ),
        Resource(
            "inquiry_referral",
            "referrals of an HCP's medical question to medical",
            {"view": frozenset({REP}), "create": frozenset({REP})},
            "referring is the sales representative's path; medical staff capture inquiries",
        ),
        Resource(
            "follow_up",
            "follow-up tasks",
            {
                "view": frozenset({MSL, LEAD}),
                "create": frozenset({MSL, LEAD}),
                "change": frozenset({MSL, LEAD}),
            },
            "follow-ups of medical interactions and inquiries stay with medical",
        ),
        Resource(
            "content_item",
            "content library items",
            {
                "view": EVERYONE,
                "create": frozenset({MSL, LEAD, PM}),
                "change": frozenset({MSL, LEAD, PM}),
                "submit": frozenset({MSL, LEAD, PM}),
                "withdraw": frozenset({REVIEWER, LEAD}),
            },
            "content is authored by medical staff and product managers and withdrawn by MLR "
            "reviewers or medical leads",
        ),
        Resource(
            "content_module",
            "content modules (claims, figures, key messages, text blocks)",
            {
                "view": frozenset({MSL, LEAD, REVIEWER, PV, PM, ADMIN}),
                "create": frozenset({MSL, LEAD, PM}),
                "change": frozenset({MSL, LEAD, PM}),
            },
            "modules are authored by the same people who author content items",
        ),
        Resource(
            "content_review",
            "MLR review of content (sign-offs and returns)",
            {
                "view": frozenset({REVIEWER, LEAD, ADMIN}),
                "sign": frozenset({REVIEWER}),
                "return": frozenset({REVIEWER}),
            },
            "only MLR reviewers sign off or return content; every approval is an e-signature",
        ),
        Resource(
            "presentation",
            "personalized presentations for a KOL",
            {
                "view": frozenset({MSL, LEAD}),
                "create": frozenset({MSL, LEAD}),
                "change": frozenset({MSL, LEAD}),
                "present": frozenset({MSL, LEAD}),
            },
            "presentations are scientific exchange with a KOL and belong to medical",
        ),
        Resource(
            "share_link",
            "share links to KOLs and what the KOLs viewed",
            {
                "view": frozenset({MSL, LEAD, REVIEWER}),
                "create": frozenset({MSL, LEAD}),
                "revoke": frozenset({MSL, LEAD, REVIEWER}),
            },
            "sharing content with a KOL, and tracking what they viewed, is medical activity",
        ),
        Resource(
            "email_template",
            "approved e-mail templates for share links",
            {
                "view": frozenset({MSL, LEAD, REVIEWER, ADMIN}),
                "create": frozenset({REVIEWER, ADMIN}),
                "approve": frozenset({REVIEWER}),
            },
            "e-mail templates go to HCPs and are approved by MLR reviewers",
        ),
        Resource(
            "insight",
            "field insights as captured (identifiable: KOL, MSL, interaction)",
            {
                "view": frozenset({MSL, LEAD, PV}),
                "create": frozenset({MSL, LEAD}),
                "change": frozenset({MSL, LEAD}),
                "review": frozenset({LEAD}),
                "release": frozenset({LEAD}),
            },
            "raw insights identify KOLs and MSLs and stay with medical; medical leads review "
            "them and release de-identified wording",
        ),
        Resource(
            "released_insight",
            "insights released to commercial (de-identified)",
            {"view": frozenset({MSL, LEAD, PM, REP})},
            "released insights are the de-identified view shared across the firewall",
        ),
        Resource(
            "theme",
            "insight themes with their member insights",
            {
                "view": frozenset({MSL, LEAD}),
                "change": frozenset({LEAD}),
                "release": frozenset({LEAD}),
            },
            "themes are built from identifiable insights and curated by medical leads",
        ),
        Resource(
            "released_theme",
            "insight themes released to commercial (name, size, trend, released insights)",
            {"view": frozenset({MSL, LEAD, PM, REP})},
            "only released themes cross the firewall",
        ),
        Resource(
            "insight_action",
            "decisions and actions taken on insights and themes",
            {
                "view": frozenset({MSL, LEAD}),
                "create": frozenset({LEAD}),
                "change": frozenset({LEAD}),
            },
            "medical leads decide what is done with field insights",
        ),
        Resource(
            "pm_question",
            "product managers' questions to medical",
            {
                "view": frozenset({PM, LEAD, MSL}),
                "create": frozenset({PM}),
                "route": frozenset({LEAD}),
                "answer": frozenset({LEAD}),
            },
            "product managers ask; medical leads route, answer and release",
        ),
        Resource(
            "adverse_event",
            "adverse-event reports",
            {
                "view": frozenset({PV, MSL, LEAD}),
                "forward": frozenset({PV}),
                "close": frozenset({PV}),
            },
            "adverse-event reports are handled by pharmacovigilance and never reach commercial "
            "roles",
        ),
    ]
}


def role_may(role: str, resource: str, action: str) -> bool:
    """The firewall matrix alone: may this role take this action on this kind of record?"""
    return role in FIREWALL[resource].actions.get(action, frozenset())


def refusal(role: str, resource: str, action: str) -> str:
    res = FIREWALL[resource]
    return f"Firewall rule: the {Role(role).label} role may not {action} {res.label} — {res.why}."


class ResourcePolicy:
    """Who may see and do what with one kind of record.

    Subclasses add record-level rules by overriding ``scope`` (which records of the queryset
    the user may see) and ``can_on_record`` (extra rules for one record).
    """

    resource: str = ""

    def can(self, user: Any, action: str, obj: Model | None = None) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        if not role_may(user.role, self.resource, action):
            return False
        if obj is None:
            return True
        return self.can_on_record(user, action, obj)

    def visible(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.can(user, "view"):
            return queryset.none()
        return self.scope(user, queryset)

    def require(self, user: Any, action: str, obj: Model | None = None) -> None:
        """Raise ``Forbidden`` naming the rule unless the user may take the action."""
        if not user.is_authenticated or not user.is_active:
            raise Forbidden("Sign in first.")
        if not role_may(user.role, self.resource, action):
            raise Forbidden(refusal(user.role, self.resource, action))
        if obj is not None and not self.can_on_record(user, action, obj):
            raise Forbidden(self.record_refusal(user, action, obj))

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        return True

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return f"You may not {action} this record."


class RolePolicy(ResourcePolicy):
    """A resource whose rules are the matrix alone (no record-level rules)."""

    def __init__(self, resource: str) -> None:
        self.resource = resource


_registry: dict[str, ResourcePolicy] = {}


def register(policy: ResourcePolicy) -> None:
    if policy.resource not in FIREWALL:
        raise KeyError(f"{policy.resource!r} is not a resource of the firewall matrix")
    _registry[policy.resource] = policy


def policy_for(resource: str) -> ResourcePolicy:
    try:
        return _registry[resource]
    except KeyError:
        raise KeyError(f"No policy registered for {resource!r}") from None


def can(user: Any, resource: str, action: str, obj: Model | None = None) -> bool:
    return policy_for(resource).can(user, action, obj)


def require(user: Any, resource: str, action: str, obj: Model | None = None) -> None:
    policy_for(resource).require(user, action, obj)


def visible(user: Any, resource: str, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return policy_for(resource).visible(user, queryset)


_audited_actions: list[tuple[str, str]] = []


def register_audited_actions(prefix: str, resource: str) -> None:
    """Audit entries whose action starts with ``prefix`` carry ``resource`` data (before and
    after values), so only those who may view that resource may read them."""
    if resource not in FIREWALL:
        raise KeyError(f"{resource!r} is not a resource of the firewall matrix")
    _audited_actions.append((prefix, resource))


def hidden_audit_actions(user: Any) -> list[str]:
    """Action prefixes of audit entries this user may not read."""
    return [prefix for prefix, resource in _audited_actions if not can(user, resource, "view")]


def allowed_actions(user: Any, resources: Iterable[str]) -> dict[str, set[str]]:
    """What the user's role may do per resource: the navigation and templates read this."""
    if not user.is_authenticated:
        return {}
    return {
        name: {a for a, roles in FIREWALL[name].actions.items() if user.role in roles}
        for name in resources
    }
