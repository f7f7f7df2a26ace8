"""Reads the rest of the app uses: the state on a date, an entity's history, the timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from uuid import UUID

from django.db import router
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value

from events import records, replicas
from events.domain import replay
from events.domain.dates import PartialDate
from events.domain.kinds import FieldType, payload_fields_naming
from events.domain.replay import Conflict, EventRecord, Standing, State
from events.models import BELIEVED_NOW, Entity, Event, Office, Organisation, ProjectedConflict, SlotInterval, Status
from events.prepared import PreparedQuery


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
    """The organisation with this slug; Organisation.DoesNotExist when there is none."""
    found = _ORGANISATION_BY_SLUG.rows([slug])
    if not found:
        raise Organisation.DoesNotExist(f"no organisation {slug!r}")
    return Organisation.from_db(router.db_for_read(Organisation), _ORGANISATION_FIELDS, found[0])


_ORGANISATION_FIELDS = [field.attname for field in Organisation._meta.concrete_fields]
# Every state request and page starts here: compiled once, like the state's own reads below.
_ORGANISATION_BY_SLUG = PreparedQuery(
    Organisation, lambda params: Organisation.objects.filter(slug=params[0]).order_by().values_list(*_ORGANISATION_FIELDS)
)


def state_at(organisation: Organisation, at: date, known_at: datetime | None = None) -> State:
    """The organisation on `at` as believed at `known_at` (None: now), from the projection."""
    return projected_state_at(organisation, at, known_at)[0]


def is_present_belief(known_at: datetime | None) -> bool:
    """Whether `known_at` (None: now) is at or after the last append: then what is believed now
    is what was believed then, and the rows believed now (a smaller index) answer it."""
    if known_at is None:
        return True
    newest = _NEWEST_RECORDED.rows()
    return not newest or newest[0][0] <= known_at


def projected_state_at(
    organisation: Organisation, at: date, known_at: datetime | None = None
) -> tuple[State, dict[str, Holder]]:
    """The state on `at` as believed at `known_at` from the projection, and the holders of its standings.

    Three queries, plain rows: the intervals in force and believed (with their holders' names),
    the conflicts shown, and the events behind both by seq. Model instances cost more than the queries.
    """
    if is_present_belief(known_at):
        intervals, conflicts = _INTERVALS_NOW.rows([organisation.pk, at, at]), _CONFLICTS_NOW.rows([organisation.pk, at])
    else:
        intervals = _INTERVALS_BELIEVED.rows([organisation.pk, at, at, known_at, known_at])
        conflicts = _CONFLICTS_BELIEVED.rows([organisation.pk, at, known_at, known_at])
    behind = events_by_seq({seq for *_, evidence in conflicts for seq in evidence} | {
        seq for row in intervals for seq in row[_EVIDENCE]
    })
    standings, holders = [], {}
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
                events=tuple(behind[seq] for seq in evidence),
            )
        )
        holders[holder[0]] = Holder(*holder)
    standings.sort(key=lambda s: (s.slot, s.since.earliest))
    found = [Conflict((family, name), reason, tuple(behind[seq] for seq in evidence)) for family, name, reason, evidence in conflicts]
    found.sort(key=lambda c: (c.first_date, c.key))
    return State(at=at, known_at=known_at, standings=tuple(standings), conflicts=tuple(found)), holders


def events_by_seq(seqs: set[int]) -> dict[int, EventRecord]:
    """The records of the events with these seqs (the projection's evidence), by seq. No event has seq 0."""
    return {record.seq: record for record in map(records.from_row, _BY_SEQ.rows_for_each((), sorted(seqs), nothing=0))}


_BY_SEQ = PreparedQuery(Event, lambda seqs: Event.objects.filter(seq__in=seqs).order_by().values_list(*records.COLUMNS))


_EVIDENCE = _INTERVAL_COLUMNS.index("evidence")


def _in_force(params) -> QuerySet:
    """Intervals of an organisation in force on a day (one filter() each: the parameters in order)."""
    return (
        SlotInterval.objects.filter(organisation_id=params[0])
        .filter(start__lte=params[1])
        .filter(Q(end__isnull=True) | Q(end__gt=params[2]))
    )


def _shown(params) -> QuerySet:
    return ProjectedConflict.objects.filter(organisation_id=params[0]).filter(first_date__lte=params[1])


def believed(rows: QuerySet, known_at: datetime | None) -> QuerySet:
    """The projection's rows believed at `known_at` (None: now)."""
    return rows.filter(BELIEVED_NOW) if known_at is None else _believed_at(rows, known_at, known_at)


def _believed_at(rows: QuerySet, moment: datetime, again: datetime) -> QuerySet:
    # The moment twice: a prepared query binds each parameter once.
    return rows.filter(recorded_from__lte=moment).filter(Q(recorded_until__isnull=True) | Q(recorded_until__gt=again))


# The state's reads, compiled once: building and compiling them took longer than running them.
_INTERVALS_NOW = PreparedQuery(
    SlotInterval, lambda params: _in_force(params).filter(BELIEVED_NOW).order_by().values_list(*_INTERVAL_COLUMNS)
)
_INTERVALS_BELIEVED = PreparedQuery(
    SlotInterval,
    lambda params: _believed_at(_in_force(params), params[3], params[4]).order_by().values_list(*_INTERVAL_COLUMNS),
)
_CONFLICT_COLUMNS = ("family", "name", "reason", "evidence")
_CONFLICTS_NOW = PreparedQuery(
    ProjectedConflict, lambda params: _shown(params).filter(BELIEVED_NOW).order_by().values_list(*_CONFLICT_COLUMNS)
)
_CONFLICTS_BELIEVED = PreparedQuery(
    ProjectedConflict,
    lambda params: _believed_at(_shown(params), params[2], params[3]).order_by().values_list(*_CONFLICT_COLUMNS),
)
# Statuses and offices in one round trip: a status row's last column is NULL, an office's is its
# (never empty) holder type.
_ROLES = PreparedQuery(
    Organisation,
    lambda params: Status.objects.filter(organisation_id=params[0])
    .order_by()
    .values_list("slug", "plural", "label", "label_plural", "order", Value(None, output_field=CharField()))
    .union(
        Office.objects.filter(organisation_id=params[1]).order_by().values_list("slug", "key", "label", "label", "order", "holder"),
        all=True,
    ),
)


class Role(NamedTuple):
    """A role the organisation declares (a status, an office): its slug, its key in documents, its words."""

    slug: str
    key: str  # a status's list (members), an office's entry (chair)
    label: str
    label_plural: str


def roles(organisation: Organisation) -> dict[FieldType, list[Role]]:
    """The organisation's statuses and offices, each in declared order, by the payload field type naming them."""
    rows = sorted(_ROLES.rows([organisation.pk, organisation.pk]), key=lambda row: (row[4], row[0]))
    return {
        FieldType.STATUS: [Role(*row[:4]) for row in rows if row[5] is None],
        FieldType.OFFICE: [Role(*row[:4]) for row in rows if row[5] is not None],
    }


def replayed_state_at(organisation: Organisation, at: date, known_at: datetime | None = None) -> State:
    """The reference answer: the pure replay over the organisation's whole log."""
    log = Event.objects.filter(organisation=organisation)
    if known_at is not None:
        log = log.filter(recorded_at__lte=known_at)
    return replay.state_at(records.read(log), at, known_at)


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


def holders_of(slugs: set[str]) -> dict[str, Holder]:
    """The entities with these slugs as documents name holders, in one query and without model instances."""
    rows = Entity.objects.filter(slug__in=slugs).values_list(*_HOLDER_COLUMNS)
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


def log_head() -> int:
    """The seq of the latest event (0 for an empty log): every derived answer changes only when it does."""
    return newest_event()[0]


def newest_event() -> tuple[int, datetime | None]:
    """The seq and recorded_at of the latest event; (0, None) for an empty log. One indexed read."""
    [(seq, recorded_at)] = _NEWEST_EVENT.rows() or [(0, None)]
    replicas.serve_under(seq)
    return seq, recorded_at


# Every API answer and feed request reads the log's head: compiled once, like the state's reads.
# Read on the primary: caches are keyed by it (see events.replicas, the lag rule).
_NEWEST_EVENT = PreparedQuery(
    Event, lambda _: Event.objects.order_by("-seq").values_list("seq", "recorded_at")[:1], primary=True
)
_NEWEST_RECORDED = PreparedQuery(Event, lambda _: Event.objects.order_by("-recorded_at").values_list("recorded_at")[:1])
