"""THE mapper between an Event row and the domain's EventRecord, and the one declared list of an event's fields.

`FIELDS` says, once, where each EventRecord field comes from in the database and how its value
is written as JSON. Every other form of an event is derived from it: the rows every read loads
(`columns`, `from_row`), the canonical content the hash covers and the export carries
(`to_json`, `from_json`: events.integrity, events.archive), the projection's evidence, the
documents the API and the command line print (events.documents), and the feed rows.
Adding a field to Event is one line here (and one in EventRecord).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Model, QuerySet

from .domain.dates import PartialDate
from .domain.replay import EventRecord


@dataclass(frozen=True)
class Codec:
    """How one type of value is read from its columns and written in each form of an event."""

    read: Callable[..., Any] | None  # the columns' values -> the value; None: the one column as it is
    write: Callable[[Any], tuple[Any, ...]] | None  # the value -> its columns' values; None: the one column
    to_json: Callable[[Any], Any]  # canonical JSON: what the hash covers, the export and the evidence carry
    from_json: Callable[[Any], Any]
    shown: Callable[[Any], Any]  # the documents' JSON: the API and the command line


def _same(value: Any) -> Any:
    return value


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _partial_date(stored: Sequence[str]) -> PartialDate:
    earliest, latest, precision = stored
    return PartialDate.from_stored(date.fromisoformat(earliest), date.fromisoformat(latest), precision)


PLAIN = Codec(None, None, _same, _same, _same)
IDENTIFIER = Codec(None, None, str, UUID, str)
REFERENCE = Codec(None, None, _optional(str), _optional(UUID), _optional(str))  # another event's id, or None
MOMENT = Codec(None, None, _utc, _moment, datetime.isoformat)
PARTIAL_DATE = Codec(
    PartialDate.from_stored,
    lambda value: (value.earliest, value.latest, value.precision.value),
    lambda value: [value.earliest.isoformat(), value.latest.isoformat(), value.precision.value],
    _partial_date,
    str,
)


@dataclass(frozen=True)
class Field:
    """One field of an event: its EventRecord name, the columns (ORM lookups) it is read from, its codec."""

    name: str
    columns: tuple[str, ...]
    codec: Codec = PLAIN


# The event's own fields, in EventRecord's order. References are read by their keys: these are also
# what the hash covers (canonical content, version 1) and what an export carries.
FIELDS: tuple[Field, ...] = (
    Field("id", ("id",), IDENTIFIER),
    Field("seq", ("seq",)),
    Field("kind", ("kind",)),
    Field("subject", ("subject__slug",)),
    Field("payload", ("payload",)),
    Field("date", ("date_earliest", "date_latest", "date_precision"), PARTIAL_DATE),
    Field("confidence", ("confidence",)),
    Field("recorded_at", ("recorded_at",), MOMENT),
    Field("source", ("source__key",)),
    Field("corrects", ("corrects_id",), REFERENCE),
    Field("retracts", ("retracts_id",), REFERENCE),
    Field("organisation", ("organisation__slug",)),
    Field("locator", ("locator",)),
    Field("note", ("note",)),
    Field("recorded_by", ("recorded_by",)),
    Field("seed_key", ("seed_key",)),
)
_RECORDED = tuple(name for name in EventRecord._fields if name != "anchor")
if tuple(field.name for field in FIELDS) != _RECORDED:
    raise ImportError(f"events.records.FIELDS must declare EventRecord's fields in order: {_RECORDED}")

COLUMNS: tuple[str, ...] = tuple(column for field in FIELDS for column in field.columns)


def _slices() -> tuple[tuple[int, int, Callable[..., Any] | None], ...]:
    found, start = [], 0
    for field in FIELDS:
        found.append((start, start + len(field.columns), field.codec.read))
        start += len(field.columns)
    return tuple(found)


_SLICES = _slices()


def from_row(row: Sequence[Any]) -> EventRecord:
    """The record from a row whose first values are COLUMNS' (more may follow)."""
    return EventRecord(*[row[start] if read is None else read(*row[start:stop]) for start, stop, read in _SLICES])


def read(events: QuerySet) -> list[EventRecord]:
    """The records of an Event queryset, in seq order, in one query."""
    return [from_row(row) for row in events.order_by("seq").values_list(*COLUMNS)]


def from_instance(event: Model) -> EventRecord:
    """The record of an Event instance (saved or about to be), read through the same columns."""
    return from_row([_attribute(event, column) for column in COLUMNS])


def assignments(record: EventRecord) -> dict[str, Any]:
    """Each column's value for an Event row holding the record; a reference by key stays under its
    lookup (`subject__slug`) for the writer to resolve."""
    values: dict[str, Any] = {}
    for field in FIELDS:
        value = getattr(record, field.name)
        values.update(zip(field.columns, (value,) if field.codec.write is None else field.codec.write(value)))
    return values


def _attribute(instance: Model, path: str) -> Any:
    for name in path.split("__"):
        instance = getattr(instance, name)
    return instance


def to_json(record: EventRecord) -> dict[str, Any]:
    """The record as canonical JSON: what the hash covers, what an export and the evidence carry."""
    return {field.name: field.codec.to_json(getattr(record, field.name)) for field in FIELDS}


def from_json(data: dict[str, Any]) -> EventRecord:
    """The record from its canonical JSON; KeyError, TypeError or ValueError when it is not one."""
    return EventRecord(*[field.codec.from_json(data[field.name]) for field in FIELDS])


def shown(record: EventRecord, omit: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every field but those omitted, as documents show them (ISO dates and times, ids as text)."""
    return {name: record[index] if show is None else show(record[index]) for name, index, show in _shown_plan(omit)}


@lru_cache(maxsize=16)  # one plan per document shape: a handful
def _shown_plan(omit: tuple[str, ...]) -> tuple[tuple[str, int, Callable[[Any], Any] | None], ...]:
    """(name, position in EventRecord, how to show it or None when as it is): an API page shows a hundred records."""
    return tuple(
        (field.name, index, None if field.codec.shown is _same else field.codec.shown)
        for index, field in enumerate(FIELDS)
        if field.name not in omit
    )


class EntityRef(NamedTuple):
    """An entity as documents name it."""

    slug: str
    name: str
    type: str
    iso3: str | None


class SourceRef(NamedTuple):
    """A source as documents name it."""

    key: str
    title: str
    url: str


# What an event's references are called, read with it for the interfaces to show.
SHOWN_COLUMNS = ("subject__name", "subject__type", "subject__iso3", "source__title", "source__url")


class EventRow(NamedTuple):
    """An event as the interfaces show it: its record, its subject and source by name, and (in the
    feeds) the events it corrects or retracts."""

    record: EventRecord
    subject: EntityRef
    source: SourceRef
    corrects: EventRow | None = None
    retracts: EventRow | None = None


_SHOWN_AT = len(COLUMNS)


def row_from(values: Sequence[Any]) -> EventRow:
    """The EventRow from values laid out as COLUMNS + SHOWN_COLUMNS (more may follow)."""
    record = from_row(values)
    name, type, iso3, title, url = values[_SHOWN_AT : _SHOWN_AT + len(SHOWN_COLUMNS)]
    return EventRow(record, EntityRef(record.subject, name, type, iso3), SourceRef(record.source, title, url))
