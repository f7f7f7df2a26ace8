"""Reads the rest of the app uses: the state on a date, an entity's history, the timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from . import replay
from .models import Entity, Event, Organisation, ProjectedConflict, SlotInterval
from .projections import records, records_from_evidence
from .dates import PartialDate
from .kinds import payload_fields_naming
from .replay import Conflict, Standing, State


@dataclass(frozen=True)
class Holder:
    """What the state document says of a slot's holder: a state, or a person with a nationality."""

    slug: str
    name: str
    type: str
    iso3: str | None
    nationality: str | None  # a person's country's ISO3


_HOLDER_COLUMNS = ("slug", "name", "type", "iso3", "country__iso3")  # Holder's fields, as Entity columns
_INTERVAL_COLUMNS = (
    "family", "name", "value", "since_earliest", "since_latest", "since_precision", "confidence", "evidence",
    *(f"holder__{column}" for column in _HOLDER_COLUMNS),
)


def organisation_by_slug(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def state_at(organisation: Organisation, at: date, known_at: datetime | None = None) -> State:
    """The organisation on `at` as believed at `known_at`.

    The present belief comes from the projection; a past belief replays the log as it was.
    """
    if known_at is not None:
        return replayed_state_at(organisation, at, known_at)
    return projected_state_at(organisation, at)[0]


def projected_state_at(organisation: Organisation, at: date) -> tuple[State, dict[str, Holder]]:
    """The present belief on `at` from the projection, and the holders of its standings.

    Two queries, plain rows: the intervals in force (with their evidence and their holders'
    names) and the conflicts. Building model instances cost more than the queries.
    """
    standings, holders = [], {}
    intervals = (
        SlotInterval.objects.filter(organisation=organisation, start__lte=at)
        .filter(Q(end__isnull=True) | Q(end__gt=at))
        .values_list(*_INTERVAL_COLUMNS)
    )
    for family, name, value, since_earliest, since_latest, since_precision, confidence, evidence, *holder in intervals:
        since = PartialDate.from_stored(since_earliest, since_latest, since_precision)
        standings.append(
            Standing(
                slot=(family, name),
                value=value,
                holder=holder[0],
                since=since,
                certain=not since.is_uncertain_at(at),
                confidence=confidence,
                events=records_from_evidence(evidence),
            )
        )
        holders[holder[0]] = Holder(*holder)
    standings.sort(key=lambda s: (s.slot, s.since.earliest))
    conflicts = ProjectedConflict.objects.filter(organisation=organisation, first_date__lte=at).values_list(
        "family", "name", "reason", "evidence"
    )
    found = [
        Conflict((family, name), reason, records_from_evidence(evidence)) for family, name, reason, evidence in conflicts
    ]
    found.sort(key=lambda c: (c.first_date, c.key))
    return State(at=at, known_at=None, standings=tuple(standings), conflicts=tuple(found)), holders


def replayed_state_at(organisation: Organisation, at: date, known_at: datetime | None = None) -> State:
    """The reference answer: the pure replay over the organisation's whole log."""
    log = Event.objects.filter(organisation=organisation)
    if known_at is not None:
        log = log.filter(recorded_at__lte=known_at)
    return replay.state_at(records(log), at, known_at)


def timeline(organisation: Organisation | None = None, entity: Entity | None = None) -> QuerySet[Event]:
    """Events in valid-time order (then seq): the whole organisation's, or those about one entity."""
    retracted = Event.objects.filter(retracts=OuterRef("pk"))
    events = Event.objects.with_relations().select_related("corrects", "retracts").annotate(retracted=Exists(retracted))
    if organisation is not None:
        events = events.filter(organisation=organisation)
    if entity is not None:
        events = events.filter(mentioning(entity))
    return events.order_by("date_earliest", "seq")


def mentioning(entity: Entity) -> Q:
    """Events about an entity: as subject, or named in a payload field that names entities of its type.

    Only places are named in payloads (a meeting's place), so for a state or a person this is the
    subject alone, which the (subject, seq) index answers without reading payloads.
    """
    named = Q(subject=entity)
    for field in payload_fields_naming(entity.type):
        named |= Q(**{f"payload__{field}": entity.slug})
    return named


def holders_of(state: State) -> dict[str, Holder]:
    """The holders of the state's standings by slug, in one query and without model instances."""
    rows = Entity.objects.filter(slug__in={s.holder for s in state.standings}).values_list(*_HOLDER_COLUMNS)
    return {row[0]: Holder(*row) for row in rows}


def amendments_of(event_ids: list[UUID]) -> dict[UUID, dict[str, list[UUID]]]:
    """For each event, the events that correct it and those that retract it (one query)."""
    found: dict[UUID, dict[str, list[UUID]]] = {i: {"corrected_by": [], "retracted_by": []} for i in event_ids}
    if not event_ids:
        return found
    rows = (
        Event.objects.filter(Q(corrects_id__in=event_ids) | Q(retracts_id__in=event_ids))
        .order_by("seq")
        .values_list("id", "corrects_id", "retracts_id")
    )
    for event_id, corrects, retracts in rows:
        if corrects in found:
            found[corrects]["corrected_by"].append(event_id)
        if retracts in found:
            found[retracts]["retracted_by"].append(event_id)
    return found


def entity_by_reference(reference: str) -> Entity | None:
    """An entity by slug or ISO3 code."""
    return Entity.objects.filter(Q(slug=reference.lower()) | Q(iso3=reference.upper())).select_related("country").first()


def entities_by_slug(slugs: set[str]) -> dict[str, Entity]:
    return {e.slug: e for e in Entity.objects.filter(slug__in=slugs).select_related("country")}


def log_head() -> int:
    """The seq of the latest event (0 for an empty log): every derived answer changes only when it does."""
    return Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
