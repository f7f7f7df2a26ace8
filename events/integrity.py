"""Tamper evidence: each event's canonical content and hash, chained; verify the chain and report the first break."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Any

from .models import Event

GENESIS_HASH = "0" * 64


def canonical_content(event: Event) -> dict[str, Any]:
    """The fields the hash covers, as plain JSON values (the same on every database)."""
    return {
        "id": str(event.id),
        "seq": event.seq,
        "organisation": event.organisation.slug,
        "kind": event.kind,
        "subject": event.subject.slug,
        "payload": event.payload,
        "date": [event.date_earliest.isoformat(), event.date_latest.isoformat(), event.date_precision],
        "source": event.source.key,
        "locator": event.locator,
        "confidence": event.confidence,
        "note": event.note,
        "recorded_at": _utc(event.recorded_at),
        "recorded_by": event.recorded_by,
        "corrects": str(event.corrects_id) if event.corrects_id else None,
        "retracts": str(event.retracts_id) if event.retracts_id else None,
        "seed_key": event.seed_key,
    }


def event_hash(event: Event, prev_hash: str) -> str:
    body = json.dumps(canonical_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _utc(moment: datetime) -> str:
    return moment.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # the seq of the first event whose hash or link does not hold
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    previous = GENESIS_HASH
    checked = 0
    expected_seq = 1
    events = Event.objects.select_related("organisation", "subject", "source").order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(checked, event.seq, f"seq {expected_seq} is missing")
        if event.prev_hash != previous:
            return ChainReport(checked, event.seq, "prev_hash does not match the previous event's hash")
        if event_hash(event, previous) != event.hash:
            return ChainReport(checked, event.seq, "content does not match its hash")
        previous = event.hash
        checked += 1
        expected_seq += 1
    return ChainReport(checked)
