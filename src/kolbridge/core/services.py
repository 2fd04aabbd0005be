"""Writes of the core app: users and roles, API tokens, sign-in lock-out."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.audit import audit_record, snapshot
from kolbridge.core.errors import Conflict, Invalid, NotFound
from kolbridge.core.models import ApiToken, Role, Territory, User

USER_AUDIT_FIELDS = ("username", "role", "territory", "manager", "is_active", "email")
TOKEN_PREFIX = "kb_"


def _require_actor(actor: User | None, action: str) -> None:
    """The command line acts as the system (actor None); a person must pass the policy."""
    if actor is not None:
        policy.require(actor, "user", action)


def user_add(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str,
    territory_code: str | None = None,
    manager: User | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password_strength: bool = True,
) -> User:
    """Create a user with a role (and, for field roles, a territory)."""
    _require_actor(actor, "create")
    if role not in Role.values:
        raise Invalid({"role": [f"Unknown role {role!r}. Valid roles: {', '.join(Role.values)}."]})
    territory = None
    if territory_code:
        territory = Territory.objects.filter(code=territory_code).first()
        if territory is None:
            known = ", ".join(Territory.objects.values_list("code", flat=True)) or "none yet"
            raise Invalid({"territory": [f"Unknown territory {territory_code!r}. Known: {known}."]})
    if User.objects.filter(username=username).exists():
        raise Conflict(f"A user named {username!r} already exists.")
    user = User(
        username=username,
        role=role,
        territory=territory,
        manager=manager,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise Invalid({"password": list(exc.messages)}) from exc
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise Invalid(exc.message_dict) from exc
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action="user.create",
            object_type="user",
            object_id=user.pk,
            object_repr=user.username,
            after=snapshot(user, USER_AUDIT_FIELDS),
            actor_label="system (command line)",
        )
    return user


def user_change_role(
    *, actor: User | None, user: User, role: str, territory_code: str | None = None
) -> User:
    """Change a user's role and territory; the audit trail keeps the old ones."""
    _require_actor(actor, "change")
    if role not in Role.values:
        raise Invalid({"role": [f"Unknown role {role!r}. Valid roles: {', '.join(Role.values)}."]})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, USER_AUDIT_FIELDS)
        user.role = role
        if territory_code is not None:
            territory = Territory.objects.filter(code=territory_code).first()
            if territory_code and territory is None:
                raise Invalid({"territory": [f"Unknown territory {territory_code!r}."]})
            user.territory = territory
        user.save()
        audit_record(
            actor=actor,
            action="user.role_change",
            object_type="user",
            object_id=user.pk,
            object_repr=user.username,
            before=before,
            after=snapshot(user, USER_AUDIT_FIELDS),
            actor_label="system (command line)",
        )
    return user


def _digest(raw_token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast unsalted hash is enough to store them.
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def token_create(*, actor: User | None, username: str, name: str = "") -> str:
    """Issue an API token for a user; the raw token is returned once and never stored."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"No active user named {username!r}.")
    if actor is not None and actor.pk != user.pk:
        policy.require(actor, "user", "change")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(raw))
        audit_record(
            actor=actor,
            action="user.token_create",
            object_type="user",
            object_id=user.pk,
            object_repr=user.username,
            after={"token_prefix": prefix, "name": name, "token_id": token.pk},
            actor_label="system (command line)",
        )
    return raw


def token_revoke(*, actor: User | None, username: str, prefix: str | None = None) -> int:
    """Revoke one token (by its prefix) or every live token of a user; returns how many."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user named {username!r}.")
    if actor is not None and actor.pk != user.pk:
        policy.require(actor, "user", "change")
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if prefix:
        live = live.filter(prefix=prefix.removeprefix(TOKEN_PREFIX).split("_")[0])
    with transaction.atomic():
        prefixes = list(live.values_list("prefix", flat=True))
        count = live.update(revoked_at=timezone.now())
        if count:
            audit_record(
                actor=actor,
                action="user.token_revoke",
                object_type="user",
                object_id=user.pk,
                object_repr=user.username,
                after={"revoked_token_prefixes": prefixes},
                actor_label="system (command line)",
            )
    return count


def token_authenticate(raw_token: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked token."""
    if not raw_token.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw_token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last use at most once a minute so reads do not become writes on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_locked_until(username: str) -> datetime | None:
    """When the account's lock-out ends, if it is locked now."""
    locked = (
        User.objects.filter(username=username, locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )
    return locked


def login_failure_register(username: str) -> None:
    """Count a failed sign-in; enough failures in a row lock the account for a while."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            return
        user.failed_login_count += 1
        fields = ["failed_login_count"]
        if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            user.failed_login_count = 0
            fields.append("locked_until")
            audit_record(
                actor=None,
                action="user.lockout",
                object_type="user",
                object_id=user.pk,
                object_repr=user.username,
                after={"locked_until": user.locked_until},
                actor_label="system (sign-in)",
            )
        user.save(update_fields=fields)


def login_success_register(user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def reference_data_save(*, actor: User, instance: Any, created: bool) -> None:
    """Save a territory, therapeutic area, product or indication and audit the change
    (indications decide what is on-label, so their history matters)."""
    policy.require(actor, "reference_data", "change")
    label = instance._meta.model_name
    fields = [f.attname for f in instance._meta.concrete_fields]
    with transaction.atomic():
        before = None
        if not created:
            old = type(instance).objects.filter(pk=instance.pk).first()
            before = snapshot(old, fields) if old is not None else None
        instance.save()
        audit_record(
            actor=actor,
            action=f"reference.{label}_{'create' if created else 'update'}",
            object_type=label,
            object_id=instance.pk,
            object_repr=str(instance),
            before=before,
            after=snapshot(instance, fields),
        )


def reference_data_delete(*, actor: User, instance: Any) -> None:
    policy.require(actor, "reference_data", "change")
    label = instance._meta.model_name
    fields = [f.attname for f in instance._meta.concrete_fields]
    with transaction.atomic():
        before = snapshot(instance, fields)
        pk = instance.pk
        instance.delete()
        audit_record(
            actor=actor,
            action=f"reference.{label}_delete",
            object_type=label,
            object_id=pk,
            object_repr=str(instance),
            before=before,
        )
