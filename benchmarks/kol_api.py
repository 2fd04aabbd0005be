"""Benchmark of the KOL API over real HTTP against the real server.

Seeds a fresh database with ``kolbridge seed-demo`` (100,000 KOLs and well over a million
history rows by default), starts gunicorn with sync workers as production does, and with 8
concurrent client processes measures, one endpoint after the other in the same run:

- ``GET /api/v1/health`` (no auth, no database): the ceiling of the stack on this machine;
- ``GET /api/v1/kols/{id}`` for random ids: the KOL 360 detail;
- ``GET /api/v1/kols?q=...`` with varied, realistic search words.

Prints one JSON object on stdout (sizes, p50/p95/p99 latency and requests/s per endpoint, the
detail-to-ceiling throughput ratio, the targets and whether each is met); progress goes to
stderr. Every phase is bounded by a request count and a time limit, and the server (and a
PostgreSQL server started with ``--postgres``) is stopped at the end, whatever happens.

    python benchmarks/kol_api.py                      # 100,000 KOLs on SQLite
    python benchmarks/kol_api.py --kols 2000          # a quick run
    python benchmarks/kol_api.py --postgres           # on a temporary PostgreSQL 15 server
    python benchmarks/kol_api.py --database-url URL   # an existing database (seeded if empty)
"""

from __future__ import annotations

import argparse
import random
import sys
import urllib.parse
from collections.abc import Sequence
from typing import Any

import harness

TARGETS = {
    "kol_detail_p95_ms": 50.0,
    "kol_search_p95_ms": 150.0,
    "detail_to_ceiling_ratio": 0.40,
}
BENCH_USER = "admin"  # the demo administrator sees every KOL and its journey

# Runs inside Django; its answer is one JSON line.
PROBE = """
import json
from django.db import connection
from kolbridge.kols.models import (Kol, KolChannelPreference, KolKnowledgeAssessment,
    KolStageChange, ScientificQuestion)
if connection.vendor == "postgresql":
    # Right after a bulk load the planner has no statistics yet; autovacuum would gather them
    # within a minute or so, and the benchmark should not measure that minute.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
sizes = {
    "kols": Kol.objects.count(),
    "stage_changes": KolStageChange.objects.count(),
    "knowledge_assessments": KolKnowledgeAssessment.objects.count(),
    "channel_preferences": KolChannelPreference.objects.count(),
    "scientific_questions": ScientificQuestion.objects.count(),
}
print(json.dumps({
    "vendor": connection.vendor,
    "sizes": sizes,
    "ids": list(Kol.objects.values_list("id", flat=True)),
    "names": [list(n) for n in Kol.objects.order_by("id").values_list("first_name", "last_name")],
    "specialties": sorted(set(Kol.objects.values_list("specialty", flat=True).distinct())),
    "institutions": sorted(set(Kol.objects.values_list("institution", flat=True).distinct())),
}))
"""


def search_terms(probe: dict[str, Any], rng: random.Random, count: int) -> list[str]:
    """What people type in the KOL search: surnames, full names, a specialty, a word of an
    institution, a specialty with a place, sometimes in lower case or half typed."""
    names: list[list[str]] = probe["names"]
    specialty_words = sorted(
        {w.lower() for s in probe["specialties"] for w in s.split() if len(w) > 4}
    )
    institution_words = sorted(
        {
            w
            for i in probe["institutions"]
            for w in i.split()
            if len(w) > 4
            and w[0].isupper()
            and w
            not in {
                "University",
                "Hospital",
                "Medical",
                "Center",
                "Centre",
                "Institute",
                "Research",
            }
        }
    )
    terms = []
    for _ in range(count):
        first, last = rng.choice(names)
        kind = rng.random()
        if kind < 0.30:
            term = last
        elif kind < 0.45:
            term = f"{first} {last}"
        elif kind < 0.55:
            term = last[: max(3, len(last) // 2)]  # typed half-way
        elif kind < 0.75:
            term = rng.choice(specialty_words)
        elif kind < 0.90:
            term = rng.choice(institution_words)
        else:
            term = f"{rng.choice(specialty_words)} {rng.choice(institution_words)}"
        terms.append(term.lower() if rng.random() < 0.3 else term)
    return terms


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kols", type=int, default=100_000, help="KOLs to seed (100,000)")
    harness.add_common_arguments(parser, requests=5000)
    args = parser.parse_args(argv)

    with harness.Stack(args) as stack:
        # The KOL API alone: a KOL's engagements do not change what it reads.
        seed_seconds = stack.seed("--kols", str(args.kols), "--interactions", "0")
        probe = stack.probe(PROBE)
        token = stack.token(BENCH_USER)
        server = stack.serve()
        pids = stack.server_pids()
        rng = random.Random(args.seed)
        n = args.requests
        health = [harness.request("GET", "/api/v1/health")] * n
        detail = [
            harness.request("GET", f"/api/v1/kols/{rng.choice(probe['ids'])}", token=token)
            for _ in range(n)
        ]
        search = [
            harness.request("GET", "/api/v1/kols?" + urllib.parse.urlencode({"q": t}), token=token)
            for t in search_terms(probe, rng, n)
        ]
        harness.log("Warming up …")
        for requests in (health[:200], detail[:200], search[:40]):
            harness.run_phase("warm-up", server.port, requests, 30, pids)
        harness.log("Measuring …")
        results = {
            "health": harness.run_phase("health", server.port, health, args.seconds, pids),
            "kol_detail": harness.run_phase("kol detail", server.port, detail, args.seconds, pids),
            "kol_search": harness.run_phase("kol search", server.port, search, args.seconds, pids),
        }
        machine = stack.machine()

    ratio = results["kol_detail"]["requests_per_s"] / results["health"]["requests_per_s"]
    measured = {
        "kol_detail_p95_ms": results["kol_detail"]["p95_ms"],
        "kol_search_p95_ms": results["kol_search"]["p95_ms"],
        "detail_to_ceiling_ratio": round(ratio, 3),
    }
    sizes = dict(probe["sizes"])
    sizes["history_rows"] = sum(v for k, v in probe["sizes"].items() if k != "kols")
    return harness.report(
        benchmark="kol_api",
        database=probe["vendor"],
        postgres=args.postgres,
        sizes=sizes,
        seed_seconds=seed_seconds,
        machine=machine,
        endpoints=results,
        detail_to_ceiling_ratio=measured["detail_to_ceiling_ratio"],
        targets=harness.judge(TARGETS, measured),
    )


if __name__ == "__main__":
    sys.exit(main())
