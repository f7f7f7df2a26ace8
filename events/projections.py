"""The materialised projection: slot intervals and conflicts, a cache of replay for `known_at=None`.

Which slots and happenings an event speaks to is its kind's declaration (Kind.keys), kept in
an index (EventKey) as events are appended. An append refreshes, in its own transaction, the
keys of the new events and of every event they correct or retract: each touched key once,
from that key's events. `rebuild` redoes everything from the log. Tests prove the projection
answers exactly as the pure replay does.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from . import records
from .domain import replay
from .domain.kinds import SlotKey
from .domain.replay import EventRecord
from .models import Entity, Event, EventKey, Organisation, ProjectedConflict, SlotInterval

# Keys per query when reading or clearing many keys at once (SQLite allows 32,766 parameters).
_CHUNK = 500


def evidence_of(events: Iterable[EventRecord]) -> list[dict]:
    """The records behind an answer, kept with the projection: events never change, so neither does this."""
    return [records.to_json(record) for record in events]


def records_from_evidence(evidence: Iterable[dict]) -> tuple[EventRecord, ...]:
    return tuple(records.from_json(item) for item in evidence)


def refresh_for(written: list[Event]) -> None:
    """Bring the projection up to date with events just appended (inside their transaction)."""
    new = [(event.organisation_id, records.from_instance(event)) for event in written]
    _index(new)
    touched: dict[int, set[SlotKey]] = defaultdict(set)
    for organisation_id, record in new:
        touched[organisation_id].update(replay.keys_of(record))
    amended = [target for _, record in new for target in (record.corrects, record.retracts) if target is not None]
    for organisation_id, family, name in _keys_of_amended(amended):
        touched[organisation_id].add((family, name))
    for organisation_id, keys in touched.items():
        _refresh(organisation_id, keys)


def rebuild(organisation: Organisation) -> int:
    """Recompute the organisation's projection from its whole log. Returns the intervals written."""
    with transaction.atomic():
        for model in (EventKey, SlotInterval, ProjectedConflict):
            model.objects.filter(organisation=organisation).delete()
        log = records.read(Event.objects.filter(organisation=organisation))
        _index([(organisation.pk, record) for record in log])
        return _write(organisation.pk, replay.effective_events(log), keys=None)


def _index(new: list[tuple[int, EventRecord]]) -> None:
    EventKey.objects.bulk_create(
        [
            EventKey(organisation_id=organisation_id, family=family, name=name, event_id=record.id)
            for organisation_id, record in new
            for family, name in replay.keys_of(record)
        ],
        batch_size=2000,
    )


def _keys_of_amended(ids: list) -> set[tuple[int, str, str]]:
    """The keys of these events and of every event they correct or retract, however far the chain goes:
    retracting a correction brings back what it had replaced."""
    keys: set[tuple[int, str, str]] = set()
    frontier = set(ids)
    while frontier:
        keys.update(EventKey.objects.filter(event_id__in=frontier).values_list("organisation_id", "family", "name"))
        targets = Event.objects.filter(id__in=frontier).values_list("corrects_id", "retracts_id")
        frontier = {target for pair in targets for target in pair if target is not None}
    return keys


def _matching(keys: Iterable[SlotKey]) -> list[Q]:
    """Filters selecting rows with these (family, name) keys, a bounded number of names each."""
    by_family: dict[str, list[str]] = defaultdict(list)
    for family, name in keys:
        by_family[family].append(name)
    return [
        Q(family=family, name__in=names[i : i + _CHUNK])
        for family, names in by_family.items()
        for i in range(0, len(names), _CHUNK)
    ]


def _refresh(organisation_id: int, keys: set[SlotKey]) -> None:
    """Replace the intervals and conflicts of `keys` with what replay makes of those keys' events."""
    loaded: dict = {}
    for selection in _matching(keys):
        indexed = EventKey.objects.filter(selection, organisation_id=organisation_id).values("event_id")
        loaded.update((r.id, r) for r in records.read(Event.objects.filter(id__in=indexed)))
    effective = replay.effective_events(_with_amendments(loaded))
    for selection in _matching(keys):
        SlotInterval.objects.filter(selection, organisation_id=organisation_id).delete()
        ProjectedConflict.objects.filter(selection, organisation_id=organisation_id).delete()
    _write(organisation_id, effective, keys)


def _with_amendments(loaded: dict) -> list[EventRecord]:
    """Add every correction and retraction that refers, directly or not, to the loaded events."""
    frontier = set(loaded)
    while frontier:
        amending = Event.objects.filter(Q(corrects_id__in=frontier) | Q(retracts_id__in=frontier)).exclude(id__in=loaded)
        more = records.read(amending)
        loaded.update((r.id, r) for r in more)
        frontier = {r.id for r in more}
    return sorted(loaded.values(), key=lambda r: r.seq)


def _write(organisation_id: int, effective: list[EventRecord], keys: set | None) -> int:
    holders = dict(Entity.objects.filter(slug__in={r.subject for r in effective}).values_list("slug", "pk"))
    intervals = [
        SlotInterval(
            organisation_id=organisation_id,
            family=interval.slot[0],
            name=interval.slot[1],
            start=interval.start,
            end=interval.end,
            value=interval.standing.value,
            holder_id=holders[interval.standing.holder],
            since=interval.standing.since,
            confidence=interval.standing.confidence,
            event_ids=[str(e.id) for e in interval.standing.events],
            evidence=evidence_of(interval.standing.events),
        )
        for interval in replay.all_slot_intervals(effective)
        if keys is None or interval.slot in keys
    ]
    SlotInterval.objects.bulk_create(intervals, batch_size=2000)
    ProjectedConflict.objects.bulk_create(
        [
            ProjectedConflict(
                organisation_id=organisation_id,
                family=conflict.key[0],
                name=conflict.key[1],
                reason=conflict.reason,
                first_date=conflict.first_date,
                event_ids=[str(e.id) for e in conflict.events],
                evidence=evidence_of(conflict.events),
            )
            for conflict in replay.all_conflicts(effective)
            if keys is None or conflict.key in keys
        ],
        batch_size=2000,
    )
    return len(intervals)
