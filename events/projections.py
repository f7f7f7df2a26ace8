"""The materialised projection: slot intervals and conflicts, a cache of replay for `known_at=None`.

Refreshed in the append transaction for the slots an append touches; `rebuild` redoes it
from the log. Tests prove it answers exactly as the pure replay does.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from django.db import transaction
from django.db.models import Q

from .domain import replay
from .domain.dates import PartialDate
from .domain.replay import EventRecord
from .models import Entity, Event, Organisation, ProjectedConflict, SlotInterval

# Past this many appends at once, one full rebuild is cheaper than slot by slot.
FULL_REBUILD_THRESHOLD = 200

RECORD_FIELDS = (
    "id", "seq", "kind", "subject__slug", "payload", "date_earliest", "date_latest",
    "date_precision", "confidence", "recorded_at", "source__key", "corrects_id", "retracts_id",
)


def records(queryset) -> list[EventRecord]:
    """Plain replay records from an Event queryset, in one query."""
    return [
        EventRecord(
            id=row[0], seq=row[1], kind=row[2], subject=row[3], payload=row[4],
            date=PartialDate.from_stored(row[5], row[6], row[7]), confidence=row[8],
            recorded_at=row[9], source=row[10], corrects=row[11], retracts=row[12],
        )
        for row in queryset.order_by("seq").values_list(*RECORD_FIELDS)
    ]


def evidence_of(events: Iterable[EventRecord]) -> list[list]:
    """Replay records as JSON, kept with the projection: events never change, so neither does this."""
    return [
        [
            str(r.id), r.seq, r.kind, r.subject, r.payload, r.date.earliest.isoformat(), r.date.latest.isoformat(),
            r.date.precision.value, r.confidence, r.recorded_at.isoformat(), r.source,
            r.corrects and str(r.corrects), r.retracts and str(r.retracts),
        ]
        for r in events
    ]


def records_from_evidence(evidence: Iterable[list]) -> tuple[EventRecord, ...]:
    return tuple(
        EventRecord(
            id=UUID(row[0]), seq=row[1], kind=row[2], subject=row[3], payload=row[4],
            date=PartialDate.from_stored(date.fromisoformat(row[5]), date.fromisoformat(row[6]), row[7]),
            confidence=row[8], recorded_at=datetime.fromisoformat(row[9]), source=row[10],
            corrects=row[11] and UUID(row[11]), retracts=row[12] and UUID(row[12]),
        )
        for row in evidence
    )


def refresh_for(written: list[Event]) -> None:
    """Bring the projection up to date with events just appended (inside their transaction)."""
    by_org: dict[int, list[Event]] = defaultdict(list)
    for event in written:
        by_org[event.organisation_id].append(event)
    for organisation_id, events in by_org.items():
        if len(events) > FULL_REBUILD_THRESHOLD:
            rebuild(Organisation.objects.get(pk=organisation_id))
        else:
            _refresh_slots(organisation_id, _touched(events))


def rebuild(organisation: Organisation) -> int:
    """Recompute the organisation's projection from its whole log. Returns the intervals written."""
    with transaction.atomic():
        SlotInterval.objects.filter(organisation=organisation).delete()
        ProjectedConflict.objects.filter(organisation=organisation).delete()
        effective = replay.effective_events(records(Event.objects.filter(organisation=organisation)))
        return _write(organisation.pk, effective, keys=None)


def _touched(events: Iterable[Event]) -> list[Event]:
    """The events whose slots an append changes: the new ones and every event they correct or retract."""
    touched: list[Event] = []
    pending = list(events)
    while pending:
        event = pending.pop()
        touched.append(event)
        pending.extend(e for e in (event.corrects, event.retracts) if e is not None)
    return touched


def _refresh_slots(organisation_id: int, touched: list[Event]) -> None:
    subjects = {e.subject.slug for e in touched}
    offices = {e.payload["office"] for e in touched if "office" in e.payload}
    keys: set[tuple[str, str]] = set()
    loaded = records(
        Event.objects.filter(organisation_id=organisation_id).filter(
            Q(subject__slug__in=subjects) | Q(kind="office.assumed", payload__office__in=list(offices))
        )
    )
    loaded = _with_amendments(organisation_id, loaded)
    for record in (r for r in loaded if r.subject in subjects or r.payload.get("office") in offices):
        keys.update(k for k in (replay.slot_of(record), replay.happening_of(record)) if k is not None)
    for family, name in keys:
        SlotInterval.objects.filter(organisation_id=organisation_id, family=family, name=name).delete()
        ProjectedConflict.objects.filter(organisation_id=organisation_id, family=family, name=name).delete()
    _write(organisation_id, replay.effective_events(loaded), keys)


def _with_amendments(organisation_id: int, loaded: list[EventRecord]) -> list[EventRecord]:
    """Add every correction and retraction that refers, directly or not, to the loaded events."""
    known = {r.id for r in loaded}
    frontier = set(known)
    while frontier:
        more = records(
            Event.objects.filter(organisation_id=organisation_id)
            .filter(Q(corrects_id__in=frontier) | Q(retracts_id__in=frontier))
            .exclude(id__in=known)
        )
        loaded.extend(more)
        frontier = {r.id for r in more}
        known |= frontier
    return sorted(loaded, key=lambda r: r.seq)


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
            since_earliest=interval.standing.since.earliest,
            since_latest=interval.standing.since.latest,
            since_precision=interval.standing.since.precision.value,
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

