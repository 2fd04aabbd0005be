"""What the benchmark scripts share: a throw-away environment (a temporary folder with SQLite,
or a temporary PostgreSQL 15 server, migrated and seeded with the demo data), gunicorn with
sync workers as production runs it, client processes that send prepared requests over real
HTTP, the server's CPU time per request, percentiles, targets and the one JSON report.

Every phase is bounded by a request count and a time limit; ``Stack`` stops the server and the
PostgreSQL server it started, and removes its folder, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

CLIENTS = 8
GUNICORN_WORKERS = 2
# seed-demo's exit status when the database already holds data: benchmark it as it is.
ALREADY_LOADED_STATUS = 3
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_common_arguments(parser: argparse.ArgumentParser, *, requests: int) -> None:
    """The options every benchmark takes: request count, time limit, seed, database."""
    parser.add_argument(
        "--requests",
        type=int,
        default=requests,
        help=f"Requests per endpoint, spread over the {CLIENTS} clients ({requests:,})",
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


# --- processes: PostgreSQL, gunicorn, kolbridge commands ------------------------------------


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
                if send(self.port, request("GET", "/api/v1/health").raw).status == 200:
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


class Stack:
    """The benchmark's world, as a context manager: a temporary folder, the database (SQLite
    there, a temporary PostgreSQL, or the one ``--database-url`` names), migrated; then the
    seed, Django-side probes, API tokens and the server on demand. Leaving it stops and removes
    all it started."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = Path(tempfile.mkdtemp(prefix="kolbridge-bench-"))
        # STATIC_ROOT lives here; whitenoise warns on every worker start if it is missing.
        (self.base / "staticfiles").mkdir()
        self.env = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KOLBRIDGE_DEBUG"}
        }
        self.env.update(
            KOLBRIDGE_VAR_DIR=str(self.base),
            KOLBRIDGE_SECRET_KEY=secrets.token_urlsafe(50),
            KOLBRIDGE_SECURE_COOKIES="0",
            KOLBRIDGE_STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
        self.postgres = TemporaryPostgres(self.base) if args.postgres else None
        self.server: Server | None = None
        self.load_before = os.getloadavg()

    def __enter__(self) -> Stack:
        try:
            if self.postgres is not None:
                log("Starting a temporary PostgreSQL server …")
                self.env["DATABASE_URL"] = self.postgres.start()
            elif self.args.database_url:
                self.env["DATABASE_URL"] = self.args.database_url
            log(f"Migrating ({self.env.get('DATABASE_URL', f'SQLite in {self.base}')}) …")
            if self.kolbridge("migrate", "--verbosity", "0").returncode:
                raise RuntimeError("kolbridge migrate failed")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.postgres is not None:
            self.postgres.stop()
        if self.args.keep:
            log(f"Kept {self.base}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)

    def kolbridge(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
        """Run a ``kolbridge`` command in the benchmark's environment; stderr streams through."""
        return subprocess.run(
            [sys.executable, "-m", "kolbridge", *args],
            env=self.env,
            stdout=subprocess.PIPE if capture else sys.stderr,
            text=True,
            check=False,
        )

    def seed(self, *options: str) -> float | None:
        """``seed-demo`` with these options; its wall time in seconds, or None when the
        database already held data (benchmarked as it is)."""
        log(f"Seeding ({' '.join(options)}) …")
        started = time.monotonic()
        seeded = self.kolbridge("seed-demo", "--seed", str(self.args.seed), *options)
        if seeded.returncode == ALREADY_LOADED_STATUS:
            log("The database already holds data: benchmarking it as it is.")
            return None
        if seeded.returncode:
            raise RuntimeError("kolbridge seed-demo failed")
        return round(time.monotonic() - started, 1)

    def probe(self, code: str) -> Any:
        """Run ``code`` inside Django (``kolbridge shell``); it prints one JSON value."""
        probed = self.kolbridge("shell", "--no-imports", "-c", code, capture=True)
        if probed.returncode:
            raise RuntimeError("the Django-side probe failed")
        return json.loads(probed.stdout)

    def token(self, username: str) -> str:
        token = self.kolbridge(
            "token", "create", username, "--name", "benchmark", capture=True
        ).stdout.strip()
        if not token:
            raise RuntimeError(f"no API token for {username!r}: is the demo data loaded?")
        return token

    def serve(self) -> Server:
        log("Starting gunicorn …")
        self.server = Server(self.env, self.base)
        self.server.wait_ready()
        return self.server

    def server_pids(self) -> list[int]:
        """The roots of the processes that serve: gunicorn, and PostgreSQL if started here."""
        assert self.server is not None
        return [self.server.process.pid] + ([self.postgres.pid()] if self.postgres else [])

    def machine(self) -> dict[str, Any]:
        return {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in self.load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }


# --- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One HTTP request, encoded once before the clients start."""

    label: str  # method and path, for error samples
    raw: bytes


@dataclass(frozen=True)
class Response:
    status: int
    head: bytes
    body: bytes

    def cookies(self) -> dict[str, str]:
        found = {}
        for line in self.head.split(b"\r\n")[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                found[key] = rest.split(";", 1)[0]
        return found


def request(
    method: str,
    path: str,
    *,
    token: str = "",
    cookies: Mapping[str, str] | None = None,
    json_body: Any = None,
    form: Mapping[str, str] | None = None,
) -> Request:
    """A request over a connection of its own.

    gunicorn's sync workers answer every request with ``Connection: close`` (they keep no idle
    connections, by design), so a client cannot keep connections alive against them; saying
    ``Connection: close`` up front and reading to EOF is the cheapest correct client, which
    keeps the client's share of the two cores small.
    """
    headers = ["Host: 127.0.0.1", "Accept: application/json", "Connection: close"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    if cookies:
        headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    body = b""
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers.append("Content-Type: application/json")
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers.append("Content-Type: application/x-www-form-urlencoded")
    if body:
        headers.append(f"Content-Length: {len(body)}")
    head = f"{method} {path} HTTP/1.1\r\n" + "\r\n".join(headers) + "\r\n\r\n"
    return Request(f"{method} {path}", head.encode() + body)


def send(port: int, raw: bytes) -> Response:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(raw)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return Response(int(head[9:12]), head, body)


def sign_in(port: int, username: str, password: str) -> dict[str, str]:
    """Sign in through the login form, as a browser does; returns the session cookies."""
    page = send(port, request("GET", "/login/").raw)
    cookies = page.cookies()
    marker = b'name="csrfmiddlewaretoken" value="'
    start = page.body.index(marker) + len(marker)
    csrf = page.body[start : page.body.index(b'"', start)].decode()
    form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    answer = send(port, request("POST", "/login/", cookies=cookies, form=form).raw)
    cookies.update(answer.cookies())
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"signing in as {username!r} failed ({answer.status})")
    return cookies


# --- measuring ------------------------------------------------------------------------------


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


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, over all cores (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    total = sum(fields[:8])  # guest time is already counted in user
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


@dataclass(frozen=True)
class ClientResult:
    latencies: list[float]
    body_bytes: int
    errors: int
    error_samples: list[str]
    started: float
    finished: float
    cpu_seconds: float


def client(
    port: int,
    requests: Sequence[Request],
    expect: int,
    seconds: float,
    go: Any,
    results: Any,
) -> None:
    """One client process: wait for the start signal, then send each request in turn until
    done or out of time."""
    latencies: list[float] = []
    body_bytes = 0
    errors = 0
    samples: list[str] = []
    go.wait()
    started = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on Linux
    cpu_started = time.process_time()
    deadline = started + seconds
    for item in requests:
        if time.monotonic() >= deadline:
            break
        t0 = time.perf_counter()
        try:
            answer = send(port, item.raw)
        except OSError as exc:  # a refused or timed-out request counts as a failed one
            answer = Response(0, b"", repr(exc).encode())
        latencies.append(time.perf_counter() - t0)
        body_bytes += len(answer.body)
        if answer.status != expect:
            errors += 1
            if len(samples) < 3:
                samples.append(f"{item.label} -> {answer.status} {answer.body[:200]!r}")
    results.put(
        ClientResult(
            latencies,
            body_bytes,
            errors,
            samples,
            started,
            time.monotonic(),
            time.process_time() - cpu_started,
        )
    )


def run_phase(
    name: str,
    port: int,
    requests: Sequence[Request],
    seconds: float,
    server_pids: Sequence[int],
    *,
    expect: int = 200,
) -> dict[str, Any]:
    """Spread ``requests`` over the client processes, start them together, and summarise.

    ``server_pids`` are the roots of the processes that serve (gunicorn, and PostgreSQL when
    the benchmark runs its own), whose CPU time per request is reported. The machine's other
    load during the phase (other people's work on a shared machine) is reported beside it.
    """
    log(f"  {name}: up to {len(requests):,} requests or {seconds:.0f} s with {CLIENTS} clients")
    context = multiprocessing.get_context("fork")
    go = context.Event()
    results = context.Queue()
    processes = [
        context.Process(
            target=client, args=(port, requests[i::CLIENTS], expect, seconds, go, results)
        )
        for i in range(CLIENTS)
    ]
    for process in processes:
        process.start()
    server_cpu = cpu_seconds_of_trees(server_pids)
    machine_busy, machine_total = machine_cpu_seconds()
    go.set()
    # A client that died would never answer: wait no longer than its time limit allows.
    outcomes: list[ClientResult] = [results.get(timeout=seconds + 120) for _ in processes]
    server_cpu = cpu_seconds_of_trees(server_pids) - server_cpu
    busy_after, total_after = machine_cpu_seconds()
    for process in processes:
        process.join()
    latencies = sorted(t for o in outcomes for t in o.latencies)
    errors = sum(o.errors for o in outcomes)
    wall = max(o.finished for o in outcomes) - min(o.started for o in outcomes)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    capacity = max(total_after - machine_total, 1e-9)  # CPU seconds all cores could give
    client_cpu = sum(o.cpu_seconds for o in outcomes)
    summary: dict[str, Any] = {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(wall, 2),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "bytes_per_response": round(sum(o.body_bytes for o in outcomes) / len(latencies)),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(latencies), 2),
        # Shares of all the machine's cores during the phase: the server, the clients (to show
        # they were not the limit), and everything else (other work on a shared machine).
        "server_cpu_share": round(server_cpu / capacity, 3),
        "client_cpu_share": round(client_cpu / capacity, 3),
        "other_cpu_share": round(
            max(0.0, (busy_after - machine_busy) - server_cpu - client_cpu) / capacity, 3
        ),
    }
    if errors:
        summary["error_samples"] = [e for o in outcomes for e in o.error_samples][:5]
    log(
        f"  {name}: {summary['requests_per_s']} req/s, p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"server CPU {summary['server_cpu_ms_per_request']} ms/request, "
        f"other load {summary['other_cpu_share']:.0%} of the machine, {errors} errors"
    )
    return summary


def judge(limits: Mapping[str, float], measured: Mapping[str, float]) -> dict[str, Any]:
    """Each target with its measured value and whether it is met: a ``..._ms`` figure must
    stay at or under its limit, any other (a ratio, a rate) reach it."""
    return {
        name: {
            "target": f"<= {limit:g}" if name.endswith("_ms") else f">= {limit:g}",
            "measured": measured[name],
            "met": measured[name] <= limit if name.endswith("_ms") else measured[name] >= limit,
        }
        for name, limit in limits.items()
    }


def report(
    *,
    benchmark: str,
    database: str,
    postgres: bool,
    sizes: Mapping[str, Any],
    seed_seconds: float | None,
    machine: Mapping[str, Any],
    endpoints: Mapping[str, dict[str, Any]],
    targets: Mapping[str, Any],
    **extra: Any,
) -> int:
    """Print the one JSON object; the exit status says whether any request failed (failed
    requests make the figures meaningless)."""
    document = {
        "benchmark": benchmark,
        "database": database,
        "sizes": dict(sizes),
        "seed_seconds": seed_seconds,
        "server": f"gunicorn kolbridge.wsgi, {GUNICORN_WORKERS} sync workers",
        "server_cpu_covers": "gunicorn" + (" and the temporary PostgreSQL" if postgres else ""),
        "clients": CLIENTS,
        "machine": dict(machine),
        "endpoints": dict(endpoints),
        **extra,
        "targets": dict(targets),
        "all_targets_met": all(t["met"] for t in targets.values()),
    }
    print(json.dumps(document, indent=2))
    return 1 if any(e["errors"] for e in endpoints.values()) else 0
