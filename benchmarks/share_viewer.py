"""Benchmark of the public share viewer over real HTTP against the real server.

Seeds a fresh database with ``kolbridge seed-demo`` (users and KOLs), makes approved content
the way the product does (modules with references and a figure, a deck, a reprint, a standard
response and an infographic, taken through MLR review with three e-signatures), has each field
MSL build a presentation and share it, then writes share links like those (20,000 for ten
million events) with ten opens each and ``--events`` stored view events (10,000,000 by
default; time per module, one in twenty a download) in bulk SQL: the links and opens with
``COPY`` on PostgreSQL or ``executemany`` on SQLite (``kolbridge.demo.rows``), the events with
one ``INSERT ... SELECT`` over a number series per chunk. It then starts gunicorn with sync
workers as production does and, with 16 concurrent client processes, measures one after the
other in the same run:

- ``GET /api/v1/health`` (no auth, no database): the ceiling of the stack on this machine;
- ``GET /s/<token>``, the viewer page of a random usable link (each GET records an open);
- ``POST /s/<token>/beacon``, the viewer script's report of seconds per module, several events
  per beacon as ``viewer.js`` batches them, each for an open of its link.

Afterwards it counts the events stored for the beacons' opens and compares them with the
events the server accepted: none may be lost. Prints one JSON object on stdout (sizes, build
time, p50/p95/p99 latency, requests/s and server CPU per request for each endpoint, beacon
events per second, the event count, the targets and whether each is met); progress goes to
stderr. Every phase is bounded by a request count and a time limit, and the server (and a
PostgreSQL server started with ``--postgres``) is stopped at the end, whatever happens.

    python benchmarks/share_viewer.py                      # full size on SQLite
    python benchmarks/share_viewer.py --events 200000      # a quick run
    python benchmarks/share_viewer.py --postgres           # on a temporary PostgreSQL 15
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence

import harness

# The issue asks for 16 concurrent clients; the harness reads this when it runs a phase and
# names it in the report.
harness.CLIENTS = 16

TARGETS = {"viewer_p95_ms": 100.0, "beacon_events_per_s": 1000.0}
EVENTS_PER_LINK = 500
OPENS_PER_LINK = 10
# Beacons per open in the beacon phase: about five minutes of reading at one beacon per 15 s.
BEACONS_PER_OPEN = 20
WARM_UP_BEACONS = 100

# Runs inside Django: makes the content through the services, then the links, opens and events
# in bulk. Progress goes to stderr; its answer is one JSON line on stdout.
BUILD = r"""
import hashlib, json, random, secrets, sys, time
from datetime import timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from kolbridge.content import services
from kolbridge.content.models import SharedModule, ShareLink, ShareOpen, ViewEvent
from kolbridge.core.models import Indication, User
from kolbridge.core.services import user_add
from kolbridge.demo.rows import IdSequence, RowWriter
from kolbridge.demo.seed import demo_password
from kolbridge.kols.models import Kol

EVENTS, SEED, SAMPLE, CHUNK = __EVENTS__, __SEED__, __SAMPLE__, __CHUNK__
LINKS = max(1, EVENTS // __EVENTS_PER_LINK__)
OPENS = LINKS * __OPENS_PER_LINK__
started = time.monotonic()
rng = random.Random(SEED)
now = timezone.now()

def say(message):
    print(f"  {message} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082")

# Content, the way the product makes it ---------------------------------------------------
lead = User.objects.filter(role="medical_lead").order_by("id").first()
reviewers = list(User.objects.filter(role="reviewer").order_by("id")[:3])
passwords = {u.username: demo_password(u.username) for u in reviewers}
for n in range(len(reviewers), 3):
    name = f"bench_reviewer{n + 1}"
    passwords[name] = secrets.token_urlsafe(16)
    reviewers.append(user_add(actor=None, username=name, role="reviewer",
        password=passwords[name], first_name="Bench", last_name=f"Reviewer {n + 1}",
        check_password_strength=False))
indication = (Indication.objects.filter(approved=True)
              .select_related("product__therapeutic_area").order_by("id").first())
area = indication.product.therapeutic_area.code
classification = services.Classification(
    therapeutic_area=area, products=[indication.product.name], indications=[indication.pk],
    expires_on=timezone.localdate() + timedelta(days=365))
product = indication.product.name
claim = services.module_create(actor=lead, kind="claim", therapeutic_area=area,
    title="Overall survival benefit",
    text=f"{product} improved median overall survival by 4.1 months versus docetaxel.",
    references=["PMID: 31535829", "doi:10.1056/NEJMoa1911303"])
message = services.module_create(actor=lead, kind="key_message", therapeutic_area=area,
    title="Who benefits", text="The benefit held across the pre-specified subgroups.")
figure = services.module_create(actor=lead, kind="figure", therapeutic_area=area,
    title="Kaplan-Meier curve", text="Overall survival by arm.",
    figure=SimpleUploadedFile("km.png", PNG, content_type="image/png"))
items = [
    services.item_create(actor=lead, kind="deck", title=f"{product}: second-line data",
        summary="Efficacy and safety in previously treated patients.",
        classification=classification, module_ids=[claim.pk, message.pk, figure.pk],
        upload=SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf")),
    services.item_create(actor=lead, kind="reprint", title=f"{product} phase III reprint",
        classification=classification, module_ids=[claim.pk],
        upload=SimpleUploadedFile("reprint.pdf", PDF, content_type="application/pdf")),
    services.item_create(actor=lead, kind="faq", title=f"{product} dosing questions",
        classification=classification,
        body="<p>The recommended dose is <strong>200 mg</strong> every three weeks.</p>"),
    services.item_create(actor=lead, kind="infographic", title=f"{product} at a glance",
        classification=classification,
        upload=SimpleUploadedFile("glance.png", PNG, content_type="image/png")),
]
for item in items:
    services.item_submit(actor=lead, item=item)
    for reviewer, discipline in zip(reviewers, ("medical", "legal", "regulatory")):
        services.item_sign(actor=reviewer, item=item, discipline=discipline,
            password=passwords[reviewer.username], meaning=f"Approved ({discipline} review)")
say("Approved content made through the services")

# One presentation per field MSL, shared through the service ------------------------------
sharers = []
for msl in User.objects.filter(role="msl", territory__isnull=False).order_by("id"):
    kols = list(Kol.objects.filter(territory_id=msl.territory_id).order_by("id")
                .values_list("id", flat=True)[:5000])
    if not kols:
        continue
    p = services.presentation_create(actor=msl, kol_id=kols[0], title="Latest data for you")
    for item in items:
        services.presentation_add(actor=msl, presentation=p, item_id=item.pk)
    shared = services.share_create(actor=msl, kol_id=kols[0], presentation_id=p.pk)
    frozen = list(SharedModule.objects.filter(share_link=shared.link).order_by("position")
        .values_list("position", "item_id", "item_version_id", "module_version_id"))
    sharers.append((msl.pk, p.pk, p.title, kols, frozen))
POSITIONS = len(sharers[0][4])
say(f"{len(sharers)} presentations shared through the service")

# Links and opens in bulk, like the ones above --------------------------------------------
# Every row below points at rows that exist (the events are joined to their opens), so on
# PostgreSQL this session skips the foreign-key triggers, which would otherwise check tens of
# millions of references at each commit. It needs a superuser (the temporary server's); any
# other role simply loads more slowly.
replica = False
if connection.vendor == "postgresql":
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        replica = True
    except DatabaseError as exc:
        say(f"Foreign-key checks stay on ({exc.__class__.__name__})")
adapt = connection.ops.adapt_datetimefield_value
link_writer = RowWriter(ShareLink, ["id", "token_hash", "kol", "created_by", "presentation",
    "title", "created_at", "expires_at", "revoke_reason", "emailed_to"], adapt)
module_writer = RowWriter(SharedModule,
    ["share_link", "position", "item", "item_version", "module_version"], adapt)
open_writer = RowWriter(ShareOpen, ["id", "share_link", "opened_at", "scripted"], adapt)
link_ids, open_ids = IdSequence(ShareLink), IdSequence(ShareOpen)
first_open = open_ids.next
usable = []
with transaction.atomic():
    links, modules, opens = [], [], []
    for j in range(LINKS):
        msl_id, p_id, title, kols, frozen = sharers[j % len(sharers)]
        token = secrets.token_urlsafe(24)
        link_id = link_ids.take()
        # One link in twenty has expired; the rest were shared in the last 25 days.
        if j % 20 == 0:
            created = now - timedelta(days=40 + rng.random() * 30)
        else:
            created = now - timedelta(days=rng.random() * 25)
            usable.append((link_id, token))
        links.append((link_id, hashlib.sha256(token.encode()).hexdigest(), rng.choice(kols),
                      msl_id, p_id, title, created, created + timedelta(days=30), "", ""))
        modules.extend((link_id, *row) for row in frozen)
        for _ in range(__OPENS_PER_LINK__):
            opened = created + (min(now, created + timedelta(days=30)) - created) * rng.random()
            opens.append((open_ids.take(), link_id, opened, True))
        if len(opens) >= 50_000 or j == LINKS - 1:
            link_writer.write(links)
            module_writer.write(modules)
            open_writer.write(opens)
            links, modules, opens = [], [], []
    IdSequence.reset([link_ids, open_ids])
say(f"{LINKS:,} share links and {OPENS:,} opens written")

# The view events: INSERT ... SELECT over a number series, a chunk per transaction. Each open
# gets EVENTS / OPENS of them; one in twenty is a download of the first item. (%% is the
# modulo operator: a lone % would start a query parameter.)
quote = connection.ops.quote_name
event_table, open_table = quote(ViewEvent._meta.db_table), quote(ShareOpen._meta.db_table)
names = ("share_link_id", "open_id", "kind", "position", "seconds", "at")
columns = ", ".join(quote(c) for c in names)
select = (
    f"SELECT o.{quote('share_link_id')}, o.{quote('id')}, "
    "CASE WHEN s.e %% 20 = 19 THEN 2 ELSE 1 END, "
    f"CASE WHEN s.e %% 20 = 19 THEN 1 ELSE 1 + s.e %% {POSITIONS} END, "
    "CASE WHEN s.e %% 20 = 19 THEN 0 ELSE 1 + (s.e * 7919) %% 120 END, "
    f"o.{quote('opened_at')} "
)
join = f"JOIN {open_table} o ON o.{quote('id')} = %s + (s.e * %s) / %s"
if connection.vendor == "postgresql":
    sql = (f"INSERT INTO {event_table} ({columns}) {select}"
           f"FROM generate_series(%s::bigint, %s::bigint) AS s(e) {join}")
else:
    sql = (f"WITH RECURSIVE s(e) AS (SELECT %s UNION ALL SELECT e + 1 FROM s WHERE e < %s) "
           f"INSERT INTO {event_table} ({columns}) {select}FROM s {join}")
events_started = time.monotonic()
for lo in range(0, EVENTS, CHUNK):
    hi = min(EVENTS, lo + CHUNK) - 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [lo, hi, first_open, OPENS, EVENTS])
    say(f"view events {hi + 1:,}/{EVENTS:,}")
events_seconds = time.monotonic() - events_started
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    else:
        if replica:
            cursor.execute("RESET session_replication_role")
        # Vacuum now what autovacuum would otherwise vacuum during the measurement, on the
        # same two cores (and counted in the server's CPU).
        for model in (ViewEvent, ShareOpen, SharedModule, ShareLink):
            cursor.execute(f"VACUUM (ANALYZE) {quote(model._meta.db_table)}")
        cursor.execute("ANALYZE")
say("Vacuumed and statistics gathered")
print(json.dumps({
    "vendor": connection.vendor,
    "sizes": {
        "view_events": ViewEvent.objects.count(),
        "share_links": ShareLink.objects.count(),
        "share_opens": ShareOpen.objects.count(),
        "shared_modules": SharedModule.objects.count(),
        "positions_per_link": POSITIONS,
    },
    "build_seconds": round(time.monotonic() - started, 1),
    "view_events_insert_seconds": round(events_seconds, 1),
    "positions": POSITIONS,
    "links": rng.sample(usable, min(SAMPLE, len(usable))),
}))
"""

# Opens for the beacon phase, made just before it: begun four hours ago, so that the reading
# time the beacons report is possible (the server refuses more than has passed).
OPENS_FOR_BEACONS = r"""
import json
from datetime import timedelta
from django.utils import timezone
from kolbridge.content.models import ShareOpen
links = __LINKS__
opened = timezone.now() - timedelta(hours=4)
made = ShareOpen.objects.bulk_create(
    ShareOpen(share_link_id=links[i % len(links)], opened_at=opened) for i in range(__COUNT__))
print(json.dumps([[o.share_link_id, o.pk] for o in made]))
"""

COUNT_EVENTS = r"""
import json
from kolbridge.content.models import ViewEvent
print(json.dumps({
    "stored": ViewEvent.objects.filter(open_id__in=__OPENS__).count(),
    "view_events": ViewEvent.objects.count(),
}))
"""


def beacon_requests(
    opens: Sequence[list[int]],
    tokens: dict[int, str],
    positions: int,
    per_beacon: int,
    count: int,
    rng: random.Random,
) -> list[harness.Request]:
    """Beacons as viewer.js sends them: the seconds of a few modules since the last report,
    each open receiving up to BEACONS_PER_OPEN of them."""
    requests = []
    for i in range(count):
        link_id, open_id = opens[i % len(opens)]
        events = [
            {"position": 1 + (i + k) % positions, "seconds": rng.randint(1, 10)}
            for k in range(per_beacon)
        ]
        requests.append(
            harness.request(
                "POST",
                f"/s/{tokens[link_id]}/beacon",
                json_body={"open": open_id, "events": events},
            )
        )
    return requests


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--events", type=int, default=10_000_000, help="View events to store (10,000,000)"
    )
    parser.add_argument("--kols", type=int, default=2000, help="KOLs to seed (2,000)")
    parser.add_argument(
        "--beacons",
        type=int,
        default=30_000,
        help="Beacons to send in the beacon phase, spread over the 16 clients (30,000)",
    )
    parser.add_argument(
        "--events-per-beacon",
        type=int,
        default=4,
        help="Module times per beacon, as viewer.js batches them (4)",
    )
    parser.add_argument(
        "--chunk", type=int, default=500_000, help="View events per insert statement (500,000)"
    )
    harness.add_common_arguments(parser, requests=5000)
    args = parser.parse_args(argv)
    if args.events < EVENTS_PER_LINK or args.events_per_beacon < 1:
        parser.error(f"--events must be at least {EVENTS_PER_LINK}, --events-per-beacon 1")

    with harness.Stack(args) as stack:
        seed_seconds = stack.seed("--kols", str(args.kols), "--interactions", "0")
        harness.log(f"Building {args.events:,} view events …")
        build = stack.probe(
            BUILD.replace("__EVENTS__", str(args.events))
            .replace("__SEED__", str(args.seed))
            .replace("__SAMPLE__", "2000")
            .replace("__CHUNK__", str(args.chunk))
            .replace("__EVENTS_PER_LINK__", str(EVENTS_PER_LINK))
            .replace("__OPENS_PER_LINK__", str(OPENS_PER_LINK))
        )
        tokens = {link_id: token for link_id, token in build["links"]}
        if not tokens:
            raise RuntimeError("no usable share link was built")
        server = stack.serve()
        pids = stack.server_pids()
        rng = random.Random(args.seed)
        n = args.requests
        health = [harness.request("GET", "/api/v1/health")] * n
        pages = [
            harness.request("GET", f"/s/{token}")
            for token in (rng.choice(list(tokens.values())) for _ in range(n))
        ]
        harness.log("Warming up …")
        harness.run_phase("warm-up", server.port, health[:200], 30, pids)
        harness.run_phase("warm-up", server.port, pages[:100], 30, pids)
        harness.log("Measuring …")
        results = {
            "health": harness.run_phase("health", server.port, health, args.seconds, pids),
            "viewer_page": harness.run_phase("viewer page", server.port, pages, args.seconds, pids),
        }
        link_sample = list(tokens)
        beacon_opens_needed = WARM_UP_BEACONS // BEACONS_PER_OPEN + max(
            1, -(-args.beacons // BEACONS_PER_OPEN)
        )
        opens = stack.probe(
            OPENS_FOR_BEACONS.replace("__LINKS__", json.dumps(link_sample)).replace(
                "__COUNT__", str(beacon_opens_needed)
            )
        )
        warm_opens = opens[: WARM_UP_BEACONS // BEACONS_PER_OPEN]
        measured_opens = opens[len(warm_opens) :]
        positions = build["positions"]
        warm = beacon_requests(
            warm_opens, tokens, positions, args.events_per_beacon, WARM_UP_BEACONS, rng
        )
        beacons = beacon_requests(
            measured_opens, tokens, positions, args.events_per_beacon, args.beacons, rng
        )
        harness.run_phase("warm-up", server.port, warm, 30, pids, expect=204)
        results["beacon"] = harness.run_phase(
            "beacon", server.port, beacons, args.seconds, pids, expect=204
        )
        counted = stack.probe(
            COUNT_EVENTS.replace("__OPENS__", json.dumps([o[1] for o in measured_opens]))
        )
        machine = stack.machine()

    beacon = results["beacon"]
    accepted = (beacon["requests"] - beacon["errors"]) * args.events_per_beacon
    lost = max(0, accepted - counted["stored"])
    beacon_events = {
        "events_per_beacon": args.events_per_beacon,
        "events_sent": beacon["requests"] * args.events_per_beacon,
        "events_accepted": accepted,
        "events_stored": counted["stored"],
        "lost": lost,
        "events_per_s": round(accepted / beacon["seconds"], 1),
        "view_events_after": counted["view_events"],
    }
    targets = harness.judge(
        TARGETS,
        {
            "viewer_p95_ms": results["viewer_page"]["p95_ms"],
            "beacon_events_per_s": beacon_events["events_per_s"],
        },
    )
    targets["beacon_lost_events"] = {"target": "= 0", "measured": lost, "met": lost == 0}
    return harness.report(
        benchmark="share_viewer",
        database=build["vendor"],
        postgres=args.postgres,
        sizes=build["sizes"],
        seed_seconds=seed_seconds,
        machine=machine,
        endpoints=results,
        build_seconds=build["build_seconds"],
        view_events_insert_seconds=build["view_events_insert_seconds"],
        beacon_events=beacon_events,
        targets=targets,
    )


if __name__ == "__main__":
    sys.exit(main())
