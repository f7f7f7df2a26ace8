"""The peer the scale benchmark measures our appends against: the eventsourcing library (pyeventsourcing)
recording the same planned events on its own SQLite file or PostgreSQL database.

One aggregate per (organisation, subject), the subject's timeline in that organisation: what a
command reads before it decides. One append, the library's idiomatic command:
- get: the repository selects the aggregate's stored events and replays them (a new subject: none);
- decide: the same pure checks events.store makes (kind, subject type, payload against the
  organisation's vocabulary, partial date, confidence; an amended event must be this timeline's and
  not amended already), then the aggregate triggers a `Recorded` domain event;
- save: the library's recorder writes it (JSON transcoding, one INSERT, one transaction; on
  PostgreSQL an EXCLUSIVE table lock and a NOTIFY so readers of the notification log miss nothing).
What it does not do and events.store does: a hash chain, reference rows resolved and checked in
the database, and a projection refreshed in the same transaction.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event

from events.domain.dates import PartialDate
from events.domain.errors import ConflictError, ValidationError
from events.domain.kinds import Vocabulary, get_kind, validate_payload, validate_subject

from .generator import Planned, event_id


class Timeline(Aggregate):
    """The events about one subject in one organisation."""

    @staticmethod
    def create_id(organisation: str, subject: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"scotimeline-bench/{organisation}/{subject}")

    @event("Started")
    def __init__(self, organisation: str, subject: str):
        self.organisation, self.subject = organisation, subject
        self.recorded_ids: set[UUID] = set()
        self.amended_ids: set[UUID] = set()

    def record(self, planned: Planned, seed: int, vocabulary: Vocabulary, entity_types: Mapping[str, str]) -> None:
        """The command: refuse what events.store refuses, then trigger the event."""
        kind = get_kind(planned.kind)
        validate_subject(kind, entity_types[planned.subject])
        payload = validate_payload(kind, planned.payload, vocabulary, entity_types.get)
        PartialDate.parse(planned.date)
        if not 0.0 <= planned.confidence <= 1.0:
            raise ValidationError(f"{planned.confidence!r} is not between 0 and 1", field="confidence")
        amends = planned.corrects or planned.retracts
        target = event_id(amends, seed) if amends else None
        if target is not None and (target not in self.recorded_ids or target in self.amended_ids):
            raise ConflictError(f"event {target} is not this timeline's, or is amended already")
        self.recorded(
            event_id=event_id(planned.ordinal, seed), kind=kind.name, payload=payload, date=planned.date,
            source=planned.source, confidence=planned.confidence, locator=planned.locator, note=planned.note,
            recorded_by="benchmark", amends=target,
        )

    @event("Recorded")
    def recorded(self, event_id: UUID, kind: str, payload: dict, date: str, source: str, confidence: float,
                 locator: str, note: str, recorded_by: str, amends: UUID | None) -> None:
        self.recorded_ids.add(event_id)
        if amends is not None:
            self.amended_ids.add(amends)


class Timelines(Application):
    """The library's application: repository, event store and recorder, configured by `env`."""


class Peer:
    """Records Planned events as Timeline events, one at a time or a batch per transaction."""

    def __init__(self, env: dict[str, str], vocabularies: Mapping[str, Vocabulary], entity_types: Mapping[str, str], seed: int):
        self.app = Timelines(env=env)
        self.vocabularies, self.entity_types, self.seed = vocabularies, entity_types, seed

    def timeline(self, planned: Planned) -> Timeline:
        try:
            return self.app.repository.get(Timeline.create_id(planned.organisation, planned.subject))
        except AggregateNotFoundError:
            return Timeline(planned.organisation, planned.subject)

    def decide(self, timeline: Timeline, planned: Planned) -> None:
        timeline.record(planned, self.seed, self.vocabularies[planned.organisation], self.entity_types)

    def append(self, planned: Planned) -> tuple[float, float, float]:
        """One event in its own transaction; the seconds spent getting, deciding and saving."""
        started = time.perf_counter()
        timeline = self.timeline(planned)
        got = time.perf_counter()
        self.decide(timeline, planned)
        decided = time.perf_counter()
        self.app.save(timeline)
        return got - started, decided - got, time.perf_counter() - decided

    def append_many(self, batch: list[Planned]) -> None:
        """A batch in one transaction: each timeline got once, every event decided, one save."""
        touched: dict[UUID, Timeline] = {}
        for planned in batch:
            key = Timeline.create_id(planned.organisation, planned.subject)
            timeline = touched.get(key) or self.timeline(planned)
            self.decide(timeline, planned)
            touched[key] = timeline
        self.app.save(*touched.values())

    def durability(self) -> str:
        """The setting that decides what a commit waits for, as the library's own connection reports it."""
        recorder: Any = self.app.recorder
        with recorder.datastore.transaction(commit=False) as cursor:
            if type(recorder).__module__.endswith("sqlite"):
                cursor.execute("PRAGMA synchronous")
                return f"synchronous={_SQLITE_SYNCHRONOUS[cursor.fetchone()[0]]}"
            cursor.execute("SHOW synchronous_commit")
            return f"synchronous_commit={next(iter(cursor.fetchone().values()))}"

    def close(self) -> None:
        self.app.close()


_SQLITE_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
