"""The projection as the scale benchmark sees it: its bytes, its rows, a cold rebuild and whether it matches."""
from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def projection_models():
    from events.models import EventKey, ProjectedConflict, SlotInterval

    return (SlotInterval, ProjectedConflict, EventKey)


def table_bytes() -> dict[str, int]:
    """Bytes of each projection table and of the events table, indexes (and PostgreSQL's TOAST) included."""
    from django.db import connection

    tables = [model._meta.db_table for model in projection_models()] + ["events_event"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat s JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name")
            sizes = dict(cursor.fetchall())
            return {table: sizes.get(table, 0) for table in tables}
        found = {}
        for table in tables:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            found[table] = cursor.fetchone()[0]
        return found


def projection_rows() -> dict[str, Counter]:
    """Each projection table's rows without surrogate ids, as a multiset of digests."""
    found = {}
    for model in projection_models():
        columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        rows = model.objects.order_by().values_list(*columns).iterator(chunk_size=5_000)
        found[model._meta.db_table] = Counter(
            hashlib.blake2b(json.dumps(row, sort_keys=True, default=str).encode(), digest_size=16).digest() for row in rows
        )
    return found


def rebuild_everything() -> dict:
    """(In a child process.) Rebuild every organisation's projection: seconds and peak resident memory."""
    from events import projections
    from events.models import Organisation

    organisations = list(Organisation.objects.all())
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    intervals = sum(projections.rebuild(organisation) for organisation in organisations)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": baseline / 1024,
        "organisations": len(organisations),
        "intervals": intervals,
    }


def measure_rebuild() -> dict:
    """The projection's bytes and rows as appends left them; a rebuild in a child process; the same after."""
    before_bytes, before = table_bytes(), projection_rows()
    child = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_scale", "--rebuild"],
                           cwd=REPO, env=os.environ, capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError(f"rebuild failed:\n{child.stderr[-3000:]}")
    found = json.loads(child.stdout.strip().splitlines()[-1])
    after = projection_rows()
    found["identical"] = before == after
    found["rows"] = {table: sum(rows.values()) for table, rows in before.items()}
    found["differing_rows"] = {table: sum((before[table] - after[table]).values()) + sum((after[table] - before[table]).values())
                               for table in before}
    found["bytes_incremental"], found["bytes_rebuilt"] = before_bytes, table_bytes()
    return found
