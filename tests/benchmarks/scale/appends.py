"""Appends through our store and through the peer, fed the same planned events, timed side by side."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from .generator import Stream, Writer
from .timing import Timing

BATCH = 1_000
ROUND = 20  # single appends per side before the other side takes its turn


class Appends:
    """Our store and the peer, fed the same planned events, timed side by side."""

    def __init__(self, writer: Writer, peer, stream: Stream, vendor: str):
        self.writer, self.peer, self.stream, self.vendor = writer, peer, stream, vendor
        self.size = 0

    def batch(self, size: int = BATCH) -> tuple[float, float]:
        """One batch through each side; the seconds each took."""
        planned = self.stream.next_batch(size)
        started = time.perf_counter()
        self.writer.append_many(planned)
        ours = time.perf_counter() - started
        self.peer.append_many(planned)
        self.size += size
        return ours, time.perf_counter() - started - ours

    def singles(self, count: int) -> dict[str, Timing]:
        """`count` single appends per variant of ours, each block followed by the peer appending the same events."""
        variants = {"ours": "NORMAL", "ours, synchronous=FULL": "FULL"} if self.vendor == "sqlite" else {"ours": None}
        spent: dict[str, list[float]] = {name: [] for name in [*variants, "peer", "peer save"]}
        while len(spent["ours"]) < count:
            for name, synchronous in variants.items():
                planned = [self.stream.next_batch(1)[0] for _ in range(ROUND)]
                with sqlite_synchronous(synchronous):
                    for p in planned:
                        started = time.perf_counter()
                        self.writer.append(p)
                        spent[name].append(time.perf_counter() - started)
                for p in planned:
                    got, decided, saved = self.peer.append(p)
                    spent["peer"].append(got + decided + saved)
                    spent["peer save"].append(saved)
                self.size += ROUND
        return {name: Timing.of(seconds) for name, seconds in spent.items()}


@contextmanager
def sqlite_synchronous(synchronous: str | None) -> Iterator[None]:
    """SQLite's synchronous setting on our connection for a while, then the production one (settings: NORMAL).
    None leaves the connection as settings made it."""
    from django.db import connection

    if synchronous:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={synchronous}")
    try:
        yield
    finally:
        if synchronous:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=NORMAL")


def our_durability() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            return f"synchronous={['OFF', 'NORMAL', 'FULL', 'EXTRA'][cursor.fetchone()[0]]}"
        cursor.execute("SHOW synchronous_commit")
        return f"synchronous_commit={cursor.fetchone()[0]}"
