"""The materialised projection: slot intervals and conflicts over valid time AND transaction time.

Which slots and happenings an event speaks to is its kind's declaration (Kind.keys), kept in an
index (EventKey); a correction or a retraction is indexed under its target's keys too, so a key's
events are all a replay of that key needs. An append refreshes, in its own transaction, each key
it touches once: it replays the key's events and compares the answers with the key's current
rows. A row that still holds stays; one that no longer does is closed (recorded_until = the
append's recorded_at) and its successor opened (recorded_from = the same moment). Nothing is
deleted, so "as known at T" is a lookup of the rows believed at T, and the cost of an append is
the size of the keys it touches, not of the log.

`rebuild` replays the log append by append (events sharing a recorded_at) into the same rows.
Tests prove the projection answers as the pure replay does, for any day and any moment.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby
from typing import Any

from django.db import transaction

from . import records
from .domain import replay
from .domain.kinds import SlotKey
from .domain.replay import Conflict, EventRecord, Interval
from .models import BELIEVED_NOW, Event, EventKey, Organisation, ProjectedConflict, SlotInterval
from .prepared import PreparedInsert, PreparedQuery

# Keys per query when reading or closing many keys at once (SQLite allows 32,766 parameters).
_CHUNK = 500

# What makes two rows the same answer: everything but the surrogate id and the belief window.
INTERVAL_ANSWER = (
    "family", "name", "start", "end", "value", "holder_id", "since_earliest", "since_latest", "since_precision",
    "confidence", "evidence",
)
CONFLICT_ANSWER = ("family", "name", "reason", "first_date", "evidence")
# The projection's rows are written by SQL compiled once (an append opens hundreds of them).
_KEYS = PreparedInsert(EventKey, ("organisation_id", "family", "name", "event_id"))
_ROWS = {
    model: PreparedInsert(model, ("organisation_id", *answer, "recorded_from", "recorded_until"))
    for model, answer in ((SlotInterval, INTERVAL_ANSWER), (ProjectedConflict, CONFLICT_ANSWER))
}


def _by_key(model: type, *columns: str, believed_now: bool = False) -> PreparedQuery:
    """A read of an organisation's rows with keys of one family, given (organisation, family, *names)."""

    def build(params):
        rows = model.objects.filter(organisation_id=params[0]).filter(family=params[1]).filter(name__in=params[2:])
        return (rows.filter(BELIEVED_NOW) if believed_now else rows).order_by().values_list(*columns)

    return PreparedQuery(model, build)


# An append's reads, compiled once (no slot or happening has an empty name: the reads pad with one).
# Each event with its subject's primary key: the holder an interval names, without a query of its own.
_KEY_EVENTS = _by_key(EventKey, "family", "name", *(f"event__{column}" for column in records.COLUMNS), "event__subject_id")
_BELIEVED = {
    SlotInterval: _by_key(SlotInterval, "pk", *INTERVAL_ANSWER, believed_now=True),
    ProjectedConflict: _by_key(ProjectedConflict, "pk", *CONFLICT_ANSWER, believed_now=True),
}


def refresh_for(written: list[Event]) -> None:
    """Bring the projection up to date with one append's events (inside its transaction)."""
    if not written:
        return
    at = written[0].recorded_at  # every event of one append shares it
    new = [(event.organisation_id, records.from_instance(event)) for event in written]
    inherited = dict(_stored_keys([target for _, record in new for target in _targets(record)]))
    rows, touched = [], defaultdict(set)
    for organisation_id, record in new:
        keys = _keys(record, inherited)
        inherited[record.id] = keys
        touched[organisation_id].update(keys)
        rows += [(organisation_id, family, name, record.id) for family, name in keys]
    _KEYS.rows(rows)
    for organisation_id, keys in touched.items():
        _refresh(organisation_id, keys, at)


def rebuild(organisation: Organisation) -> int:
    """Recompute the organisation's projection, its history included, from its whole log.

    Replays the log append by append, each key an append touches from that key's events, as the
    appends themselves did: the rows come out the same. Returns the intervals believed now.
    """
    with transaction.atomic():
        for model in (EventKey, SlotInterval, ProjectedConflict):
            model.objects.filter(organisation=organisation).delete()
        projection = _Projection(organisation.pk)
        for at, appended in groupby(_log(organisation), key=lambda logged: logged[0].recorded_at):
            projection.append(at, list(appended))
        projection.save()
        return SlotInterval.objects.filter(BELIEVED_NOW, organisation=organisation).count()


def _log(organisation: Organisation) -> Iterator[tuple[EventRecord, int]]:
    """The organisation's events in seq order, each with its subject's primary key."""
    rows = Event.objects.filter(organisation=organisation).order_by("seq").values_list(*records.COLUMNS, "subject_id")
    for row in rows.iterator(chunk_size=5000):
        yield records.from_row(row), row[-1]


def _targets(record: EventRecord) -> tuple:
    return tuple(target for target in (record.corrects, record.retracts) if target is not None)


def _keys(record: EventRecord, indexed: dict) -> set[SlotKey]:
    """The record's own keys, and every key of the events it corrects or retracts."""
    keys = set(replay.keys_of(record))
    for target in _targets(record):
        keys |= indexed.get(target, set())
    return keys


def _stored_keys(ids: list) -> Iterator[tuple[Any, set[SlotKey]]]:
    found: dict[Any, set[SlotKey]] = defaultdict(set)
    for event_id, family, name in EventKey.objects.filter(event_id__in=ids).values_list("event_id", "family", "name"):
        found[event_id].add((family, name))
    yield from found.items()


def _selections(organisation_id: int, keys: Iterable[SlotKey]) -> list[tuple[tuple, list[str]]]:
    """The parameters of _by_key reads selecting these keys: (organisation, family) and the names."""
    by_family: dict[str, list[str]] = defaultdict(list)
    for family, name in keys:
        by_family[family].append(name)
    return [((organisation_id, family), names) for family, names in sorted(by_family.items())]


def _refresh(organisation_id: int, keys: set[SlotKey], at: datetime) -> None:
    """Replay each key from its events and replace the rows whose answer changed, as of `at`."""
    indexed: dict[SlotKey, list[EventRecord]] = defaultdict(list)
    holders: dict[str, int] = {}
    selections = _selections(organisation_id, keys)
    for selection in selections:
        for family, name, *row, subject_id in _KEY_EVENTS.rows_for_each(*selection, nothing=""):
            record = records.from_row(row)
            indexed[(family, name)].append(record)
            holders[record.subject] = subject_id
    answers = {key: replay.answers_for(key, indexed[key]) for key in keys}
    believed = _Believed(organisation_id)
    for selection in selections:
        believed.read(selection)
    for key, (intervals, conflicts) in answers.items():
        believed.answer(key, [_interval_answer(i, holders) for i in intervals], [_conflict_answer(c) for c in conflicts])
    believed.write(at)


def _interval_answer(interval: Interval, holders: dict[str, int]) -> tuple:
    standing = interval.standing
    return (
        interval.slot[0], interval.slot[1], interval.start, interval.end, standing.value, holders[standing.holder],
        standing.since.earliest, standing.since.latest, standing.since.precision.value, standing.confidence,
        tuple(e.seq for e in standing.events),
    )


def _conflict_answer(conflict: Conflict) -> tuple:
    return (conflict.key[0], conflict.key[1], conflict.reason, conflict.first_date, tuple(e.seq for e in conflict.events))


class _Believed:
    """The rows believed now of some keys, and what replaces them: which to close, which to open."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id
        self.intervals: dict[SlotKey, dict[tuple, list[int]]] = defaultdict(dict)
        self.conflicts: dict[SlotKey, dict[tuple, list[int]]] = defaultdict(dict)
        self.closed: dict[type, list[int]] = {SlotInterval: [], ProjectedConflict: []}
        self.opened: dict[type, list[tuple]] = {SlotInterval: [], ProjectedConflict: []}

    def read(self, selection: tuple[tuple, list[str]]) -> None:
        for model, found in ((SlotInterval, self.intervals), (ProjectedConflict, self.conflicts)):
            for pk, *values in _BELIEVED[model].rows_for_each(*selection, nothing=""):
                values[-1] = tuple(values[-1])  # evidence: a JSON list
                found[(values[0], values[1])].setdefault(tuple(values), []).append(pk)

    def answer(self, key: SlotKey, intervals: list[tuple], conflicts: list[tuple]) -> None:
        for model, now, believed in ((SlotInterval, intervals, self.intervals), (ProjectedConflict, conflicts, self.conflicts)):
            _, opened, closed = _replaced(believed.pop(key, {}), now)
            self.opened[model] += opened
            self.closed[model] += closed

    def write(self, at: datetime) -> None:
        for model in (SlotInterval, ProjectedConflict):
            closed = self.closed[model]
            for i in range(0, len(closed), _CHUNK):
                model.objects.filter(pk__in=closed[i : i + _CHUNK]).update(recorded_until=at)
            _ROWS[model].rows((self.organisation_id, *row, at, None) for row in self.opened[model])


def _replaced(believed: dict[tuple, list], now: list[tuple]) -> tuple[dict[tuple, list], list[tuple], list]:
    """A key's rows believed so far (answer -> row ids) against its answers now: the rows that still
    hold (answer -> ids), the answers to open rows for, and the ids of the rows to close."""
    kept: dict[tuple, list] = {}
    opened = []
    for answer in now:
        if believed.get(answer):
            kept.setdefault(answer, []).append(believed[answer].pop())
        else:
            opened.append(answer)
    return kept, opened, [row for rows in believed.values() for row in rows]


class _Projection:
    """A rebuild in memory: the log appended append by append, as refresh_for does against the tables."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id
        self.keys: dict[Any, set[SlotKey]] = {}  # event id -> the keys it is indexed under
        self.indexed: dict[SlotKey, list[EventRecord]] = defaultdict(list)
        self.holders: dict[str, int] = {}
        # Per model, the rows written so far: [answer, recorded_from, recorded_until], and which are believed.
        self.rows: dict[type, list[list]] = {SlotInterval: [], ProjectedConflict: []}
        self.current: dict[type, dict[SlotKey, dict[tuple, list[int]]]] = {
            SlotInterval: defaultdict(dict), ProjectedConflict: defaultdict(dict),
        }

    def append(self, at: datetime, appended: list[tuple[EventRecord, int]]) -> None:
        touched: set[SlotKey] = set()
        for record, subject_id in appended:
            self.holders[record.subject] = subject_id
            keys = _keys(record, self.keys)
            self.keys[record.id] = keys
            touched |= keys
            for key in keys:
                self.indexed[key].append(record)
        answers = {key: replay.answers_for(key, self.indexed[key]) for key in touched}
        for key, (intervals, conflicts) in answers.items():
            self._answer(SlotInterval, key, [_interval_answer(i, self.holders) for i in intervals], at)
            self._answer(ProjectedConflict, key, [_conflict_answer(c) for c in conflicts], at)

    def _answer(self, model: type, key: SlotKey, now: list[tuple], at: datetime) -> None:
        rows = self.rows[model]
        kept, opened, closed = _replaced(self.current[model][key], now)
        for answer in opened:
            kept.setdefault(answer, []).append(len(rows))
            rows.append([answer, at, None])
        for index in closed:
            rows[index][2] = at
        self.current[model][key] = kept

    def save(self) -> None:
        _KEYS.rows((self.organisation_id, family, name, event_id) for event_id, keys in self.keys.items() for family, name in keys)
        for model in (SlotInterval, ProjectedConflict):
            _ROWS[model].rows((self.organisation_id, *row, since, until) for row, since, until in self.rows[model])
