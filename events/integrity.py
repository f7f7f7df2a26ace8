"""Tamper evidence: recompute every event's hash along the chain and report the first break."""
from __future__ import annotations

from dataclasses import dataclass

from .models import Event
from .store import GENESIS_HASH, event_hash


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
