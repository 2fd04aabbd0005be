"""Core's own resources: users, reference data and the audit trail (matrix rules only)."""

from kolbridge.core import policy


def register_core_policies() -> None:
    for resource in ("user", "reference_data", "audit_trail"):
        policy.register(policy.RolePolicy(resource))
