"""Pure replay: events in, the organisation's state on a date out. No ORM, no Django.

The rules (DESIGN.md, "Replay"): only events recorded by `known_at` count, with the
retractions and corrections recorded by then; per slot the latest assertion taking
effect on or before `at` wins, ties going to the higher confidence, then the later seq.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from .dates import PartialDate
from .kinds import KINDS, RETRACTION, SlotKey


class EventRecord(NamedTuple):
    """An event as plain values: every field it was recorded with, by the names events.records maps.

    References are by their keys (organisation and subject slugs, the source's key). A NamedTuple,
    not a frozen dataclass: as immutable, and built six times faster (a rebuild builds one an event).
    """

    id: UUID
    seq: int
    kind: str
    subject: str
    payload: Mapping[str, Any]
    date: PartialDate
    confidence: float
    recorded_at: datetime
    source: str = ""
    corrects: UUID | None = None
    retracts: UUID | None = None
    organisation: str = ""
    locator: str = ""
    note: str = ""
    recorded_by: str = ""
    seed_key: str = ""
    # Set by replay, not recorded: a vaguer assertion ("2017") takes effect on the date of a more
    # precise one of the same value within its window ("9 June 2017"): both describe one change.
    anchor: PartialDate | None = None

    @property
    def effective(self) -> PartialDate:
        return self.anchor or self.date


@dataclass(frozen=True)
class Standing:
    """A slot's value on a date: who holds an office, or a state's status, and since when."""

    slot: SlotKey
    value: str | None
    holder: str  # the subject slug of the winning assertion
    since: PartialDate
    certain: bool
    confidence: float
    events: tuple[EventRecord, ...]  # the unbroken run of assertions of this value, oldest first


@dataclass(frozen=True)
class Conflict:
    """Competing assertions: one change or happening given different dates, or one slot given different values."""

    key: SlotKey
    reason: str  # "dates" or "values"
    events: tuple[EventRecord, ...]

    @property
    def first_date(self) -> date:
        return min(e.date.earliest for e in self.events)


@dataclass(frozen=True)
class State:
    at: date
    known_at: datetime | None
    standings: tuple[Standing, ...]
    conflicts: tuple[Conflict, ...] = field(default=())

    def with_value(self, family: str, value: str) -> list[Standing]:
        return [s for s in self.standings if s.slot[0] == family and s.value == value]

    def standing(self, slot: SlotKey) -> Standing | None:
        return next((s for s in self.standings if s.slot == slot), None)


@dataclass(frozen=True)
class Interval:
    """A slot's answer from `start` until the day before `end` (None: still in force)."""

    slot: SlotKey
    start: date
    end: date | None
    standing: Standing


def effective_events(records: Iterable[EventRecord], known_at: datetime | None = None) -> list[EventRecord]:
    """The assertions that stand as of `known_at`: recorded by then, neither retracted nor corrected by then."""
    known = sorted(
        (r for r in records if known_at is None or r.recorded_at <= known_at), key=lambda r: r.seq
    )
    retracted = {r.retracts for r in known if r.kind == RETRACTION}
    superseded = {r.corrects for r in known if r.corrects is not None and r.id not in retracted}
    return [
        r for r in known if r.kind != RETRACTION and r.id not in retracted and r.id not in superseded
    ]


def slot_of(record: EventRecord) -> SlotKey | None:
    kind = KINDS.get(record.kind)
    return kind.slot.key(record.subject, record.payload) if kind and kind.slot else None


def happening_of(record: EventRecord) -> SlotKey | None:
    kind = KINDS.get(record.kind)
    return kind.happening(record.subject, record.payload) if kind and kind.happening else None


def keys_of(record: EventRecord) -> tuple[SlotKey, ...]:
    """The slots and happenings an event speaks to, as its kind declares them."""
    kind = KINDS.get(record.kind)
    return kind.keys(record.subject, record.payload) if kind else ()


def value_of(record: EventRecord) -> str | None:
    """The value the event asserts for its slot (None for a happening, or a status cleared)."""
    kind = KINDS.get(record.kind)
    return kind.value(record.subject, record.payload) if kind else None


def _value(record: EventRecord) -> str | None:
    return KINDS[record.kind].slot.value(record.subject, record.payload)


def _precedence(record: EventRecord) -> tuple:
    return (record.effective.earliest, record.confidence, record.seq)


def _is_observation(record: EventRecord) -> bool:
    return bool(record.payload.get("observed"))


def _standing(slot: SlotKey, ordered: Sequence[EventRecord], at: date) -> Standing:
    """The standing from a slot's assertions in effect by `at`, sorted by precedence.

    Sightings ("observed") only confirm: the value comes from assertions of a change
    when there are any, and from sightings alone only when there are none.
    """
    basis = [r for r in ordered if not _is_observation(r)] or list(ordered)
    winner = basis[-1]
    value = _value(winner)
    run_start = len(basis) - 1
    while run_start > 0 and _value(basis[run_start - 1]) == value:
        run_start -= 1
    run = basis[run_start:]
    since_event = min(run, key=_dating)
    sightings = [r for r in ordered if _is_observation(r) and _value(r) == value and r not in run]
    return Standing(
        slot=slot,
        value=value,
        holder=winner.subject,
        since=since_event.effective,
        certain=not since_event.effective.is_uncertain_at(at),
        confidence=since_event.confidence,
        events=tuple(sorted(run + sightings, key=lambda r: r.seq)),
    )


def _anchored(assertions: list[EventRecord]) -> list[EventRecord]:
    """Anchor each vague assertion to the most precise assertion of the same value inside its window."""
    precise = sorted((r for r in assertions if not _is_observation(r)), key=lambda r: r.date.earliest)
    starts = [r.date.earliest for r in precise]
    anchored = []
    for record in assertions:
        window = record.date.latest - record.date.earliest
        inside = [
            other
            for other in precise[bisect_left(starts, record.date.earliest) : bisect_right(starts, record.date.latest)]
            if other.date.latest <= record.date.latest
            and other.date.latest - other.date.earliest < window
            and _value(other) == _value(record)
        ]
        if inside:
            best = min(inside, key=lambda r: (r.date.latest - r.date.earliest, -r.confidence, r.seq))
            record = record._replace(anchor=best.date)
        anchored.append(record)
    return anchored


def _by_slot(records: Iterable[EventRecord]) -> dict[SlotKey, list[EventRecord]]:
    slots: dict[SlotKey, list[EventRecord]] = defaultdict(list)
    for record in records:
        slot = slot_of(record)
        if slot is not None:
            slots[slot].append(record)
    return {slot: sorted(_anchored(assertions), key=_precedence) for slot, assertions in slots.items()}


def slot_conflicts(slot: SlotKey, ordered: Sequence[EventRecord]) -> list[Conflict]:
    """Conflicts within one slot: one change dated differently, different values for one date,
    or a sighting that contradicts the value asserted at its date.

    Assertions are in precedence order, so each one's effective date lies within its window:
    no assertion further than the widest window from another can overlap it. Each looks only
    that far, which keeps a slot of many assertions linear.
    """
    conflicts: list[Conflict] = []
    changes = [r for r in ordered if not _is_observation(r)]
    runs: list[list[EventRecord]] = []
    for record in changes:
        if runs and _value(runs[-1][-1]) == _value(record):
            runs[-1].append(record)
        else:
            runs.append([record])
    for run in runs:
        if _has_disjoint_dates(run):
            conflicts.append(Conflict(slot, "dates", tuple(run)))
    widest = max((r.date.latest - r.date.earliest for r in changes), default=timedelta(0))
    starts = [r.effective.earliest for r in changes]
    for i, first in enumerate(changes):
        value = _value(first)
        rivals = [
            r for r in changes[i + 1 : bisect_right(starts, first.date.latest + widest)]
            if r.date.overlaps(first.date) and _value(r) != value
        ]
        earlier = changes[bisect_left(starts, first.date.earliest - widest) : i]
        if rivals and not any(_value(p) != value and p.date.overlaps(first.date) for p in earlier):
            conflicts.append(Conflict(slot, "values", (first, *rivals)))
    for sighting in (r for r in ordered if _is_observation(r)):
        before = bisect_right(starts, sighting.effective.earliest)
        if before and _value(changes[before - 1]) != _value(sighting):
            conflicts.append(Conflict(slot, "values", (changes[before - 1], sighting)))
    return conflicts


def _has_disjoint_dates(records: Sequence[EventRecord]) -> bool:
    """Whether two of the records' windows fail to overlap: windows on a line all meet pairwise
    exactly when the latest start is not after the earliest end."""
    return max(r.date.earliest for r in records) > min(r.date.latest for r in records)


def happening_conflicts(records: Iterable[EventRecord]) -> list[Conflict]:
    groups: dict[SlotKey, list[EventRecord]] = defaultdict(list)
    for record in records:
        key = happening_of(record)
        if key is not None:
            groups[key].append(record)
    return [
        Conflict(key, "dates", tuple(sorted(group, key=lambda r: r.seq)))
        for key, group in groups.items()
        if _has_disjoint_dates(group)
    ]


def state_at(records: Iterable[EventRecord], at: date, known_at: datetime | None = None) -> State:
    """What the organisation looked like on `at`, as believed at `known_at` (None: now)."""
    effective = effective_events(records, known_at)
    standings = []
    for slot, ordered in _by_slot(effective).items():
        in_effect = [r for r in ordered if r.effective.earliest <= at]
        if in_effect:
            standings.append(_standing(slot, in_effect, at))
    # A disagreement shows from the first day any account says the thing had happened.
    conflicts = [c for c in all_conflicts(effective) if c.first_date <= at]
    standings.sort(key=lambda s: (s.slot, s.since.earliest))
    conflicts.sort(key=lambda c: (c.first_date, c.key))
    return State(at=at, known_at=known_at, standings=tuple(standings), conflicts=tuple(conflicts))


def slot_intervals(slot: SlotKey, assertions: Iterable[EventRecord]) -> list[Interval]:
    """Every answer a slot gives over time, for the materialised projection.

    Between two consecutive effective dates the answer is constant, except `certain`,
    which the reader derives from `since` and the date asked.
    """
    return _intervals(slot, sorted(_anchored(list(assertions)), key=_precedence))


def _intervals(slot: SlotKey, ordered: Sequence[EventRecord]) -> list[Interval]:
    """The answers of a slot over time, in one pass: each answer is `_standing` of the assertions in
    effect at its start (tests hold the two equal), built from the runs kept as the pass goes."""
    intervals = []
    changes, sightings = _Run(), _Run()  # the current run of assertions of a change, and of sightings
    seen: dict[str | None, list[EventRecord]] = defaultdict(list)  # every sighting so far, by value
    for i, record in enumerate(ordered):
        if _is_observation(record):
            seen[_value(record)].append(record)
            sightings.add(record)
        else:
            changes.add(record)
        start = record.effective.earliest
        if i + 1 < len(ordered) and ordered[i + 1].effective.earliest == start:
            continue  # the last assertion of a date decides it
        # Sightings only confirm: the value comes from assertions of a change when there are any.
        run = changes if changes.records else sightings
        confirming = seen.get(run.value, [])
        if run is sightings:
            confirming = confirming[: len(confirming) - len(run.records)]  # the run is their suffix
        since = run.since.effective
        standing = Standing(
            slot=slot,
            value=run.value,
            holder=run.records[-1].subject,
            since=since,
            certain=not since.is_uncertain_at(start),
            confidence=run.since.confidence,
            events=tuple(sorted((*run.records, *confirming), key=_by_seq)),
        )
        end = ordered[i + 1].effective.earliest if i + 1 < len(ordered) else None
        intervals.append(Interval(slot, start, end, standing))
    return intervals


class _Run:
    """Consecutive assertions of one value, in precedence order, and the one that dates the run."""

    def __init__(self) -> None:
        self.records: list[EventRecord] = []
        self.value: str | None = None
        self.since: EventRecord | None = None

    def add(self, record: EventRecord) -> None:
        value = _value(record)
        if not self.records or value != self.value:
            self.records, self.value, self.since = [], value, record
        self.records.append(record)
        if _dating(record) < _dating(self.since):
            self.since = record


def _dating(record: EventRecord) -> tuple:
    """What dates a run: its earliest assertion, the more confident first, then the first recorded."""
    return (record.effective.earliest, -record.confidence, record.seq)


def _by_seq(record: EventRecord) -> int:
    return record.seq


def answers_for(key: SlotKey, indexed: Iterable[EventRecord]) -> tuple[list[Interval], list[Conflict]]:
    """What the projection keeps for one key, from the events indexed under it (its own assertions
    and every correction and retraction of them): a slot's intervals and conflicts, or the
    conflicts about a happening."""
    effective = effective_events(indexed)
    intervals: list[Interval] = []
    conflicts: list[Conflict] = []
    in_slot = [r for r in effective if slot_of(r) == key]
    if in_slot:
        ordered = sorted(_anchored(in_slot), key=_precedence)
        intervals = _intervals(key, ordered)
        conflicts = slot_conflicts(key, ordered)
    conflicts += happening_conflicts(r for r in effective if happening_of(r) == key)
    return intervals, conflicts


def all_slot_intervals(effective: Iterable[EventRecord]) -> list[Interval]:
    return [
        interval
        for slot, ordered in _by_slot(effective).items()
        for interval in _intervals(slot, ordered)
    ]


def all_conflicts(effective: Iterable[EventRecord]) -> list[Conflict]:
    """Every conflict among the effective events, whatever the date asked."""
    effective = list(effective)
    conflicts = [c for slot, ordered in _by_slot(effective).items() for c in slot_conflicts(slot, ordered)]
    return conflicts + happening_conflicts(effective)
