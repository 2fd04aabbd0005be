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
import json
import multiprocessing
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGETS = {
    "kol_detail_p95_ms": 50.0,
    "kol_search_p95_ms": 150.0,
    "detail_to_ceiling_ratio": 0.40,
}
CLIENTS = 8
GUNICORN_WORKERS = 2
# seed-demo's exit status when the database already holds data: benchmark it as it is.
ALREADY_LOADED_STATUS = 3
PG_BIN = Path("/usr/lib/postgresql/15/bin")
BENCH_USER = "admin"  # the demo administrator sees every KOL and its journey

# The KOL generator and this probe run inside Django; their answer is one JSON line.
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


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kolbridge(
    env: dict[str, str], *args: str, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run a ``kolbridge`` command in the benchmark's environment; its stderr streams through."""
    return subprocess.run(
        [sys.executable, "-m", "kolbridge", *args],
        env=env,
        stdout=subprocess.PIPE if capture else sys.stderr,
        text=True,
        check=False,
    )


class TemporaryPostgres:
    """A throw-away PostgreSQL 15 cluster in a folder of its own.

    ``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the ``postgres``
    user through ``setpriv``, in a folder that user owns.
    """

    def __init__(self, base: Path) -> None:
        self.folder = base / "postgres"
        self.data = self.folder / "data"
        self.port = free_port()
        self.started = False

    def _run(self, *command: str) -> None:
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        self.folder.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            # The temporary parent is root's and private; postgres only needs to pass through.
            self.folder.parent.chmod(0o711)
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        self.started = True
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "kolbridge",
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/kolbridge"

    def pid(self) -> int:
        """The postmaster's process id; the backends serving gunicorn are its children."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        if self.started:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False


class Server:
    """gunicorn with sync workers serving kolbridge.wsgi on a free loopback port."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kolbridge.wsgi:application",
                "--worker-class",
                "sync",
                "--workers",
                str(GUNICORN_WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=cwd,
            stdout=sys.stderr,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            try:
                if http_get(self.port, "/api/v1/health", "")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /api/v1/health in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown of master and workers
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cpu_seconds_of_trees(roots: Sequence[int]) -> float:
    """CPU time (user + system) used so far by these processes and all their descendants.

    The server's CPU per request hardly depends on what else runs on the machine, unlike
    requests/s and latency, so it is the figure to compare between runs on a busy machine.
    """
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The command name may hold spaces; the fields after its closing parenthesis are fixed:
        # state, ppid, ... utime (14th field), stime (15th).
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])
    tree = set(roots)
    grew = True
    while grew:
        children = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def http_get(port: int, path: str, token: str) -> tuple[int, bytes]:
    """One GET over a new TCP connection; returns the status and the body.

    gunicorn's sync workers answer every request with ``Connection: close`` (they keep no
    idle connections, by design), so a client cannot keep connections alive against them;
    saying ``Connection: close`` up front and reading to EOF is the cheapest correct client,
    which keeps the client's share of the two cores small.
    """
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}"
        "Accept: application/json\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    response = b"".join(chunks)
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head[9:12]), body


@dataclass(frozen=True)
class ClientResult:
    latencies: list[float]
    errors: int
    error_samples: list[str]
    started: float
    finished: float
    cpu_seconds: float


def client(
    port: int, token: str, paths: Sequence[str], seconds: float, go: Any, results: Any
) -> None:
    """One client process: wait for the start signal, then GET each path in turn until done
    or out of time."""
    latencies: list[float] = []
    errors = 0
    samples: list[str] = []
    go.wait()
    started = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on Linux
    cpu_started = time.process_time()
    deadline = started + seconds
    for path in paths:
        if time.monotonic() >= deadline:
            break
        t0 = time.perf_counter()
        try:
            status, body = http_get(port, path, token)
        except OSError as exc:  # a refused or timed-out request counts as a failed one
            status, body = 0, repr(exc).encode()
        latencies.append(time.perf_counter() - t0)
        if status != 200:
            errors += 1
            if len(samples) < 3:
                samples.append(f"{path} -> {status} {body[:200]!r}")
    results.put(
        ClientResult(
            latencies, errors, samples, started, time.monotonic(), time.process_time() - cpu_started
        )
    )


def run_phase(
    name: str,
    port: int,
    token: str,
    paths: Sequence[str],
    seconds: float,
    server_pids: Sequence[int],
) -> dict[str, Any]:
    """Spread ``paths`` over the client processes, start them together, and summarise.

    ``server_pids`` are the roots of the processes that serve (gunicorn, and PostgreSQL when
    the benchmark runs its own), whose CPU time per request is reported.
    """
    log(f"  {name}: up to {len(paths):,} requests or {seconds:.0f} s with {CLIENTS} clients")
    context = multiprocessing.get_context("fork")
    go = context.Event()
    results = context.Queue()
    processes = [
        context.Process(target=client, args=(port, token, paths[i::CLIENTS], seconds, go, results))
        for i in range(CLIENTS)
    ]
    for process in processes:
        process.start()
    server_cpu = cpu_seconds_of_trees(server_pids)
    go.set()
    # A client that died would never answer: wait no longer than its time limit allows.
    outcomes: list[ClientResult] = [results.get(timeout=seconds + 120) for _ in processes]
    server_cpu = cpu_seconds_of_trees(server_pids) - server_cpu
    for process in processes:
        process.join()
    latencies = sorted(t for o in outcomes for t in o.latencies)
    errors = sum(o.errors for o in outcomes)
    wall = max(o.finished for o in outcomes) - min(o.started for o in outcomes)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    summary: dict[str, Any] = {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(wall, 2),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(latencies), 2),
        # How much of the machine the clients themselves used, to show they were not the limit.
        "client_cpu_share": round(
            sum(o.cpu_seconds for o in outcomes) / wall / (os.cpu_count() or 1), 3
        ),
    }
    if errors:
        summary["error_samples"] = [e for o in outcomes for e in o.error_samples][:5]
    log(
        f"  {name}: {summary['requests_per_s']} req/s, p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"server CPU {summary['server_cpu_ms_per_request']} ms/request, {errors} errors"
    )
    return summary


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
    parser.add_argument(
        "--requests",
        type=int,
        default=5000,
        help="Requests per endpoint, spread over the 8 clients (5,000)",
    )
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="Time limit per endpoint, in seconds (60)"
    )
    parser.add_argument("--seed", type=int, default=42, help="Demo data and request mix seed")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="Use this database (seeded if it is empty)")
    where.add_argument(
        "--postgres",
        action="store_true",
        help=f"Start a temporary PostgreSQL 15 server from {PG_BIN}",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep the temporary folder (and its SQLite database) afterwards",
    )
    args = parser.parse_args(argv)

    base = Path(tempfile.mkdtemp(prefix="kolbridge-bench-"))
    # STATIC_ROOT lives here; whitenoise warns on every worker start if it is missing.
    (base / "staticfiles").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KOLBRIDGE_DEBUG"}}
    env.update(
        KOLBRIDGE_VAR_DIR=str(base),
        KOLBRIDGE_SECRET_KEY=secrets.token_urlsafe(50),
        KOLBRIDGE_SECURE_COOKIES="0",
        KOLBRIDGE_STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    postgres = TemporaryPostgres(base) if args.postgres else None
    server: Server | None = None
    load_before = os.getloadavg()
    try:
        if postgres is not None:
            log("Starting a temporary PostgreSQL server …")
            env["DATABASE_URL"] = postgres.start()
        elif args.database_url:
            env["DATABASE_URL"] = args.database_url
        log(f"Migrating ({env.get('DATABASE_URL', f'SQLite in {base}')}) …")
        if kolbridge(env, "migrate", "--verbosity", "0").returncode:
            raise RuntimeError("kolbridge migrate failed")
        log(f"Seeding {args.kols:,} KOLs …")
        started = time.monotonic()
        seeded = kolbridge(env, "seed-demo", "--kols", str(args.kols), "--seed", str(args.seed))
        seed_seconds: float | None = round(time.monotonic() - started, 1)
        if seeded.returncode == ALREADY_LOADED_STATUS:
            log("The database already holds data: benchmarking it as it is.")
            seed_seconds = None
        elif seeded.returncode:
            raise RuntimeError("kolbridge seed-demo failed")
        probed = kolbridge(env, "shell", "--no-imports", "-c", PROBE, capture=True)
        probe = json.loads(probed.stdout)
        token = kolbridge(
            env, "token", "create", BENCH_USER, "--name", "benchmark", capture=True
        ).stdout.strip()
        if not token:
            raise RuntimeError(f"no API token for {BENCH_USER!r}: is the demo data loaded?")

        log("Starting gunicorn …")
        server = Server(env, base)
        server.wait_ready()
        server_pids = [server.process.pid] + ([postgres.pid()] if postgres else [])
        rng = random.Random(args.seed)
        n = args.requests
        detail_paths = [f"/api/v1/kols/{rng.choice(probe['ids'])}" for _ in range(n)]
        search_paths = [
            "/api/v1/kols?" + urllib.parse.urlencode({"q": term})
            for term in search_terms(probe, rng, n)
        ]
        log("Warming up …")
        for paths in (["/api/v1/health"] * 200, detail_paths[:200], search_paths[:40]):
            run_phase("warm-up", server.port, token, paths, 30, server_pids)
        log("Measuring …")
        results = {
            "health": run_phase(
                "health", server.port, "", ["/api/v1/health"] * n, args.seconds, server_pids
            ),
            "kol_detail": run_phase(
                "kol detail", server.port, token, detail_paths, args.seconds, server_pids
            ),
            "kol_search": run_phase(
                "kol search", server.port, token, search_paths, args.seconds, server_pids
            ),
        }
    finally:
        if server is not None:
            server.stop()
        if postgres is not None:
            postgres.stop()
        if args.keep:
            log(f"Kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    ratio = results["kol_detail"]["requests_per_s"] / results["health"]["requests_per_s"]
    measured = {
        "kol_detail_p95_ms": results["kol_detail"]["p95_ms"],
        "kol_search_p95_ms": results["kol_search"]["p95_ms"],
        "detail_to_ceiling_ratio": round(ratio, 3),
    }
    targets = {
        name: {
            "target": f"<= {limit:g}" if name.endswith("_ms") else f">= {limit:g}",
            "measured": measured[name],
            "met": measured[name] <= limit if name.endswith("_ms") else measured[name] >= limit,
        }
        for name, limit in TARGETS.items()
    }
    sizes = dict(probe["sizes"])
    sizes["history_rows"] = sum(v for k, v in probe["sizes"].items() if k != "kols")
    report = {
        "benchmark": "kol_api",
        "database": probe["vendor"],
        "sizes": sizes,
        "seed_seconds": seed_seconds,
        "server": f"gunicorn kolbridge.wsgi, {GUNICORN_WORKERS} sync workers",
        "server_cpu_covers": "gunicorn"
        + (" and the temporary PostgreSQL" if args.postgres else ""),
        "clients": CLIENTS,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "endpoints": results,
        "detail_to_ceiling_ratio": measured["detail_to_ceiling_ratio"],
        "targets": targets,
        "all_targets_met": all(t["met"] for t in targets.values()),
    }
    print(json.dumps(report, indent=2))
    # Failed requests make the figures meaningless: say so with the exit status too.
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
