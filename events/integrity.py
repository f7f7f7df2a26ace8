"""Tamper evidence: each event's hash over its canonical content, chained; verify the chain, name the first break."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from . import records
from .domain.replay import EventRecord
from .models import Event

GENESIS_HASH = "0" * 64


def event_hash(record: EventRecord, prev_hash: str) -> str:
    """SHA-256 of the previous hash and the record's canonical content (records.to_json: every field,
    references by their keys), as JSON with sorted keys: the same on every database."""
    body = json.dumps(records.to_json(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # the seq of the first event whose hash or link does not hold
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def chained(batch_size: int = 2000) -> Iterator[tuple[EventRecord, str, str]]:
    """Every event's record with its prev_hash and hash, in seq order, read in batches."""
    rows = Event.objects.order_by("seq").values_list(*records.COLUMNS, "prev_hash", "hash")
    for row in rows.iterator(chunk_size=batch_size):
        yield records.from_row(row), row[-2], row[-1]


def verify_chain(batch_size: int = 2000) -> ChainReport:
    previous = GENESIS_HASH
    checked = 0
    expected_seq = 1
    for record, prev_hash, stored_hash in chained(batch_size):
        if record.seq != expected_seq:
            return ChainReport(checked, record.seq, f"seq {expected_seq} is missing")
        if prev_hash != previous:
            return ChainReport(checked, record.seq, "prev_hash does not match the previous event's hash")
        if event_hash(record, previous) != stored_hash:
            return ChainReport(checked, record.seq, "content does not match its hash")
        previous = stored_hash
        checked += 1
        expected_seq += 1
    return ChainReport(checked)
