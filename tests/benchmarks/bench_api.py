"""Benchmark the API under gunicorn with wrk on loopback: requests/s and p50/p99 latency.

    python -m tests.benchmarks.bench_api [--events N] [--duration S] [--databases sqlite,postgresql] [--reuse]

N defaults to BENCH_EVENTS when set (make bench sets a quick size), else 100,000.

For each database: a fresh database, migrated, the SCO seeds loaded (when seeds/ has them),
then N synthetic events (default 100,000) appended through events.store.append_many in
batches; gunicorn serves it on 127.0.0.1 and wrk loads it. Each endpoint is measured twice:
the same URL over and over (answered from the log-head cache after the first request) and a
different URL per request (a random day, a random cursor), so nearly every answer is computed.
The baseline is /api/ (the whole request path, no query), measured in the same run; every
row is also given as a ratio to it, and with gunicorn's CPU time per request, which other load
on the machine distorts far less than latency. PostgreSQL is skipped when none answers at --postgres;
wrk is installed with apt-get when missing, and the benchmark is skipped when that fails.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import shutil
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/scotimeline-bench"))
BATCH = 5_000
FIRST_DAY = date(1996, 4, 26)


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    connections: int
    threads: int
    variants: tuple[str, ...] = ()  # paths picked at random per request instead of `path`


@dataclass
class Result:
    database: str
    scenario: str
    connections: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    server_cpu_ms: float  # gunicorn's CPU time (all workers, user + system) per answered request
    ratio_to_baseline: float = 0.0


def scenarios(last_seq: int) -> list[Scenario]:
    rng = random.Random(4)
    days = tuple(f"/api/state/?at={FIRST_DAY + timedelta(days=rng.randrange(10_950))}" for _ in range(10_000))
    pages = tuple(f"/api/events/?page_size=100&cursor={cursor_after(rng.randrange(last_seq))}" for _ in range(20_000))
    plans = [
        ("baseline /api/", "/api/", ()),
        ("/api/state/ same day", "/api/state/?at=2024-01-01", ()),
        ("/api/state/ random day", "/api/state/", days),
        ("/api/events/?page_size=100 first page", "/api/events/?page_size=100", ()),
        ("/api/events/?page_size=100 random cursor", "/api/events/", pages),
    ]
    return [
        Scenario(name, path, connections, threads, variants)
        for name, path, variants in plans
        for connections, threads in ((1, 1), (32, 2))
    ]


def cursor_after(seq: int) -> str:
    """The cursor a client holds after reading up to `seq` in the default ordering."""
    return base64.urlsafe_b64encode(json.dumps(["n", [seq]]).encode()).decode().rstrip("=")


def lua_picking(paths: tuple[str, ...]) -> str:
    listed = ",\n".join(json.dumps(p) for p in paths)
    return (
        f"paths = {{\n{listed}\n}}\nmath.randomseed(os.time())\n"
        'request = function() return wrk.format("GET", paths[math.random(#paths)]) end\n'
    )


# --- preparing a database --------------------------------------------------------------------------


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),  # DEBUG is off: the settings refuse a weak key
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_ANON_RATE": "100000000/s",  # throttling stays in the request path, at a rate nothing reaches
        "LOG_LEVEL": "ERROR",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True)


def prepare(database: str, url: str, events: int, reuse: bool) -> str | None:
    """Migrate, seed and fill the database; a note on what it holds, or None when it cannot be had."""
    marker = WORK / f"{database}-{events}.ready"
    env = server_env(url)
    if reuse and marker.exists():
        migrated = manage(env, "migrate", "--noinput")  # a database kept from before a new migration
        if migrated.returncode:
            raise RuntimeError(f"migrate failed:\n{migrated.stderr}")
        return marker.read_text() + " (reused)"
    marker.unlink(missing_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    elif not recreate_postgres_database(url):
        return None
    migrated = manage(env, "migrate", "--noinput")
    if migrated.returncode:
        raise RuntimeError(f"migrate failed:\n{migrated.stderr}")
    seeded = manage(env, "load_seeds") if (REPO / "seeds" / "sco" / "events.toml").exists() else None
    if seeded and seeded.returncode:
        print(f"  load_seeds failed, going on with synthetic events only: {seeded.stderr.strip()[-300:]}")
    seeds = "SCO seeds loaded" if seeded and seeded.returncode == 0 else "SCO seeds not loaded"
    started = time.perf_counter()
    filled = subprocess.run(
        [PYTHON, "-m", "tests.benchmarks.bench_api", "--synthesize", str(events)],
        cwd=REPO, env=env, text=True, capture_output=True,
    )
    if filled.returncode:
        raise RuntimeError(f"synthesizing failed:\n{filled.stderr}")
    note = f"{seeds}; {filled.stdout.strip()} in {time.perf_counter() - started:.0f} s"
    marker.write_text(note)
    return note


def recreate_postgres_database(url: str) -> bool:
    import psycopg

    server, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"  PostgreSQL not available at {url}: {exc}".strip())
        return False
    return True


def synthesize(count: int) -> None:
    """(In a child process, on the benchmark's database.) Append `count` events through the store.

    95% are meetings, each with its own name (so no two compete), at day, month or year precision;
    5% change the membership of 50 synthetic states, one change per state every 100 days.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scotimeline.settings")
    django.setup()
    from events import store
    from events.models import Entity
    from tests import builders

    organisation = builders.organisation("sco")
    statuses = [*organisation.statuses.values_list("slug", flat=True)[:3], None]
    meeting = organisation.meeting_types.values_list("slug", flat=True).first()
    source = builders.source("synthetic", reliability=0.5)
    states = [builders.state(f"synthetic-state-{n}", None, f"Synthetic State {n}") for n in range(50)]
    places = [builders.entity(f"synthetic-place-{n}", Entity.Type.PLACE) for n in range(200)]
    rng = random.Random(20240609)
    requests = []
    for i in range(count):
        if i % 20 == 0:
            step, state = divmod(i // 20, len(states))
            kind, subject, when = "membership.status", states[state], FIRST_DAY + timedelta(days=100 * step)
            payload = {"status": statuses[step % len(statuses)]}
        else:
            day = f"{rng.randint(1996, 2025):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            kind, subject, when = "meeting.held", places[i % len(places)], day[: rng.choice([10, 10, 7, 4])]
            payload = {"meeting": meeting, "name": f"Synthetic meeting {i}"}
        requests.append(
            store.NewEvent(
                organisation=organisation, kind=kind, subject=subject, payload=payload, date=when,
                source=source, confidence=round(rng.uniform(0.3, 1.0), 2), recorded_by="benchmark",
            )
        )
    for start in range(0, count, BATCH):
        store.append_many(requests[start : start + BATCH])
    # What autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) does in service: fresh planner
    # statistics, so that no row depends on whether autovacuum reached the new rows before it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"{count:,} synthetic events appended in batches of {BATCH:,}")


# --- serving and loading ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "scotimeline.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--backlog", "256"],
        cwd=REPO, env=server_env(url),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/", timeout=1) as response:
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def last_seq(base: str) -> int:
    with urllib.request.urlopen(f"{base}/api/events/?ordering=-seq&page_size=1", timeout=30) as response:
        return json.load(response)["results"][0]["seq"]


def cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time of gunicorn's master and workers so far (Linux /proc)."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    ticks = 0
    for pid in [server.pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(base: str, scenario: Scenario, duration: int) -> dict:
    command = ["wrk", f"-t{scenario.threads}", f"-c{scenario.connections}", f"-d{duration}s", "--latency"]
    if scenario.variants:
        script = WORK / "scenario.lua"
        script.write_text(lua_picking(scenario.variants))
        command += ["-s", str(script)]
    output = subprocess.run([*command, base + scenario.path], capture_output=True, text=True, timeout=duration + 60)
    return parse_wrk(output.stdout)


def parse_wrk(output: str) -> dict:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def ensure_wrk() -> bool:
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        for step in (["apt-get", "install", "-y", "-qq", "wrk"], ["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(step, capture_output=True)
            if shutil.which("wrk"):
                break
    return shutil.which("wrk") is not None


def measure(database: str, url: str, options) -> list[Result]:
    note = prepare(database, url, options.events, options.reuse)
    if note is None:
        return []
    print(f"  {database}: {note}", flush=True)
    server, base = serve(url, options.workers)
    results = []
    try:
        for scenario in scenarios(last_seq(base)):
            run_wrk(base, scenario, 2)  # warm the workers' connections and caches
            cpu_before = cpu_seconds(server)
            measured = run_wrk(base, scenario, options.duration)
            answered = max(measured["requests_per_s"] * options.duration, 1)
            measured["server_cpu_ms"] = round(1000 * (cpu_seconds(server) - cpu_before) / answered, 2)
            results.append(Result(database, scenario.name, scenario.connections, **measured))
            print(f"    {scenario.name} -c{scenario.connections}: {measured}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for result in results:
        baseline = next(r for r in results if r.scenario.startswith("baseline") and r.connections == result.connections)
        result.ratio_to_baseline = round(result.requests_per_s / baseline.requests_per_s, 3)
    return results


def table(results: list[Result]) -> str:
    lines = [
        "| database | endpoint | wrk -c | req/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU ms/request | req/s ÷ baseline |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.database} | {r.scenario} | {r.connections} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
        f"| {r.non_2xx} | {r.errors} | {r.server_cpu_ms:.2f} | {r.ratio_to_baseline:.2f} |"
        for r in results
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_EVENTS", 100_000)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)), help="seconds per row")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)), help="gunicorn workers")
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql"))
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/scotimeline_bench")
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database an earlier run prepared")
    parser.add_argument("--synthesize", type=int, help=argparse.SUPPRESS)
    options, _ = parser.parse_known_args(argv)
    if options.synthesize is not None:
        synthesize(options.synthesize)
        return 0
    if not ensure_wrk():
        print("bench_api: wrk is not installed and could not be installed (apt-get install wrk); skipped")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    urls = {"sqlite": f"sqlite:///{WORK / 'bench.sqlite3'}", "postgresql": options.postgres}
    results: list[Result] = []
    for database in options.databases.split(","):
        results += measure(database, urls[database], options)
    print(
        f"\n{options.events:,} synthetic events; gunicorn {options.workers} sync workers; wrk {options.duration} s "
        f"per row after 2 s of warm-up; {os.cpu_count()} cores; 1-minute load average before: {load_before:.2f}, "
        f"after: {os.getloadavg()[0]:.2f} (the benchmark's own server and wrk included)\n"
    )
    print(table(results))
    (WORK / "bench_api.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
