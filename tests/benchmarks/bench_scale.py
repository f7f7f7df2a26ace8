"""Benchmark the store at scale on SQLite and PostgreSQL: appends, reads, rebuild, concurrent writers.

    python -m tests.benchmarks.bench_scale [--events N] [--databases sqlite,postgresql] [--profile] [--keep]

N (BENCH_EVENTS, default 10,000; 1,000,000 for the full run) realistic events (scale/generator.py: many
organisations with decades of history, 2% corrections, 1% retractions, partial dates) are appended
through events.store.append_many, 1,000 a transaction, and the same events, interleaved batch by
batch, through the eventsourcing library (scale/peer.py) on its own database. Each database is measured
in its own process; then, against the issue's targets:

- single appends (store.append) at every power of ten from 1,000 up to N and at N, interleaved with
  the peer's single appends of the same events; on SQLite ours twice, at the production durability
  (synchronous=NORMAL) and at the peer's (FULL); batched appends at N, interleaved with the peer's;
- state on a day and as known at a moment (events.documents.state_document_at), the diff (as
  /api/state/diff/ computes it), each next to the floor: one raw indexed SQL query for the same
  intervals (scale/reads.py `floor_rows`), interleaved;
- a cold rebuild of every organisation's projection in a child process (time, peak RSS), and whether
  it reproduces the incrementally maintained projection row for row; the projection's bytes;
- on PostgreSQL, 8 writers POSTing /api/events/ to gunicorn at once, about one subject (and spread);
- the issue's pathological log: 20 states, one dated re-assertion of the same status a week each,
  appended 1,000 a transaction (--pathological-weeks, default 560): append rate and projection bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .bench_api import recreate_postgres_database, server_env
from .scale.appends import BATCH, Appends, our_durability
from .scale.generator import Stream, World, Writer
from .scale.projection import measure_rebuild, rebuild_everything, table_bytes
from .scale.reads import bitemporal, measure_reads
from .scale.report import machine, report
from .scale.timing import profiled
from .scale.writers import concurrent_writers

REPO = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/scotimeline-bench")) / "scale"
SEED = 2024
DATABASES = {  # the names of what each run creates, and drops after unless --keep
    "log": "bench_scale_log",
    "peer": "bench_scale_peer",
    "pathological": "bench_scale_pathological",
}


@dataclass
class Options:
    events: int = int(os.environ.get("BENCH_EVENTS", 10_000))
    databases: str = os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    postgres: str = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
    singles: int = 200  # single appends per side at N (60 at each smaller power of ten)
    batches: int = 5  # batches of 1,000 per side at N
    samples: int = 500  # (organisation, day) samples for each read
    read_seconds: float = 60.0  # the most any one read's sampling may take
    writers: int = 8
    writers_seconds: float = 10.0
    pathological_weeks: int = 560
    pathological_seconds: float = 900.0  # stop the pathological log after the batch that passes this
    profile: bool = False
    keep: bool = False


# ---------------------------------------------------------------- one database's run


def vocabularies() -> dict:
    from events import store
    from events.models import Organisation

    return {o.slug: store.vocabulary(o) for o in Organisation.objects.all()}


def peer_env(database: str, options: Options) -> dict[str, str]:
    if database == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(WORK / "peer.sqlite3")}
    server = urlsplit(options.postgres)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": DATABASES["peer"],
        "POSTGRES_HOST": server.hostname or "127.0.0.1", "POSTGRES_PORT": str(server.port or 5432),
        "POSTGRES_USER": server.username or "postgres", "POSTGRES_PASSWORD": server.password or "",
        "POSTGRES_POOL_SIZE": "2",
    }


def powers_of_ten(events: int) -> list[int]:
    """The sizes single appends are measured at: 1,000, 10,000, ... below N, then N."""
    return [size for size in (10**k for k in range(3, 8)) if size < events] + [events]


def analyze() -> None:
    """What autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) does in service: fresh planner statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def run_log(database: str, options: Options) -> dict:
    """(In a child process, DATABASE_URL set.) Build the realistic log and measure everything on it."""
    from django.core.management import call_command
    from django.db import connection

    from events.models import Event, SlotInterval

    from .scale.peer import Peer

    call_command("migrate", verbosity=0)
    world = World.planned(options.events + 2 * BATCH * options.batches + 10 * options.singles, SEED)
    writer = Writer(world)
    writer.create_world()
    peer = Peer(peer_env(database, options), vocabularies(), {e.slug: e.type for e in world.entities}, SEED)
    appends = Appends(writer, peer, Stream(world, SEED), connection.vendor)
    found: dict = {"database": database, "durability": {"ours": our_durability(), "peer": peer.durability()}}
    found.update(grow(appends, options, database))
    found["log"] = {"events": Event.objects.count(), "organisations": Event.objects.values("organisation").distinct().count(),
                    "intervals": SlotInterval.objects.count()}
    reads = measure_reads(world, SEED, options.samples, options.read_seconds)  # on the log at N, as analyzed there
    found["reads"] = {name: asdict(timing) for name, timing in reads.items()}
    found["floor_bitemporal"] = bitemporal()
    print(f"  {database}: reads: " + ", ".join(f"{n} {t['p50_ms']:.2f} ms" for n, t in found["reads"].items()), flush=True)
    at_size = [appends.batch() for _ in range(options.batches)]
    found["batched"] = {"ours_per_s": BATCH * len(at_size) / sum(o for o, _ in at_size),
                        "peer_per_s": BATCH * len(at_size) / sum(p for _, p in at_size)}
    print(f"  {database}: batched at size: {found['batched']}", flush=True)
    peer.close()
    if options.profile:  # ours alone from here: the peer never sees these events
        found["profile_single"] = profiled(lambda: [writer.append(appends.stream.next_batch(1)[0]) for _ in range(100)])
        found["profile_batch"] = profiled(lambda: writer.append_many(appends.stream.next_batch(BATCH)))
    found["rebuild"] = measure_rebuild()
    print(f"  {database}: rebuild {found['rebuild']['seconds']:.1f} s, identical: {found['rebuild']['identical']}", flush=True)
    if connection.vendor == "postgresql":
        found["writers"] = concurrent_writers(world, os.environ["DATABASE_URL"], options.writers, options.writers_seconds)
        print(f"  {database}: writers: {found['writers']}", flush=True)
    return found


def grow(appends: Appends, options: Options, database: str) -> dict:
    """Build the log to N in batches, both sides; at each power of ten on the way and at N, fresh planner
    statistics and single appends. The build's rates, and the single appends' timings by size."""
    built: list[tuple[int, float, float]] = []  # (events, our seconds, the peer's seconds) per batch
    singles: dict[int, dict] = {}
    for size in powers_of_ten(options.events):
        while appends.size < size:
            count = min(BATCH, size - appends.size)
            built.append((count, *appends.batch(count)))
            if len(built) % 50 == 0:
                print(f"  {database}: {appends.size:,} events", flush=True)
        analyze()
        timed = appends.singles(options.singles if size == options.events else 60)
        singles[size] = {name: asdict(timing) for name, timing in timed.items()}
        print(f"  {database}: single appends at {size:,}: " + ", ".join(f"{n} {t.p50_ms:.2f} ms" for n, t in timed.items()), flush=True)
    events = sum(n for n, _, _ in built)
    return {"singles": singles,
            "build": {"ours_per_s": events / sum(o for _, o, _ in built), "peer_per_s": events / sum(p for _, _, p in built)}}


def run_pathological(options: Options) -> dict:
    """(In a child process.) The issue's case: 20 states each re-asserted as members every week."""
    from django.core.management import call_command

    from events import store
    from tests import builders

    call_command("migrate", verbosity=0)
    organisation, source = builders.organisation("pathological"), builders.source("pathological-source")
    states = [builders.state(f"pathological-{n}", f"Y{n:02d}") for n in range(20)]
    requests = [
        store.NewEvent(organisation=organisation, kind="membership.status", subject=state, payload={"status": "member"},
                       date=(date(1990, 1, 1) + timedelta(weeks=week)).isoformat(), source=source, confidence=0.9,
                       recorded_by="benchmark")
        for week in range(options.pathological_weeks) for state in states
    ]
    rates, started = [], time.perf_counter()  # (events, events a second) per batch
    for first in range(0, len(requests), BATCH):
        batch = requests[first : first + BATCH]
        begun = time.perf_counter()
        store.append_many(batch)
        rates.append((len(batch), len(batch) / (time.perf_counter() - begun)))
        print(f"  pathological: {first + len(batch):,} events, {rates[-1][1]:,.0f}/s", flush=True)
        if time.perf_counter() - started > options.pathological_seconds:
            break
    appended, elapsed = sum(n for n, _ in rates), time.perf_counter() - started
    full = [rate for n, rate in rates if n == BATCH] or [rates[-1][1]]  # a short last batch costs as much as a full one
    return {"planned": len(requests), "appended": appended, "seconds": elapsed, "per_s": appended / elapsed,
            "first_batch_per_s": rates[0][1], "last_batch_per_s": full[-1], "bytes": table_bytes()}


# ---------------------------------------------------------------- the parent: databases, children, report


def database_url(database: str, name: str, options: Options) -> str:
    return f"sqlite:///{WORK / f'{name}.sqlite3'}" if database == "sqlite" else f"{options.postgres}/{DATABASES[name]}"


def fresh(database: str, name: str, options: Options) -> bool:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORK / name}.sqlite3{suffix}").unlink(missing_ok=True)
        return True
    return recreate_postgres_database(database_url(database, name, options))


def drop(database: str, options: Options) -> None:
    if database == "sqlite":
        for path in WORK.glob("*.sqlite3*"):
            path.unlink()
        return
    import psycopg

    with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as admin:
        for name in DATABASES.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child(database: str, name: str, options: Options, task: str) -> dict | None:
    """Run `task` in a child process on a fresh database: Django's settings come from DATABASE_URL."""
    if not fresh(database, name, options) or (task == "log" and not fresh(database, "peer", options)):
        return None
    out = WORK / f"{database}-{task}.json"
    out.unlink(missing_ok=True)
    env = {**server_env(database_url(database, name, options)), "BENCH_SCALE_OPTIONS": json.dumps(asdict(options))}
    run = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_scale", "--task", task, "--out", str(out)], cwd=REPO, env=env)
    if run.returncode:
        print(f"  {database} {task}: failed (exit {run.returncode})")
        return None
    return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Options()
    for spec in fields(Options):
        value = getattr(defaults, spec.name)
        flag = f"--{spec.name.replace('_', '-')}"
        if isinstance(value, bool):
            parser.add_argument(flag, action="store_true", default=value)
        else:
            parser.add_argument(flag, type=type(value), default=value)
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild", action="store_true", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args(argv)
    if args.rebuild or args.task:
        return in_child(args)
    options = Options(**{spec.name: getattr(args, spec.name) for spec in fields(Options)})
    WORK.mkdir(parents=True, exist_ok=True)
    info = machine(options.postgres)
    print(f"bench_scale: {options.events:,} events; " + "; ".join(f"{k}: {v}" for k, v in info.items()), flush=True)
    results: dict[str, dict] = {}
    try:
        for database in options.databases.split(","):
            results[database] = {"log": child(database, "log", options, "log"),
                                 "pathological": child(database, "pathological", options, "pathological")}
    finally:
        if not options.keep:
            for database in options.databases.split(","):
                drop(database, options)
    info["load average (1 min) after"] = f"{os.getloadavg()[0]:.2f}"
    text = report(options, info, results)
    print("\n" + text)
    (WORK / "bench_scale.md").write_text(text)
    (WORK / "bench_scale.json").write_text(json.dumps({"machine": info, "results": results}, indent=2, default=str))
    print(f"\n(written to {WORK / 'bench_scale.md'} and bench_scale.json)")
    return 0


def in_child(args) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scotimeline.settings")
    django.setup()
    if args.rebuild:
        print(json.dumps(rebuild_everything()))
        return 0
    options = Options(**json.loads(os.environ["BENCH_SCALE_OPTIONS"]))
    database = "sqlite" if os.environ["DATABASE_URL"].startswith("sqlite") else "postgresql"
    found = run_log(database, options) if args.task == "log" else run_pathological(options)
    Path(args.out).write_text(json.dumps(found, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
