"""The only write path of the event log: append, correct, retract.

Appends are serialised (a PostgreSQL advisory lock; SQLite's IMMEDIATE transactions), so
seq order is commit order and each event's hash chains to the one before it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, router, transaction
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import records
from .domain.dates import InvalidDate, PartialDate
from .domain.errors import ConflictError, ValidationError
from .domain.kinds import RETRACTION, Vocabulary, get_kind, validate_payload, validate_subject
from .domain.replay import EventRecord
from .domain.text import clean_text
from .integrity import EMPTY_HEAD, GENESIS_HASH, Head, event_hash, stable_citation, write_checkpoint
from .models import (
    Entity, Event, LegacyCitation, MeetingType, Office, Organisation, Source, Status, store_is_writing,
)
from .prepared import PreparedInsert, PreparedQuery

_APPEND_LOCK = 0x5C0_7131  # advisory lock key: one appender at a time, across processes


@dataclass(frozen=True)
class NewEvent:
    """What a caller asks to record. Entities and sources may be given as objects or slugs/keys."""

    organisation: Organisation | str
    kind: str
    subject: Entity | str | None
    payload: Mapping[str, Any]
    date: PartialDate | str | None
    source: Source | str
    confidence: float
    recorded_by: str
    locator: str = ""
    note: str = ""
    seed_key: str = ""
    corrects: Event | None = None
    retracts: Event | None = None


def append(**fields: Any) -> Event:
    """Validate and record one event; raises ValidationError or ConflictError and writes nothing."""
    return append_many([NewEvent(**fields)])[0]


def correct(*, event: Event, recorded_by: str, note: str, **changes: Any) -> Event:
    """Record an event that replaces `event`; fields not given are carried over from it."""
    fields = {
        "organisation": event.organisation,
        "kind": event.kind,
        "subject": event.subject,
        "payload": event.payload,
        "date": event.date,
        "source": event.source,
        "confidence": event.confidence,
        "locator": event.locator,
    }
    fields.update({k: v for k, v in changes.items() if v is not None})
    if not note or not note.strip():
        raise ValidationError("say what the correction fixes", field="note")
    return append(**fields, recorded_by=recorded_by, note=note, corrects=event)


def retract(*, event: Event, reason: str, recorded_by: str, source: Source | str | None = None) -> Event:
    """Record that `event` is withdrawn; replay then treats it as never recorded."""
    return append(
        organisation=event.organisation,
        kind=RETRACTION,
        subject=event.subject,
        payload={"reason": reason},
        date=event.date,
        source=source or editorial_source(),
        confidence=1.0,
        recorded_by=recorded_by,
        retracts=event,
    )


def editorial_source() -> Source:
    source, _ = Source.objects.get_or_create(
        key="editorial",
        defaults={"title": "Editorial decision", "kind": Source.Kind.EDITOR, "reliability": 1.0},
    )
    return source


def vocabulary(organisation: Organisation) -> Vocabulary:
    """The statuses, offices and meeting types the organisation declares: what payloads are checked against."""
    declared: dict[str, set[str]] = {"status": set(), "office": set(), "meeting_type": set()}
    for part, slug in _VOCABULARY.rows([organisation.pk] * len(declared)):
        declared[part].add(slug)
    return Vocabulary(
        organisation.slug, frozenset(declared["status"]), frozenset(declared["office"]), frozenset(declared["meeting_type"])
    )


def append_many(requests: Iterable[NewEvent]) -> list[Event]:
    """Record several events in one transaction: all or none, one insert, one refresh of the projection.

    The events are validated before the log is locked (that reads reference data only); what the
    log itself must say (that an event is not already retracted or corrected) is checked under the
    lock, with the seq, the hash and the projection.
    """
    from .projections import refresh_for

    lookups = _Lookups()
    built: list[Event] = []
    for index, request in enumerate(requests):
        try:
            built.append(_build(request, lookups))
        except ValidationError as exc:
            if index == 0:
                raise
            raise ValidationError({f"[{index}] {k}": v for k, v in exc.errors.items()}) from None
    with transaction.atomic(), _writing():
        _lock_log()
        _check_amendments(built)
        [(seq, prev_hash, last_recorded)] = _LAST.rows() or [(0, GENESIS_HASH, None)]
        # One moment for the whole append: nobody could have known one of its events without the
        # others. It never runs backwards along seq, so known_at cuts the log between two appends.
        now = timezone.now()
        recorded_at = max(now, last_recorded) if last_recorded else now
        for event in built:
            seq += 1
            event.recorded_at = recorded_at
            event.seq = seq
            event.prev_hash = prev_hash
            event.hash = prev_hash = event_hash(records.from_instance(event), prev_hash, stable_citation(event))
        _insert(built)
        # Inside the append's transaction: the checkpoint commits with the events it covers or not at
        # all, and under the append's lock, so checkpoints follow seq order and the head is never left uncovered.
        write_checkpoint(Head(seq, prev_hash))
        refresh_for(built)
    return built


# An append's fixed reads and its insert, compiled once: compiling cost a single append more than running them.
_LAST = PreparedQuery(Event, lambda _: Event.objects.order_by("-seq").values_list("seq", "hash", "recorded_at")[:1])
_VOCABULARY = PreparedQuery(
    Organisation,
    lambda params: _declared(Status, "status", params[0]).union(
        _declared(Office, "office", params[1]), _declared(MeetingType, "meeting_type", params[2]), all=True
    ),
)


def _declared(model, part: str, organisation):
    # The part as an SQL literal, not a parameter: the organisation ids are the query's only parameters.
    label = RawSQL(f"'{part}'", (), output_field=CharField())
    return model.objects.filter(organisation_id=organisation).order_by().annotate(part=label).values_list("part", "slug")


_EVENT_COLUMNS = [field.attname for field in Event._meta.concrete_fields]
_EVENTS = PreparedInsert(Event, _EVENT_COLUMNS)


def _insert(events: list[Event]) -> None:
    """One statement for the append's rows; the instances are then saved ones, as Event.save leaves them."""
    _EVENTS.rows([getattr(event, column) for column in _EVENT_COLUMNS] for event in events)
    for event in events:
        event._state.adding, event._state.db = False, router.db_for_write(Event)


class _Lookups:
    """What one append's events name, each read once: organisations and their vocabularies, entities, sources."""

    def __init__(self) -> None:
        self.found: dict[tuple[type, str], Any] = {}
        self.vocabularies: dict[int, Vocabulary] = {}
        self.entity_types: dict[str, str | None] = {}

    def resolve(self, model, key_field: str, value, field_name: str):
        if isinstance(value, model):
            return value
        if value in (None, ""):
            raise ValidationError("is required", field=field_name)
        if (model, value) not in self.found:
            try:
                self.found[(model, value)] = model.objects.get(**{key_field: value})
            except model.DoesNotExist:
                raise ValidationError(f"{value!r} is not a known {model._meta.verbose_name}", field=field_name) from None
        return self.found[(model, value)]

    def vocabulary(self, organisation: Organisation) -> Vocabulary:
        if organisation.pk not in self.vocabularies:
            self.vocabularies[organisation.pk] = vocabulary(organisation)
        return self.vocabularies[organisation.pk]

    def entity_type(self, slug: str) -> str | None:
        if slug not in self.entity_types:
            self.entity_types[slug] = Entity.objects.filter(slug=slug).values_list("type", flat=True).first()
        return self.entity_types[slug]


def restore(events: list[Event], legacy: list[LegacyCitation]) -> int:
    """Insert an exported log into an empty store, keeping ids, seq, times and hashes, and checkpoint its head.

    The caller (events.archive) has verified the chain and the export's head first; the events
    come in seq order. Returns the number of events restored.
    """
    from .projections import rebuild

    with transaction.atomic(), _writing():
        _lock_log()
        if Event.objects.exists():
            raise ConflictError("the event log is not empty: a log is restored only into an empty store")
        for event in events:
            event.save()
        LegacyCitation.objects.bulk_create(legacy)
        write_checkpoint(Head(events[-1].seq, events[-1].hash) if events else EMPTY_HEAD)
        for organisation in Organisation.objects.all():
            rebuild(organisation)
    return len(events)


@contextmanager
def _writing() -> Iterator[None]:
    token = store_is_writing.set(True)
    try:
        yield
    finally:
        store_is_writing.reset(token)


def _lock_log() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])
    # SQLite: the connection opens transactions IMMEDIATE (settings), which is the lock.


def _build(request: NewEvent, lookups: _Lookups) -> Event:
    """An unsaved Event from a request, or a ValidationError naming every bad field at once."""
    errors: dict[str, list[str]] = {}

    def check(function, *args):
        try:
            return function(*args)
        except ValidationError as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(name, []).extend(messages)
            return None

    organisation = lookups.resolve(Organisation, "slug", request.organisation, "organisation")
    kind = get_kind(request.kind)
    if kind.name == RETRACTION:
        _check_retraction(request.retracts, organisation)
    elif request.retracts is not None:
        raise ValidationError("only a retraction may retract", field="retracts")
    if request.corrects is not None:
        _check_correction(request.corrects, organisation, kind.name)
    subject = check(lookups.resolve, Entity, "slug", request.subject, "subject")
    if subject is not None:
        check(validate_subject, kind, subject.type)
    payload = check(validate_payload, kind, request.payload, lookups.vocabulary(organisation), lookups.entity_type)
    source = check(lookups.resolve, Source, "key", request.source, "source")
    when = check(_partial_date, request.date)
    confidence = check(_confidence, request.confidence)
    locator = check(_text, request.locator, "locator", 255)
    note = check(_text, request.note, "note", 10_000)
    recorded_by = (request.recorded_by or "").strip()
    if not recorded_by:
        errors["recorded_by"] = ["say who records this event"]
    if errors:
        raise ValidationError(errors)
    return Event(
        organisation=organisation,
        kind=kind.name,
        subject=subject,
        payload=payload,
        date=when,
        source=source,
        locator=locator,
        confidence=confidence,
        note=note,
        recorded_by=recorded_by[:150],
        corrects=request.corrects,
        retracts=request.retracts,
        seed_key=request.seed_key,
    )


def _check_retraction(target: Event | None, organisation: Organisation) -> None:
    if target is None:
        raise ValidationError("a retraction names the event it retracts", field="retracts")
    if target.organisation_id != organisation.pk:
        raise ValidationError("the event retracted belongs to another organisation", field="retracts")
    if target.kind == RETRACTION:
        raise ConflictError(f"event {target.id} is a retraction; a retraction cannot be retracted")


def _check_correction(target: Event, organisation: Organisation, kind: str) -> None:
    if target.organisation_id != organisation.pk:
        raise ValidationError("the event corrected belongs to another organisation", field="corrects")
    if target.kind == RETRACTION or kind == RETRACTION:
        raise ValidationError("retractions are not corrected; retract the event again instead", field="corrects")


def _check_amendments(events: list[Event]) -> None:
    """No event is retracted twice, nor corrected once it is retracted or corrected, by the log or this append."""
    retracted: set = set()
    corrected: set = set()
    for event in events:
        if event.retracts_id is not None:
            if event.retracts_id in retracted or Event.objects.filter(retracts_id=event.retracts_id).exists():
                raise ConflictError(f"event {event.retracts_id} is already retracted")
            retracted.add(event.retracts_id)
        if event.corrects_id is not None:
            target = event.corrects_id
            if target in retracted or Event.objects.filter(retracts_id=target).exists():
                raise ConflictError(f"event {target} is retracted; record a new event instead")
            if target in corrected:
                raise ConflictError(f"event {target} is already corrected in this append; correct that one")
            later = Event.objects.filter(corrects_id=target).exclude(retractions__isnull=False).first()
            if later is not None:
                raise ConflictError(f"event {target} is already corrected by {later.id}; correct that one")
            corrected.add(target)


def _partial_date(value) -> PartialDate:
    if value in (None, ""):
        raise ValidationError("is required", field="date")
    try:
        return PartialDate.parse(value)
    except InvalidDate as exc:
        raise ValidationError(str(exc), field="date") from None


def _confidence(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a number", field="confidence") from None
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        raise ValidationError(f"{value!r} is not between 0 and 1", field="confidence")
    return number


def _text(value: str, field_name: str, limit: int) -> str:
    try:
        return clean_text(value or "", limit)
    except ValueError as exc:
        raise ValidationError(str(exc), field=field_name) from None
