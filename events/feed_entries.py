"""What a feed says about one event: a readable title, the assertion with its date as written,
its source and confidence, and for a correction or a retraction what it changes and why.

An entry depends only on its event and the events it amends, never on later events, so a
page of entries never changes once written (the feeds cache full pages for a year). Events
are read as plain rows (`load`, `newest`), not model instances: a page costs one or two small
queries and no ORM object building, which is most of what a feed request would otherwise spend.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from html import escape
from typing import Any, NamedTuple
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.db import connections, router
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, get_urlconf, reverse

from .dates import MONTH_NAMES, InvalidDate, PartialDate
from .feed_documents import Entry, Link
from .kinds import KINDS, FieldType, Kind, PayloadField
from .models import Entity, Event, MeetingType, Office, Status
from .prepared_queries import PreparedQuery

# Pronounced with a leading vowel when spelled out: "an SCO partner", "an NGO", "a UN body".
_VOWEL_LETTER_NAMES = frozenset("AEFHILMNORSX")


def indefinite(label: str) -> str:
    """'a member', 'an observer', 'an SCO partner' (an acronym is read letter by letter)."""
    word = label.split(" ", 1)[0]
    if not word:
        return label
    if len(word) > 1 and word.isupper():
        vowel = word[0] in _VOWEL_LETTER_NAMES
    else:
        vowel = word[0].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {label}"


def kind_of(name: str) -> Kind:
    return KINDS.get(name) or Kind(name, name.replace(".", " "), frozenset())


class EventRow(NamedTuple):
    """An event as an entry shows it: plain values, with the events it amends.

    A NamedTuple, not a frozen dataclass: as immutable, and built in a third of the time (a page
    builds one per event it shows).
    """

    id: UUID
    seq: int
    organisation_id: int
    kind: str
    subject_slug: str
    subject_name: str
    payload: dict[str, Any]
    date: PartialDate
    source_title: str
    source_url: str
    locator: str
    confidence: float
    note: str
    recorded_at: datetime
    recorded_by: str
    corrects: EventRow | None = None
    retracts: EventRow | None = None


def _subject(field: str) -> Subquery:
    # A scalar subquery, one primary-key probe a row: joined instead, PostgreSQL hashes the whole
    # entity table for a page of rows picked by seq.
    return Subquery(Entity.objects.filter(pk=OuterRef("subject_id")).order_by().values(field)[:1])


def _as_rows(events: QuerySet[Event], *extra: str):
    """The events as the tuples `_row` reads (then `extra`), subjects' slug and name included."""
    return (
        events.order_by().annotate(subject_slug=_subject("slug"), subject_name=_subject("name"))
        .values_list(*_ROW_FIELDS, *extra)
    )


_ROW_FIELDS = (
    "id", "seq", "organisation_id", "kind", "subject_slug", "subject_name", "payload", "date_earliest", "date_latest",
    "date_precision", "source__title", "source__url", "locator", "confidence", "note", "recorded_at", "recorded_by",
)

# Seventeen columns and a join cost the ORM more to compile than the database takes to read them.
_BY_SEQ = PreparedQuery(Event, lambda seqs: _as_rows(Event.objects.filter(seq__in=seqs)))


def _row(row: tuple) -> EventRow:
    return EventRow(
        id=row[0], seq=row[1], organisation_id=row[2], kind=row[3], subject_slug=row[4], subject_name=row[5],
        payload=row[6], date=PartialDate.from_stored(row[7], row[8], row[9]), source_title=row[10],
        source_url=row[11], locator=row[12], confidence=row[13], note=row[14], recorded_at=row[15], recorded_by=row[16],
    )


def load(events: QuerySet[Event]) -> list[EventRow]:
    """The events of an ordered (and sliced) queryset, each with the event it corrects or retracts.

    Two queries: the caller's queryset, filters and all, for seqs only (cheap to compile), then
    by seq every row the page shows, amended events and subjects included, through SQL compiled once.
    """
    page = list(events.values_list("seq", "corrects__seq", "retracts__seq"))
    wanted = sorted({seq for seqs in page for seq in seqs if seq is not None})
    if not wanted:
        return []
    found = {row.seq: row for row in map(_row, _BY_SEQ.rows(wanted))}
    return [_with_amended(found[seq], found, corrects, retracts) for seq, corrects, retracts in page]


def newest(lookups: dict[str, str], before: int, limit: int) -> list[EventRow]:
    """The newest `limit` events below seq `before` whose fields have these values, each with the
    event it corrects or retracts: one query, its SQL compiled once per lookup names and limit.

    Lookups name EventRow fields (kind, say). The query answers the page and the events it amends,
    in no order; the page is then the newest `limit` that match. An amended event that matches
    and is older than the page's oldest is rightly left out; one newer than that is in the page.
    """
    rows = _newest_query(tuple(lookups), limit).rows([*lookups.values(), before])
    found = {row[1]: _row(row) for row in rows}
    amends = {row[1]: (row[-2], row[-1]) for row in rows}
    page = sorted((seq for seq, event in found.items() if _matches(event, lookups)), reverse=True)[:limit]
    return [_with_amended(found[seq], found, *amends[seq]) for seq in page]


def _with_amended(event: EventRow, found: dict[int, EventRow], corrects: int | None, retracts: int | None) -> EventRow:
    if corrects is None and retracts is None:
        return event
    return event._replace(corrects=found.get(corrects), retracts=found.get(retracts))


def _matches(event: EventRow, lookups: dict[str, str]) -> bool:
    return all(getattr(event, field) == value for field, value in lookups.items())


@lru_cache(maxsize=64)  # per lookup names and limit: a handful in practice
def _newest_query(fields: tuple[str, ...], limit: int) -> PreparedQuery:
    table = Event._meta.db_table
    pk, seq, corrects, retracts, *columns = (
        Event._meta.get_field(name).column for name in ("id", "seq", "corrects", "retracts", *fields)
    )
    where = " AND ".join([*(f"{column} = %s" for column in columns), f"{seq} < %s"])
    # The ids of the page and of the events it amends, from one read of the page: a CTE, which
    # the ORM cannot write. The rows around it are the ORM's, as _BY_SEQ reads them.
    ids = (
        f"WITH page AS (SELECT {pk}, {corrects}, {retracts} FROM {table} WHERE {where} ORDER BY {seq} DESC LIMIT {int(limit)})"
        f" SELECT {pk} FROM page UNION ALL SELECT {corrects} FROM page UNION ALL SELECT {retracts} FROM page"
    )

    return PreparedQuery(
        Event, lambda params: _as_rows(Event.objects.filter(id__in=RawSQL(ids, params)), "corrects__seq", "retracts__seq")
    )


_VOCABULARY = {FieldType.STATUS: Status, FieldType.OFFICE: Office, FieldType.MEETING_TYPE: MeetingType}


@lru_cache(maxsize=None)
def _vocabularies_sql(alias: str) -> tuple[str, tuple]:
    parts = [
        model.objects.using(alias).order_by().annotate(field_type=Value(field_type.value))
        .values_list("field_type", "organisation_id", "slug", "label")
        for field_type, model in _VOCABULARY.items()
    ]
    return parts[0].union(*parts[1:], all=True).query.sql_with_params()


def _vocabularies() -> list[tuple[str, int, str, str]]:
    """Every organisation's statuses, offices and meeting types, with their labels: a few dozen rows.

    One query whose SQL the ORM compiles once per process: compiling it costs ten times running it.
    """
    alias = router.db_for_read(Status)
    sql, params = _vocabularies_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Labels:
    """The organisations' own words for the values events carry, loaded once for a page of events."""

    def __init__(self, events: Iterable[EventRow]):
        events = [e for event in events for e in (event, event.corrects, event.retracts) if e is not None]
        fields = {spec for e in events for spec in kind_of(e.kind).fields}
        needed = {spec.type for spec in fields}
        organisations = {e.organisation_id for e in events}
        self._labels: dict[tuple[FieldType, int | None, str], str] = {}
        if needed & _VOCABULARY.keys():
            self._labels.update(
                ((FieldType(field_type), org, slug), label)
                for field_type, org, slug, label in _vocabularies()
                if org in organisations
            )
        places = {e.payload.get(spec.name) for e in events for spec in fields if spec.type is FieldType.PLACE} - {None}
        if places:
            rows = Entity.objects.filter(slug__in=places).values_list("slug", "name")
            self._labels.update(((FieldType.PLACE, None, slug), name) for slug, name in rows)

    def show(self, spec: PayloadField, value: Any, organisation: int, article: bool = False) -> str:
        """A payload value as a reader wants it: the status's label, the place's name, the date as written."""
        if value is None:
            return "none"
        if spec.type is FieldType.BOOL:
            return "yes" if value else "no"
        if spec.type is FieldType.PARTIAL_DATE:
            try:
                return PartialDate.parse(value).display()
            except InvalidDate:
                return str(value)
        scope = None if spec.type is FieldType.PLACE else organisation
        label = self._labels.get((spec.type, scope, str(value)), str(value))
        return indefinite(label) if article and spec.type is FieldType.STATUS else label


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def assertion(event: EventRow, labels: Labels) -> str:
    """'India becomes a member': the kind's phrase with the event's subject and payload."""
    kind = kind_of(event.kind)
    values = _Blank(subject=event.subject_name, label=kind.label)
    for spec in kind.fields:
        if spec.name in event.payload:
            values[spec.name] = labels.show(spec, event.payload[spec.name], event.organisation_id, article=True)
    phrase = kind.phrase
    if kind.cleared_phrase and kind.slot_value and kind.slot_value(event.subject_slug, event.payload) is None:
        phrase = kind.cleared_phrase
    text = phrase.format_map(values)
    return text[:1].upper() + text[1:]


def headline(event: EventRow, labels: Labels) -> str:
    """'India becomes a member — 9 June 2017'."""
    return f"{assertion(event, labels)} — {event.date.display()}"


def path_of(viewname: str, *args: str) -> str:
    """reverse(), once per URLconf and script prefix: every feed document names the same few pages."""
    return _reversed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args)


@lru_cache(maxsize=1024)
def _reversed(urlconf: str, script_prefix: str, viewname: str, args: tuple[str, ...]) -> str:
    return reverse(viewname, args=args)


@dataclass(frozen=True)
class PageUrls:
    """Absolute web-page URLs, built from one reversed template instead of a reverse() per entry."""

    root: str  # scheme and host
    event_template: str  # path with {id}
    entity_template: str  # path with {slug}

    def event(self, event_id: UUID | str) -> str:
        return self.root + self.event_template.replace("{id}", str(event_id))

    def entity(self, slug: str) -> str:
        return self.root + self.entity_template.replace("{slug}", _path_segment(slug))


@lru_cache(maxsize=4096)  # a page names the same few subjects over and over
def _path_segment(slug: str) -> str:
    return quote(slug, safe="")


# For the texts a page repeats (names, titles, their URLs, labels, recorders): each is escaped
# once, not once an entry. Notes and locators, one per event, are escaped as met; payload texts
# (a meeting's name, at most 500 characters) go through the cache too, bounded by its size.
escape_name = lru_cache(maxsize=4096)(escape)


def web_link(url: str) -> bool:
    """Only http(s) URLs become links: a stored 'javascript:' URL stays text."""
    return url.lower().startswith(("http://", "https://"))


def event_entry(event: EventRow, labels: Labels, urls: PageUrls) -> Entry:
    kind = kind_of(event.kind)
    event_id = str(event.id)
    said = headline(event, labels)
    links: list[Link] = []
    for target, relation in ((event.corrects, "corrects"), (event.retracts, "retracts")):
        if target is not None:
            links.append(Link(urls.event(target.id), "related", "text/html", f"event {target.seq}, which this {relation}"))
    if web_link(event.source_url):
        links.append(Link(event.source_url, "via", "", event.source_title))
    if event.retracts is not None:
        title = f"Retracted: {headline(event.retracts, labels)}"
    elif event.corrects is not None:
        title = f"Correction: {said}"
    else:
        title = said
    return Entry(
        id=f"urn:uuid:{event_id}",
        title=title,
        link=urls.event(event_id),
        updated=event.recorded_at,
        content=content(event, said, labels, urls),
        authors=(event.recorded_by,),
        categories=((event.kind, kind.label),),
        links=tuple(links),
    )


def content(event: EventRow, said: str, labels: Labels, urls: PageUrls) -> str:
    """The entry's HTML: every stored text is escaped here, once."""
    rows = [
        ("Subject", f'<a href="{escape_name(urls.entity(event.subject_slug))}">{escape_name(event.subject_name)}</a>'),
        ("Date", _date_as_written(event.date)),  # digits and month names: nothing to escape
    ]
    rows += [
        (_field_name(spec.name), escape_name(labels.show(spec, event.payload[spec.name], event.organisation_id)))
        for spec in kind_of(event.kind).fields
        if spec.name in event.payload
    ]
    rows += [
        ("Source", _source(event.source_title, event.source_url, event.locator)),
        ("Confidence", f"{event.confidence:.2f}"),
        ("Recorded", f"by {escape_name(event.recorded_by)}, {event.recorded_at.isoformat(' ', 'seconds')[:19]} UTC, seq {event.seq}"),
    ]
    if event.note:
        rows.append(("Note", escape(event.note)))
    items = "".join([f"<li>{name}: {value}</li>" for name, value in rows])
    parts = [f"<p>{escape(said)}</p><ul>{items}</ul>"]
    if event.corrects is not None:
        changed = "; ".join(escape(c) for c in corrected_fields(event.corrects, event, labels)) or "no field of the assertion"
        why = f" Why: {escape(event.note)}" if event.note else ""
        parts.append(f"<p>Corrects {_event_link(event.corrects, labels, urls)}. Changes: {changed}.{why}</p>")
    if event.retracts is not None:
        # Why is the retraction's reason, listed above with its payload.
        parts.append(f"<p>Retracts {_event_link(event.retracts, labels, urls)}; replay ignores it from now on.</p>")
    return "".join(parts)


def corrected_fields(old: EventRow, new: EventRow, labels: Labels) -> list[str]:
    """'date: June 2017 → 9 June 2017' for each field a correction changes."""
    pairs: list[tuple[str, str, str]] = [
        ("subject", old.subject_name, new.subject_name),
        ("date", _date_as_written(old.date), _date_as_written(new.date)),
    ]
    for spec in _fields(kind_of(old.kind), kind_of(new.kind)):
        pairs.append(
            (
                _field_name(spec.name).lower(),
                labels.show(spec, old.payload.get(spec.name), old.organisation_id),
                labels.show(spec, new.payload.get(spec.name), new.organisation_id),
            )
        )
    pairs += [
        ("source", old.source_title, new.source_title),
        ("locator", old.locator or "none", new.locator or "none"),
        ("confidence", f"{old.confidence:.2f}", f"{new.confidence:.2f}"),
    ]
    return [f"{name}: {before} → {after}" for name, before, after in pairs if before != after]


def _fields(*kinds: Kind) -> list[PayloadField]:
    return list({spec.name: spec for kind in kinds for spec in kind.fields}.values())


@lru_cache(maxsize=None)  # a declaration's name: a few dozen in all
def _field_name(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _date_as_written(date: PartialDate) -> str:
    shown = date.display()
    if date.earliest == date.latest:
        return shown
    first, last = date.earliest, date.latest
    return f"{shown} (between {first.day} {MONTH_NAMES[first.month]} {first.year} and {last.day} {MONTH_NAMES[last.month]} {last.year})"


def _source(title: str, url: str, locator: str) -> str:
    name = escape_name(title)
    shown = f'<a href="{escape_name(url)}">{name}</a>' if web_link(url) else name
    return shown + (f", {escape(locator)}" if locator else "")


def _event_link(event: EventRow, labels: Labels, urls: PageUrls) -> str:
    return f'<a href="{escape(urls.event(event.id))}">event {event.seq}</a> ({escape(headline(event, labels))})'


def entries(events: Sequence[EventRow], urls: PageUrls) -> list[Entry]:
    labels = Labels(events)
    return [event_entry(event, labels, urls) for event in events]
