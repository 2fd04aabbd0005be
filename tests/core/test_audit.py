"""The append-only, hash-chained audit trail and ``kolbridge audit verify``."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kolbridge.core import selectors
from kolbridge.core.audit import audit_record, audit_verify, compute_hash
from kolbridge.core.models import AuditChainHead, AuditEntry


def write_entries(n: int, actor=None) -> list[AuditEntry]:
    for i in range(n):
        audit_record(
            actor=actor,
            action="test.write",
            object_type="thing",
            object_id=i,
            object_repr=f"thing {i}",
            before={"n": i},
            after={"n": i + 1, "note": "naïve café"},
        )
    return list(AuditEntry.objects.order_by("sequence"))


@pytest.mark.django_db
def test_entries_are_chained_from_one_in_order():
    entries = write_entries(4)
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_hash == "0" * 64
    for before, after in itertools.pairwise(entries):
        assert after.previous_hash == before.entry_hash
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (4, entries[-1].entry_hash)


@pytest.mark.django_db
def test_entry_records_who_what_which_record_before_and_after(msl_a):
    audit_record(
        actor=msl_a, action="kol.update", object_type="kol", object_id=7, object_repr="Dr X",
        before={"tier": 3}, after={"tier": 1},
    )
    entry = AuditEntry.objects.latest("sequence")
    assert entry.actor == msl_a
    assert entry.actor_username == "msl_a"
    assert (entry.action, entry.object_type, entry.object_id) == ("kol.update", "kol", "7")
    assert (entry.before, entry.after) == ({"tier": 3}, {"tier": 1})
    assert entry.at is not None


KOL_A_TRAIL = [  # what the kol_a fixture writes, newest first
    "kol.question_add", "kol.channel_preferences_record", "kol.knowledge_record",
    "kol.stage_change", "kol.stage_change", "kol.create",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona,expected",
    [
        ("lead", KOL_A_TRAIL),
        # Administrators read the trail but not the scientific questions it would reveal.
        ("admin", KOL_A_TRAIL[1:]),
        ("msl_a", []), ("reviewer", []), ("pv", []), ("pm", []), ("rep", []),
    ],
)
def test_a_records_audit_trail_is_shown_to_admins_and_leads_only(request, kol_a, persona,
                                                                  expected):
    user = request.getfixturevalue(persona)
    trail = selectors.audit_trail_for(user=user, object_type="kol", object_id=kol_a.pk)
    assert [e.action for e in trail] == expected


@pytest.mark.django_db
def test_audit_trail_hides_question_entries_from_whoever_may_not_read_questions(admin, kol_a):
    trail = selectors.audit_trail_for(user=admin, object_type="kol", object_id=kol_a.pk)
    assert all("renal" not in str(e.after) for e in trail)


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain(kol_a):
    result = audit_verify()
    assert result.ok
    assert result.checked == AuditEntry.objects.count() > 5


@pytest.mark.django_db
def test_verify_passes_on_an_empty_trail():
    assert audit_verify().ok


@pytest.mark.django_db
def test_verify_detects_an_edited_entry():
    write_entries(5)
    AuditEntry.objects.filter(sequence=3).update(after={"n": 999})
    result = audit_verify()
    assert not result.ok
    assert result.broken_sequence == 3
    assert "edited" in result.problem


@pytest.mark.django_db
def test_verify_detects_an_edited_actor_name():
    write_entries(3)
    AuditEntry.objects.filter(sequence=2).update(actor_username="someone else")
    assert audit_verify().broken_sequence == 2


@pytest.mark.django_db
def test_verify_detects_an_edited_entry_whose_own_hash_was_recomputed():
    # A forger who edits entry 2 and recomputes its hash still breaks entry 3's link to it.
    write_entries(4)
    forged = AuditEntry.objects.get(sequence=2)
    forged.after = {"n": 999}
    forged.entry_hash = compute_hash(
        sequence=forged.sequence, at=forged.at, actor_id=forged.actor_id,
        actor_username=forged.actor_username, action=forged.action,
        object_type=forged.object_type, object_id=forged.object_id,
        object_repr=forged.object_repr, before=forged.before, after=forged.after,
        reason=forged.reason, previous_hash=forged.previous_hash,
    )
    forged.save()
    result = audit_verify()
    assert not result.ok
    assert result.broken_sequence == 3
    assert "chain was cut or rewritten" in result.problem


@pytest.mark.django_db
def test_verify_detects_a_deleted_middle_entry():
    write_entries(5)
    AuditEntry.objects.filter(sequence=3).delete()
    result = audit_verify()
    assert not result.ok
    assert result.broken_sequence == 3
    assert "missing" in result.problem


@pytest.mark.django_db
def test_verify_detects_a_deleted_first_entry():
    write_entries(3)
    AuditEntry.objects.filter(sequence=1).delete()
    assert audit_verify().broken_sequence == 1


@pytest.mark.django_db
def test_verify_detects_a_deleted_last_entry_by_the_chain_head():
    write_entries(5)
    AuditEntry.objects.filter(sequence=5).delete()
    result = audit_verify()
    assert not result.ok
    assert result.broken_sequence == 5
    assert "head" in result.problem


@pytest.mark.django_db
def test_verify_detects_a_wiped_trail_whose_head_remains():
    write_entries(2)
    AuditEntry.objects.all().delete()
    result = audit_verify()
    assert not result.ok
    assert result.broken_sequence == 1


@pytest.mark.django_db
def test_cli_verify_reports_an_intact_trail(capsys):
    write_entries(3)
    call_command("audit", "verify")
    assert "3 entries verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_verify_names_the_first_broken_entry():
    write_entries(6)
    AuditEntry.objects.filter(sequence=4).update(after={"tampered": True})
    AuditEntry.objects.filter(sequence=5).delete()
    with pytest.raises(CommandError, match=r"broken at entry #4\b"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_kolbridge_audit_verify_exits_non_zero_on_a_broken_trail(monkeypatch, capsys):
    from kolbridge.__main__ import main

    write_entries(3)
    AuditEntry.objects.filter(sequence=2).delete()
    monkeypatch.setattr("sys.argv", ["kolbridge", "audit", "verify"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code != 0
    assert "entry #2" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_kolbridge_audit_verify_exits_zero_on_an_intact_trail(monkeypatch, capsys):
    from kolbridge.__main__ import main

    write_entries(2)
    monkeypatch.setattr("sys.argv", ["kolbridge", "audit", "verify"])
    main()  # a non-zero exit would raise SystemExit here
    assert "2 entries verified" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_valid():
    """Several writers, each on its own database connection, append at once."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's shared in-memory test database cannot hold concurrent writers")
    writers, per_writer = 4, 8
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        from django.db import connection as own

        try:
            start.wait(timeout=10)
            for i in range(per_writer):
                audit_record(
                    actor=None, action="test.concurrent", object_type="writer",
                    object_id=n, after={"i": i},
                )
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    total = writers * per_writer
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    result = audit_verify()
    assert result.ok, result.problem
    assert result.checked == total
