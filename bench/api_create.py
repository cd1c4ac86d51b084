"""API ticket creations per second: ``python -m bench.api_create [--backend …]``.

Serves the app with gunicorn as bench/run.py does (same database preparation, production
settings, 127.0.0.1 only), creates an API token for the demo manager with
``flask helpdesk create-token``, then POSTs new tickets to /api/v1/tickets with 1 and 8
concurrent clients (``--clients``), each ticket for a different person, and prints the
creations per second. Results are also written to bench/results/<timestamp>-api-<backend>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import math
import os
import platform
import secrets
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

from bench.run import (
    DEMO_EMAIL,
    HOST,
    REQUEST_TIMEOUT_S,
    RESULTS,
    ROOT,
    build_schema,
    count_tickets,
    database_exists,
    flask,
    free_port,
    git_commit,
    percentile,
    reset_database,
    start_server,
    stop_server,
)
from helpdesk.config import normalise_database_url

log = logging.getLogger("bench.api")

# Its own databases: every run adds tickets, which would make bench.run seed its own afresh.
DEFAULT_URLS = {
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench' / 'sila-bench-api.db'}",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/sila_bench_api",
}
WARM_UP_REQUESTS = 3
# The bench measures the application, not the per-token limit (600 per minute by default).
BENCH_RATE_LIMIT = "1000000 per minute"


def prepare_database(url: str, tickets: int, env: dict[str, str], create_all: bool
                     ) -> tuple[bool, float | None]:
    """Reuse the database when it holds at least ``tickets`` tickets (earlier runs add
    theirs); else seed it afresh. Returns (reused, seed seconds)."""
    if database_exists(url):
        build_schema(env, create_all)
        if count_tickets(url) >= tickets:
            return True, None
    reset_database(url)
    build_schema(env, create_all)
    started = time.perf_counter()
    flask(["helpdesk", "seed", "--tickets", str(tickets)], env)
    return False, time.perf_counter() - started


def create_token(env: dict[str, str], email: str) -> str:
    """A fresh token (tickets:write, catalog:read) for ``email``; its secret."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "helpdesk", "create-token",
         "--user", email, "--scopes", "tickets:write,catalog:read", "--name", "bench"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


class JsonClient:
    """One keep-alive connection sending JSON with the bearer token."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Host": HOST, "User-Agent": "sila-bench",
                        "Authorization": f"Bearer {token}", "Accept-Language": "en",
                        "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        try:
            self.connection.request(method, path, body=data, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.connection.close()  # the server closed the connection: one retry
            self.connection.request(method, path, body=data, headers=self.headers)
            response = self.connection.getresponse()
        payload = response.read()
        try:
            decoded = json.loads(payload) if payload else None
        except ValueError:
            decoded = None
        return response.status, decoded

    def close(self) -> None:
        self.connection.close()


def pick_channel(port: int, token: str) -> str:
    client = JsonClient(port, token)
    try:
        status, body = client.request("GET", "/api/v1/channels")
    finally:
        client.close()
    if status != 200:
        raise SystemExit(f"bench: GET /api/v1/channels answered {status}: {body}")
    for channel in body["channels"]:
        if "inquiry" in channel["kinds"]:
            return channel["key"]
    raise SystemExit("bench: no active channel takes inquiries")


def new_ticket(channel: str, run: int, index: int) -> dict[str, Any]:
    # A different person each time (as real traffic is): no two requests wait on one contact.
    number = (run * 1_000_000 + index) % 10_000_000
    return {"channel": channel, "kind": "inquiry", "subject": "استفسار عن موعد التوزيع",
            "body": f"متى يبدأ توزيع السلال الغذائية؟ (طلب رقم {index})",
            "contact": {"name": f"مستفيد {index}", "phone": f"050{number:07d}"}}


def measure(port: int, token: str, channel: str, requests: int, clients: int
            ) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    run = secrets.randbelow(1000)

    def worker(n: int) -> None:
        client = JsonClient(port, token)
        try:
            for i in range(WARM_UP_REQUESTS):
                client.request("POST", "/api/v1/tickets",
                               new_ticket(channel, run, 900_000 + n * 100 + i))
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                started = time.perf_counter()
                status, body = client.request("POST", "/api/v1/tickets",
                                              new_ticket(channel, run, index))
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status != 201:
                        errors.append(f"HTTP {status}: {str(body)[:200]}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,), name=f"api-{n}")
               for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    created = len(latencies) - len(errors)
    return {
        "scenario": f"API create, {clients} client(s)", "clients": clients,
        "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5],
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "max_ms": round(latencies[-1], 2) if latencies else math.nan,
        "creations_per_s": round(created / wall, 1) if wall else math.nan,
    }


def table(results: list[dict[str, Any]]) -> str:
    header = ("clients", "requests", "errors", "p50 ms", "p95 ms", "creations/s")
    rows = [header] + [(str(r["clients"]), str(r["requests"]), str(r["errors"]),
                        f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                        f"{r['creations_per_s']:.1f}") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api_create", description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000,
                        help="tickets already in the database (seeded as bench.run does)")
    parser.add_argument("--backend", choices=sorted(DEFAULT_URLS), default="sqlite")
    parser.add_argument("--requests", type=int, default=400,
                        help="measured creations per concurrency level")
    parser.add_argument("--clients", default="1,8",
                        help="comma-separated concurrency levels")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database-url", help="instead of the backend's bench database")
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--create-all", action="store_true",
                        help="build the schema from the models instead of the migrations")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.clients.split(",") if n.strip()]
    if args.tickets < 1 or args.requests < 1 or not levels or \
            not all(1 <= n <= 64 for n in levels):
        parser.error("--tickets and --requests must be positive, --clients 1 to 64 each")
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    url = normalise_database_url(args.database_url or DEFAULT_URLS[args.backend])
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), PYTHONUNBUFFERED="1",
               API_RATE_LIMIT=BENCH_RATE_LIMIT)
    reused, seed_seconds = prepare_database(url, args.tickets, env, args.create_all)
    token = create_token(env, args.email)

    port = free_port()
    server = start_server(port, args.workers, env)
    results = []
    try:
        channel = pick_channel(port, token)
        for clients in levels:
            log.info("measuring API creations with %d client(s) on channel %s …", clients,
                     channel)
            results.append(measure(port, token, channel, args.requests, clients))
    finally:
        stop_server(server)

    log.info("\nAPI ticket creations on %s (%s tickets before), %d gunicorn workers\n%s",
             args.backend, f"{args.tickets:,}", args.workers, table(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = RESULTS / f"{stamp}-api-{args.backend}.json"
    output.write_text(json.dumps({
        "backend": args.backend, "tickets": args.tickets, "requests": args.requests,
        "clients": levels, "workers": args.workers, "database_reused": reused,
        "seed_seconds": seed_seconds, "started_at": stamp, "git_commit": git_commit(),
        "python": platform.python_version(), "cpu_count": os.cpu_count(), "results": results,
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info("results written to %s", output.relative_to(ROOT))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
