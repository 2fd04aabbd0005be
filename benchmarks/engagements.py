"""Benchmark of the engagement workloads over real HTTP against the real server.

Seeds a fresh database with ``kolbridge seed-demo`` (100,000 KOLs and 2,000,000 interactions
by default, with their inquiries and follow-ups), starts gunicorn with sync workers as
production does, and with 8 concurrent client processes measures, one after the other in the
same run:

- ``GET /api/v1/health`` (no auth, no database): the ceiling of the stack on this machine;
- ``GET /engagements/interactions/{id}/``, the pre-call plan page of planned meetings, each
  asked by the MSL who owns it, signed in through the login form (a real session cookie);
- ``GET /api/v1/interactions?kol={id}`` for KOLs that have interactions, by the MSL of the
  KOL's territory with an API token;
- ``POST /api/v1/interactions``: an MSL plans a meeting with a KOL of their territory.

Then, inside Django, it times planning a meeting a few hundred times in a row to show what the
audit chain's head lock holds: every write appends to the one chain, so the time from taking
the head lock to the commit is a section that no two writes share.

Prints one JSON object on stdout (sizes, p50/p95/p99 latency, requests/s and server CPU per
request for each endpoint, the audit-lock figures, the targets and whether each is met);
progress goes to stderr. Every phase is bounded by a request count and a time limit, and the
server (and a PostgreSQL server started with ``--postgres``) is stopped at the end, whatever
happens.

    python benchmarks/engagements.py                          # full size on SQLite
    python benchmarks/engagements.py --kols 2000 --interactions 40000   # a quick run
    python benchmarks/engagements.py --postgres               # on a temporary PostgreSQL 15
    python benchmarks/engagements.py --database-url URL       # an existing database
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import harness

TARGETS = {
    "pre_call_plan_p95_ms": 100.0,
    "interaction_create_p95_ms": 50.0,
}
# Planned meetings, KOLs and creates drawn for the requests: enough to spread over the data.
SAMPLE = 20_000
AUDIT_PROBE_CREATES = 300

# Runs inside Django; its answer is one JSON line. The samples are drawn in the database so
# that the probe's answer stays small at two million interactions.
PROBE = """
import json
from django.db import connection
from django.db.models import Count
from kolbridge.core.models import AuditEntry, User
from kolbridge.demo.seed import demo_password
from kolbridge.engagements.models import (FollowUp, Inquiry, Interaction, InteractionAttendee,
    InteractionStaff)
from kolbridge.kols.models import Kol, ScientificQuestion
if connection.vendor == "postgresql":
    # Right after a bulk load the planner has no statistics yet; autovacuum would gather them
    # within a minute or so, and the benchmark should not measure that minute.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
field_msls = User.objects.filter(role="msl", territory__isnull=False)
msls = {u.username: u.territory_id for u in field_msls}
sizes = {
    "kols": Kol.objects.count(),
    "interactions": Interaction.objects.count(),
    "interaction_staff": InteractionStaff.objects.count(),
    "interaction_attendees": InteractionAttendee.objects.count(),
    "inquiries": Inquiry.objects.count(),
    "follow_ups": FollowUp.objects.count(),
    "scientific_questions": ScientificQuestion.objects.count(),
    "audit_entries": AuditEntry.objects.count(),
}
planned = (
    Interaction.objects.filter(status="planned", owner__username__in=msls)
    .order_by("?")
    .values_list("id", "owner__username")[:SAMPLE]
)
met = (
    InteractionAttendee.objects.filter(kol__territory_id__in=msls.values())
    .values("kol_id", "kol__territory_id")
    .annotate(n=Count("id"))
    .order_by("?")[:SAMPLE]
)
msl_of = {territory: username for username, territory in msls.items()}
print(json.dumps({
    "vendor": connection.vendor,
    "sizes": sizes,
    "passwords": {username: demo_password(username) for username in msls},
    "planned": [list(p) for p in planned],
    "kols": [[k["kol_id"], msl_of[k["kol__territory_id"]], k["n"]] for k in met],
}))
""".replace("SAMPLE", str(SAMPLE))

# Plans meetings one after the other through the service the API calls (they stay, like those
# planned over HTTP) and times, from the statements each one sends, the sections that no two
# writes can share: from taking the audit chain's head (SELECT ... FOR UPDATE on PostgreSQL) to
# the commit, and on SQLite the whole write transaction (BEGIN IMMEDIATE takes the database's
# one write lock; the head lock adds nothing there).
AUDIT_PROBE = """
import json, time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from kolbridge.core.models import User
from kolbridge.engagements import services
from kolbridge.kols.models import Kol
actor = User.objects.get(username="USERNAME")
kols = list(Kol.objects.filter(territory_id=actor.territory_id).values_list("id", flat=True)[:50])
marks = {}
def mark(execute, sql, params, many, context):
    if "begin" not in marks and sql.startswith(("BEGIN", 'INSERT INTO "engagements_interaction" ')):
        marks["begin"] = time.perf_counter()
    if "head" not in marks and "core_auditchainhead" in sql:
        marks["head"] = time.perf_counter()
    return execute(sql, params, many, context)
total, transaction, held = [], [], []
with connection.execute_wrapper(mark):
    for i in range(COUNT):
        marks.clear()
        t0 = time.perf_counter()
        services.interaction_create(actor=actor, kol_ids=[kols[i % len(kols)]], channel="video",
            starts_at=timezone.now() + timedelta(days=30), objectives="audit probe")
        t1 = time.perf_counter()
        total.append(t1 - t0)
        transaction.append(t1 - marks["begin"])
        held.append(t1 - marks["head"])
def ms(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * q))] * 1000, 2)
print(json.dumps({
    "creates_in_a_row": COUNT,
    "create_ms_p50": ms(total, 0.5),
    "write_transaction_ms_p50": ms(transaction, 0.5),
    "head_lock_held_ms_p50": ms(held, 0.5),
    "head_lock_held_ms_p95": ms(held, 0.95),
    "creates_per_s_the_head_lock_allows": round(1000 / ms(held, 0.5)),
    "creates_per_s_the_write_transaction_allows": round(1000 / ms(transaction, 0.5)),
}))
"""


def create_payloads(
    kols: Sequence[list[Any]], tokens: dict[str, str], rng: random.Random, count: int
) -> list[harness.Request]:
    """Meetings an MSL plans with a KOL of their territory, in the coming weeks."""
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    channels = ("in_person", "video", "phone")
    requests = []
    for _ in range(count):
        kol_id, username, _ = rng.choice(kols)
        starts_at = start + timedelta(days=rng.randrange(60), hours=rng.randrange(10))
        body = {
            "kols": [kol_id],
            "starts_at": starts_at.isoformat(),
            "channel": rng.choice(channels),
            "duration_minutes": rng.choice((30, 45, 60)),
            "objectives": "Discuss the latest subgroup data and the open questions.",
        }
        requests.append(
            harness.request("POST", "/api/v1/interactions", token=tokens[username], json_body=body)
        )
    return requests


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kols", type=int, default=100_000, help="KOLs to seed (100,000)")
    parser.add_argument(
        "--interactions",
        type=int,
        default=2_000_000,
        help="Interactions to seed in all (2,000,000)",
    )
    parser.add_argument(
        "--creates",
        type=int,
        default=2000,
        help="Interactions to create over HTTP, spread over the 8 clients (2,000)",
    )
    harness.add_common_arguments(parser, requests=3000)
    args = parser.parse_args(argv)

    with harness.Stack(args) as stack:
        # Insights would add minutes at this size (their release checks read every KOL name)
        # and are not what this benchmark measures.
        seed_seconds = stack.seed(
            "--kols", str(args.kols), "--interactions", str(args.interactions), "--insights", "0"
        )
        probe = stack.probe(PROBE)
        if not probe["planned"] or not probe["kols"]:
            raise RuntimeError("the database holds no planned meetings or no KOL with meetings")
        tokens = {username: stack.token(username) for username in probe["passwords"]}
        server = stack.serve()
        pids = stack.server_pids()
        sessions = {
            username: harness.sign_in(server.port, username, password)
            for username, password in probe["passwords"].items()
        }
        rng = random.Random(args.seed)
        n = args.requests
        health = [harness.request("GET", "/api/v1/health")] * n
        plans = [
            harness.request("GET", f"/engagements/interactions/{pk}/", cookies=sessions[owner])
            for pk, owner in (rng.choice(probe["planned"]) for _ in range(n))
        ]
        lists = [
            harness.request("GET", f"/api/v1/interactions?kol={kol_id}", token=tokens[username])
            for kol_id, username, _ in (rng.choice(probe["kols"]) for _ in range(n))
        ]
        creates = create_payloads(probe["kols"], tokens, rng, args.creates + 100)
        harness.log("Warming up …")
        for requests in (health[:200], plans[:100], lists[:100]):
            harness.run_phase("warm-up", server.port, requests, 30, pids)
        harness.run_phase("warm-up", server.port, creates[:100], 30, pids, expect=201)
        harness.log("Measuring …")
        results = {
            "health": harness.run_phase("health", server.port, health, args.seconds, pids),
            "pre_call_plan": harness.run_phase(
                "pre-call plan", server.port, plans, args.seconds, pids
            ),
            "interaction_list_by_kol": harness.run_phase(
                "interactions of a KOL", server.port, lists, args.seconds, pids
            ),
            "interaction_create": harness.run_phase(
                "plan an interaction", server.port, creates[100:], args.seconds, pids, expect=201
            ),
        }
        harness.log("Timing the audit head lock inside Django …")
        msl = sorted(probe["passwords"])[0]
        audit_lock = stack.probe(
            AUDIT_PROBE.replace("USERNAME", msl).replace("COUNT", str(AUDIT_PROBE_CREATES))
        )
        machine = stack.machine()

    measured = {
        "pre_call_plan_p95_ms": results["pre_call_plan"]["p95_ms"],
        "interaction_create_p95_ms": results["interaction_create"]["p95_ms"],
    }
    sizes = dict(probe["sizes"])
    sizes["planned_meetings_sampled"] = len(probe["planned"])
    sizes["kols_sampled"] = len(probe["kols"])
    sizes["interactions_per_sampled_kol"] = round(
        sum(k[2] for k in probe["kols"]) / len(probe["kols"]), 1
    )
    return harness.report(
        benchmark="engagements",
        database=probe["vendor"],
        postgres=args.postgres,
        sizes=sizes,
        seed_seconds=seed_seconds,
        machine=machine,
        endpoints=results,
        audit_head_lock=audit_lock,
        targets=harness.judge(TARGETS, measured),
    )


if __name__ == "__main__":
    sys.exit(main())
