"""The ``kolbridge`` command line: users and API tokens."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kolbridge.core.models import ApiToken, AuditEntry, Role, User
from kolbridge.core.services import token_authenticate


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_user_add_creates_a_user_with_role_and_territory(ref):
    out, _ = run("user", "add", "nia", "--role", "msl", "--password", "Lantern-orchid-42",
                 "--territory", "NE")
    user = User.objects.get(username="nia")
    assert (user.role, user.territory.code) == ("msl", "NE")
    assert user.check_password("Lantern-orchid-42")
    assert "nia" in out
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_user_add_refuses_an_unknown_role_listing_the_valid_ones(ref):
    with pytest.raises(CommandError) as refused:
        run("user", "add", "nia", "--role", "wizard", "--password", "Lantern-orchid-42")
    for role in Role.values:
        assert role in str(refused.value)
    assert not User.objects.filter(username="nia").exists()


@pytest.mark.django_db
def test_user_add_refuses_an_unknown_territory(ref):
    with pytest.raises(CommandError, match="Unknown territory 'ZZ'"):
        run("user", "add", "nia", "--role", "msl", "--password", "Lantern-orchid-42",
            "--territory", "ZZ")
    assert not User.objects.filter(username="nia").exists()


@pytest.mark.django_db
def test_user_set_role_changes_the_role(msl_b):
    run("user", "set-role", "msl_b", "--role", "medical_lead")
    msl_b.refresh_from_db()
    assert msl_b.role == "medical_lead"


@pytest.mark.django_db
def test_user_set_role_of_an_unknown_user_is_refused(ref):
    with pytest.raises(CommandError, match="ghost"):
        run("user", "set-role", "ghost", "--role", "msl")


@pytest.mark.django_db
def test_token_create_prints_only_the_token_and_stores_only_its_hash(msl_a):
    out, _ = run("token", "create", "msl_a")
    raw = out.strip()
    assert out == raw + "\n"
    assert token_authenticate(raw) == msl_a
    row = ApiToken.objects.filter(user=msl_a).values().get()
    assert all(raw not in str(value) for value in row.values())
    assert all(raw.split("_", 2)[2] not in str(value) for value in row.values())


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_fails(ref):
    with pytest.raises(CommandError, match="ghost"):
        run("token", "create", "ghost")


@pytest.mark.django_db
def test_token_revoke_stops_the_token(msl_a):
    out, _ = run("token", "create", "msl_a")
    raw = out.strip()
    _, err = run("token", "revoke", "msl_a", "--token", raw)
    assert "Revoked 1" in err
    assert token_authenticate(raw) is None


@pytest.mark.django_db
def test_token_revoke_with_nothing_to_revoke_fails(msl_a):
    with pytest.raises(CommandError, match="nothing was revoked"):
        run("token", "revoke", "msl_a")


@pytest.mark.django_db(transaction=True)
def test_kolbridge_token_create_writes_nothing_but_the_token_to_stdout(ref, monkeypatch, capsys):
    from kolbridge.__main__ import main
    from kolbridge.core.services import user_add

    user = user_add(actor=None, username="svc", role="admin", password="x",
                    check_password_strength=False)
    monkeypatch.setattr("sys.argv", ["kolbridge", "token", "create", "svc"])
    main()
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1
    assert token_authenticate(out.strip()) == user


@pytest.mark.django_db(transaction=True)
def test_kolbridge_user_add_with_an_unknown_role_exits_non_zero(ref, monkeypatch, capsys):
    from kolbridge.__main__ import main

    monkeypatch.setattr(
        "sys.argv", ["kolbridge", "user", "add", "x", "--role", "boss", "--password", "pw"]
    )
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code != 0
    assert "Valid roles: msl, medical_lead" in capsys.readouterr().err
