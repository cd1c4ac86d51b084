"""Seed, serve with gunicorn, measure: ``python -m bench.run [--tickets N] [--backend …]``.

Only 127.0.0.1 traffic, bounded loops. Results are printed as a table and written as JSON to
bench/results/<timestamp>-<backend>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import math
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from helpdesk.config import normalise_database_url

log = logging.getLogger("bench")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
DEFAULT_URLS = {
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench' / 'sila-bench.db'}",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/sila_bench",
}
DEMO_EMAIL = "manager@demo.sila.sa"  # sees every ticket: the queue's widest reach
DEMO_PASSWORD = "sila-demo-2026"
WARM_UP_REQUESTS = 5
START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 60
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken":\s*"([^"]+)"')


# --- scenarios ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """One page or action to measure. ``path`` and ``form`` may be callables of the context
    and the request's index, so that a scenario can walk over tickets or post a transition:

        Scenario("ticket page", lambda ctx, i: f"/tickets/{ctx.ticket_ids()[i % 100]}")
    """

    name: str
    path: str | Callable[[Context, int], str]
    method: str = "GET"
    form: Callable[[Context, int], dict[str, str]] | None = None
    expect: tuple[int, ...] = (200,)
    signed_in: bool = True

    def url(self, context: Context, index: int) -> str:
        return self.path(context, index) if callable(self.path) else self.path


SEARCH_WORDS = ("سلة", "إيجار", "علاج", "متطوع", "الرياض", "موعد", "دعم", "استفسار")
PRIORITIES = ("high", "normal")


def _ticket_page(ctx: Context, i: int) -> str:
    return f"/tickets/{ctx.ticket_numbers()[i % len(ctx.ticket_numbers())]}"


def _priority_change(ctx: Context, i: int) -> str:
    return f"{_ticket_page(ctx, i)}/actions/set_priority"


# The last twelve months the seed spreads tickets over, as the reports' Gregorian filter.
_TODAY = datetime.now(UTC).date()
REPORT_YEAR = (f"calendar=gregorian&from={(_TODAY - timedelta(days=364)).isoformat()}"
               f"&to={_TODAY.isoformat()}")
REPORT_KEYS = ("volume_channel", "backlog", "times", "committee", "satisfaction", "visits",
               "suggestions")

SCENARIOS: list[Scenario] = [
    Scenario("login page", "/login", signed_in=False),
    Scenario("home page", "/"),
    Scenario("channels page", "/channels"),
    Scenario("healthz", "/healthz", signed_in=False),
    Scenario("queue: first page", "/tickets"),
    Scenario("queue: status filter", "/tickets?status=in_progress"),
    Scenario("queue: channel filter", "/tickets?channel=phone"),
    Scenario("queue: kind filter", "/tickets?kind=complaint"),
    Scenario("queue: overdue view", "/tickets?view=overdue"),
    Scenario("ticket page", _ticket_page),
    Scenario("search", lambda ctx, i: f"/search?q={quote(SEARCH_WORDS[i % len(SEARCH_WORDS)])}"),
    # A change through the lifecycle's service path (authorise, version bump, timeline event,
    # commit, hooks): the priority alternates so that every request writes.
    # The managers' reports: the page (every report) for this Hijri month and for a year,
    # then each report alone (its CSV export runs only its own queries), and the board's.
    Scenario("reports: this Hijri month", "/reports/"),
    Scenario("reports: a year", f"/reports/?{REPORT_YEAR}"),
    Scenario("reports: a year, one channel", f"/reports/?{REPORT_YEAR}&channel=phone"),
    *(Scenario(f"report: {key} (a year)", f"/reports/export/{key}.csv?{REPORT_YEAR}")
      for key in REPORT_KEYS),
    Scenario("report: board (this Hijri month)", "/reports/board"),
    Scenario("ticket change (priority)", _priority_change, method="POST",
             form=lambda ctx, i: {"csrf_token": ctx.csrf_token,
                                  "set_priority-priority": PRIORITIES[i % 2]},
             expect=(200, 302, 303)),
]


# --- a small HTTP client with a cookie jar ----------------------------------------------------

class Client:
    """One keep-alive connection (reopened when the server closes it) and its cookies.

    Cookies are kept whatever their Secure flag: production cookies are Secure, and the
    bench talks plain HTTP to 127.0.0.1.
    """

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": HOST, "User-Agent": "sila-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.connection.close()  # the server closed the connection: one retry, new socket
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        payload = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, payload, dict(response.getheaders())

    def close(self) -> None:
        self.connection.close()


@dataclass
class Context:
    port: int
    database_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""
    _ticket_ids: list[int] = field(default_factory=list)

    _ticket_numbers: list[str] = field(default_factory=list)

    def ticket_numbers(self, count: int = 100) -> list[str]:
        """Numbers of ``count`` tickets spread over the table, read once."""
        if not self._ticket_numbers:
            ids = self.ticket_ids(count)
            engine = create_engine(self.database_url)
            with engine.connect() as connection:
                self._ticket_numbers = list(connection.execute(
                    text("SELECT number FROM tickets WHERE id IN :ids").bindparams(
                        bindparam("ids", expanding=True)), {"ids": ids}).scalars())
            engine.dispose()
        return self._ticket_numbers

    def ticket_ids(self, count: int = 100) -> list[int]:
        """Ids of ``count`` tickets spread over the table, read once."""
        if not self._ticket_ids:
            engine = create_engine(self.database_url)
            with engine.connect() as connection:
                total = connection.execute(text("SELECT MAX(id) FROM tickets")).scalar() or 0
                step = max(1, total // count)
                # Named by primary key: a scan with `id % step` reads the whole table.
                wanted = [step * k for k in range(1, count + 1)]
                self._ticket_ids = list(connection.execute(
                    text("SELECT id FROM tickets WHERE id IN :ids ORDER BY id").bindparams(
                        bindparam("ids", expanding=True)), {"ids": wanted}).scalars())
            engine.dispose()
        return self._ticket_ids


def sign_in(port: int, email: str, password: str) -> tuple[dict[str, str], str]:
    client = Client(port)
    try:
        status, page, _ = client.request("GET", "/login")
        match = CSRF_PATTERN.search(page)
        form = {"email": email, "password": password}
        if match:
            form["csrf_token"] = match.group(1) or match.group(2)
        status, _, headers = client.request("POST", "/login", form=form)
        if status != 302:
            raise SystemExit(f"bench: could not sign in as {email} (HTTP {status}); "
                             "is the database seeded with the demo staff?")
        status, page, _ = client.request("GET", "/")
        match = CSRF_PATTERN.search(page)
        token = (match.group(1) or match.group(2)) if match else ""
        return client.cookies, token
    finally:
        client.close()


# --- measuring ----------------------------------------------------------------------------------

def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def measure(scenario: Scenario, context: Context, requests: int, concurrency: int
            ) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        client = Client(context.port, context.cookies if scenario.signed_in else None)
        try:
            for i in range(WARM_UP_REQUESTS):
                client.request(scenario.method, scenario.url(context, i),
                               scenario.form(context, i) if scenario.form else None)
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                form = scenario.form(context, index) if scenario.form else None
                started = time.perf_counter()
                status, _, _ = client.request(scenario.method, scenario.url(context, index),
                                              form)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status not in scenario.expect:
                        errors.append(f"HTTP {status}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, name=f"bench-{n}") for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "scenario": scenario.name, "method": scenario.method,
        "path": scenario.path if isinstance(scenario.path, str) else "(computed)",
        "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5],
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "max_ms": round(latencies[-1], 2) if latencies else math.nan,
        "requests_per_s": round(len(latencies) / wall, 1) if wall else math.nan,
    }


# --- database and server ----------------------------------------------------------------------

def flask(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                   check=True)


CREATE_ALL = ("from wsgi import app\nfrom helpdesk.extensions import db\n"
              "with app.app_context():\n    db.create_all()\n")


def build_schema(env: dict[str, str], create_all: bool) -> None:
    """The migrations (the default), or the models' metadata when the migration history
    lags behind the models in a working tree."""
    if create_all:
        subprocess.run([sys.executable, "-c", CREATE_ALL], cwd=ROOT, env=env, check=True)
    else:
        flask(["db", "upgrade"], env)


def count_tickets(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT COUNT(*) FROM tickets")).scalar_one()
    finally:
        engine.dispose()


def reset_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": parsed.database}).scalar()
            if exists:
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": parsed.database})
                connection.execute(text(f'DROP DATABASE "{parsed.database}"'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def database_exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "").exists()
    admin = create_engine(parsed.set(database="postgres"))
    try:
        with admin.connect() as connection:
            return bool(connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"),
                {"n": parsed.database}).scalar())
    finally:
        admin.dispose()


def prepare_database(url: str, tickets: int, env: dict[str, str], create_all: bool = False
                     ) -> tuple[bool, float | None]:
    """Reuse the database when it holds exactly ``tickets`` tickets; else seed it afresh.
    Returns (reused, seed seconds)."""
    if database_exists(url):
        build_schema(env, create_all)
        existing = count_tickets(url)
        if existing == tickets:
            log.info("reusing %s: %d tickets already seeded", make_url(url).database, existing)
            return True, None
        log.info("%s holds %d tickets, not %d: seeding afresh", make_url(url).database,
                 existing, tickets)
    reset_database(url)
    build_schema(env, create_all)
    started = time.perf_counter()
    flask(["helpdesk", "seed", "--tickets", str(tickets)], env)
    seconds = time.perf_counter() - started
    log.info("seeded %d tickets in %.1f s", tickets, seconds)
    return False, seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"{HOST}:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"bench: gunicorn did not answer on {HOST}:{port} "
                     f"within {START_TIMEOUT_S} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- reporting ------------------------------------------------------------------------------------

def table(results: list[dict[str, Any]]) -> str:
    header = ("scenario", "requests", "errors", "p50 ms", "p95 ms", "max ms", "req/s")
    rows = [header] + [(r["scenario"], str(r["requests"]), str(r["errors"]), f"{r['p50_ms']:.1f}",
                        f"{r['p95_ms']:.1f}", f"{r['max_ms']:.1f}", f"{r['requests_per_s']:.1f}")
                       for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                          strict=True)]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=sorted(DEFAULT_URLS), default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per "
                        "scenario")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database-url", help="instead of the backend's bench database")
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--create-all", action="store_true",
                        help="build the schema from the models instead of the migrations")
    args = parser.parse_args(argv)
    if args.tickets < 1 or args.requests < 1 or not 1 <= args.concurrency <= 64:
        parser.error("--tickets and --requests must be positive, --concurrency 1 to 64")
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    url = normalise_database_url(args.database_url or DEFAULT_URLS[args.backend])
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), PYTHONUNBUFFERED="1")
    reused, seed_seconds = prepare_database(url, args.tickets, env, args.create_all)

    port = free_port()
    server = start_server(port, args.workers, env)
    results = []
    try:
        cookies, token = sign_in(port, args.email, args.password)
        context = Context(port=port, database_url=url, cookies=cookies, csrf_token=token)
        for scenario in SCENARIOS:
            log.info("measuring %s …", scenario.name)
            results.append(measure(scenario, context, args.requests, args.concurrency))
    finally:
        stop_server(server)

    log.info("\n%s tickets on %s, %d gunicorn workers, %d client threads\n%s",
             f"{args.tickets:,}", args.backend, args.workers, args.concurrency, table(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = RESULTS / f"{stamp}-{args.backend}.json"
    output.write_text(json.dumps({
        "backend": args.backend, "tickets": args.tickets, "requests": args.requests,
        "concurrency": args.concurrency, "workers": args.workers,
        "database_reused": reused, "seed_seconds": seed_seconds,
        "started_at": stamp, "git_commit": git_commit(), "python": platform.python_version(),
        "cpu_count": os.cpu_count(), "results": results,
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info("results written to %s", output.relative_to(ROOT))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
