"""Two people saving at the same moment: the database's answer must still be a clean 409."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kolbridge.core.errors import Conflict
from kolbridge.kols import services
from kolbridge.kols.models import Kol, KolExternalId


def run_at_once(n: int, work) -> list[object]:
    """Run ``work(i)`` in ``n`` threads released together, each on its own connection; return
    what each returned or raised."""
    start = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        from django.db import connection as own

        try:
            start.wait(timeout=10)
            results[i] = work(i)
        except BaseException as exc:  # handed back to the test's thread
            results[i] = exc
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_creates_with_the_same_external_id_give_one_kol_and_409s(ref, msl_a):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's shared in-memory test database cannot hold concurrent writers")
    for round_ in range(5):
        npi = ["1003000126", "1679576722", "1245319599", "1234567893", "1245319581"][round_]

        def create(i: int, npi=npi, round_=round_) -> Kol:
            return services.kol_create(
                actor=msl_a, first_name=f"Twin{i}", last_name=f"Round{round_}",
                specialty="Oncology", institution="Clinic", territory_code="NE",
                external_ids={"npi": npi},
            )

        results = run_at_once(3, create)
        created = [r for r in results if isinstance(r, Kol)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert len(created) == 1, results
        assert len(refused) == 2, results
        assert KolExternalId.objects.filter(system="npi", value=npi).count() == 1
        assert Kol.objects.filter(last_name=f"Round{round_}").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_updates_claiming_the_same_external_id_give_one_winner_and_409s(
    ref, msl_a
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's shared in-memory test database cannot hold concurrent writers")
    orcids = ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
    for round_, orcid in enumerate(orcids):
        kols = [
            services.kol_create(
                actor=msl_a, first_name=f"Claimant{i}", last_name=f"Round{round_}",
                specialty="Oncology", institution="Clinic", territory_code="NE",
            )
            for i in range(3)
        ]

        def claim(i: int, kols=kols, orcid=orcid) -> Kol:
            return services.kol_update(
                actor=msl_a, kol=kols[i], changes={"external_ids": {"orcid": orcid}}
            )

        results = run_at_once(3, claim)
        assert sum(isinstance(r, Kol) for r in results) == 1, results
        assert sum(isinstance(r, Conflict) for r in results) == 2, results
        assert KolExternalId.objects.filter(system="orcid", value=orcid).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_edit_in_progress_does_not_hold_up_other_kols_of_the_territory(ref, msl_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes writers by design")
    x, y = (
        services.kol_create(actor=msl_a, first_name=name, last_name="Neighbour",
                            specialty="Oncology", institution="Clinic", territory_code="NE")
        for name in ("Xavier", "Yusuf")
    )
    inside, release = threading.Event(), threading.Event()
    real_audit_record = services.audit_record

    def audit_record_after_a_pause(**kwargs):
        if kwargs["object_id"] == x.pk:  # the slow edit: hold its transaction open
            inside.set()
            release.wait(timeout=20)
        return real_audit_record(**kwargs)

    monkeypatch.setattr(services, "audit_record", audit_record_after_a_pause)
    slow = threading.Thread(
        target=run_at_once,
        args=(1, lambda _: services.kol_update(actor=msl_a, kol=x, changes={"city": "Salem"})),
    )
    slow.start()
    try:
        assert inside.wait(timeout=20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        services.kol_update(actor=msl_a, kol=y, changes={"city": "Lowell"})
        services.kol_create(actor=msl_a, first_name="Zoe", last_name="Neighbour",
                            specialty="Oncology", institution="Clinic", territory_code="NE")
    finally:
        release.set()
        slow.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert Kol.objects.get(pk=x.pk).city == "Salem"
    assert Kol.objects.get(pk=y.pk).city == "Lowell"
