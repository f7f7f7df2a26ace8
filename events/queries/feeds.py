"""The reads behind the feeds: pages of events as plain rows, the values' labels, recent changes
and what their entries name (the events behind, holders, organisations, roles).

Events are read as plain rows (`load`, `newest`), not model instances: a page costs one or two
small queries and no ORM object building, which is most of what a feed request would otherwise
spend. The fixed-shape reads are prepared queries (events.queries.prepared), compiled once.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from uuid import UUID

from django.db import connections, router
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL

from events import records
from events.domain.changes import Change, RoleLabel, Transition, group
from events.domain.dates import PartialDate
from events.domain.kinds import FieldType, families, indefinite, kind_of
from events.models import BELIEVED_NOW, Entity, Event, MeetingType, Office, Organisation, SlotInterval, Status
from events.prepared import PreparedQuery
from events.records import EventRow

# Joined instead, PostgreSQL hashes the whole entity table for a page of rows picked by seq: the
# subject's columns are scalar subqueries, one primary-key probe a row, named without "__".
_BY_SUBQUERY = {column: column.replace("__", "_") for column in (*records.COLUMNS, *records.SHOWN_COLUMNS) if column.startswith("subject__")}
_ROW_COLUMNS = tuple(_BY_SUBQUERY.get(column, column) for column in (*records.COLUMNS, *records.SHOWN_COLUMNS))


def _as_rows(events: QuerySet[Event], *extra: str):
    """The events as the tuples records.row_from reads (then `extra`)."""
    subqueries = {
        name: Subquery(Entity.objects.filter(pk=OuterRef("subject_id")).order_by().values(column.split("__", 1)[1])[:1])
        for column, name in _BY_SUBQUERY.items()
    }
    return events.order_by().annotate(**subqueries).values_list(*_ROW_COLUMNS, *extra)


# Twenty columns and their joins cost the ORM more to compile than the database takes to read them.
_BY_SEQ = PreparedQuery(Event, lambda seqs: _as_rows(Event.objects.filter(seq__in=seqs)))


def load(events: QuerySet[Event]) -> list[EventRow]:
    """The events of an ordered (and sliced) queryset, each with the event it corrects or retracts.

    Two queries: the caller's queryset, filters and all, for seqs only (cheap to compile), then
    by seq every row the page shows, amended events and subjects included, through SQL compiled once.
    """
    page = list(events.values_list("seq", "corrects__seq", "retracts__seq"))
    wanted = sorted({seq for seqs in page for seq in seqs if seq is not None})
    if not wanted:
        return []
    found = {row.record.seq: row for row in map(records.row_from, _BY_SEQ.rows_for_each((), wanted, nothing=0))}
    return [_with_amended(found[seq], found, corrects, retracts) for seq, corrects, retracts in page]


def newest(lookups: dict[str, str | int], before: int, limit: int) -> list[EventRow]:
    """The newest `limit` events below seq `before` whose columns have these values, each with the
    event it corrects or retracts: one query, its SQL compiled once per lookup names and limit.

    Lookups name Event's own columns (kind, organisation_id). The query answers the page and the
    events it amends, in no order, with those columns; the page is then the newest `limit` that
    match. An amended event that matches and is older than the page's oldest is rightly left
    out; one newer than that is in the page.
    """
    rows = _newest_query(tuple(lookups), limit).rows([*lookups.values(), before])
    wanted = tuple(lookups.values())
    at = len(_ROW_COLUMNS)  # then corrects__seq, retracts__seq, the lookups' columns
    found = {row[1]: records.row_from(row) for row in rows}
    amends = {row[1]: (row[at], row[at + 1]) for row in rows}
    page = sorted((row[1] for row in rows if row[at + 2 :] == wanted), reverse=True)[:limit]
    return [_with_amended(found[seq], found, *amends[seq]) for seq in page]


def _with_amended(event: EventRow, found: dict[int, EventRow], corrects: int | None, retracts: int | None) -> EventRow:
    if corrects is None and retracts is None:
        return event
    return event._replace(corrects=found.get(corrects), retracts=found.get(retracts))


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
        Event,
        lambda params: _as_rows(Event.objects.filter(id__in=RawSQL(ids, params)), "corrects__seq", "retracts__seq", *fields),
    )


_VOCABULARY = {FieldType.STATUS: Status, FieldType.OFFICE: Office, FieldType.MEETING_TYPE: MeetingType}


@lru_cache(maxsize=None)
def _vocabularies_sql(alias: str) -> tuple[str, tuple]:
    parts = [
        model.objects.using(alias).order_by().annotate(field_type=Value(field_type.value))
        .values_list("field_type", "organisation__slug", "slug", "label")
        for field_type, model in _VOCABULARY.items()
    ]
    return parts[0].union(*parts[1:], all=True).query.sql_with_params()


def _vocabularies() -> list[tuple[str, str, str, str]]:
    """Every organisation's statuses, offices and meeting types, with their labels: a few dozen rows.

    One query whose SQL the ORM compiles once per process: compiling it costs ten times running it.
    """
    alias = router.db_for_read(Status)
    sql, params = _vocabularies_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()



def recent_changes(organisations: Iterable[int], limit: int) -> list[Change]:
    """The `limit` most recent changes (by date) of the organisations, each with all its transitions."""
    found = [change for organisation in organisations for change in _recent(organisation, limit)]
    found.sort(key=lambda c: (c.since.earliest, c.since.latest), reverse=True)
    return found[:limit]


def _recent(organisation: int, limit: int) -> list[Change]:
    found: list[Transition] = []
    dates: set[PartialDate] = set()
    for transition in _transitions(SlotInterval.objects.filter(BELIEVED_NOW, organisation_id=organisation)):
        if len(dates) >= limit and transition.since not in dates:
            break
        found.append(transition)
        dates.add(transition.since)
    return group(found)[:limit]


def _transitions(intervals: QuerySet[SlotInterval], chunk: int = 200) -> Iterator[Transition]:
    """Each interval whose value differs from the one before it, newest start first.

    Read in slices keyed by date, whole dates at a time: `start` alone orders them, so the
    (organisation, start) index serves each slice and nothing sorts the whole projection.
    """
    # The slot's interval before this one ends where this one starts (intervals of a slot are
    # contiguous): one probe of the (organisation, family, name, end) index a row.
    previous = SlotInterval.objects.filter(
        BELIEVED_NOW, organisation_id=OuterRef("organisation_id"), family=OuterRef("family"), name=OuterRef("name"),
        end=OuterRef("start"),
    ).order_by()
    rows = intervals.annotate(
        previous_value=Subquery(previous.values("value")[:1]), previous_holder=Subquery(previous.values("holder__slug")[:1])
    ).values_list(
        "organisation_id", "family", "name", "start", "since_earliest", "since_latest", "since_precision",
        "value", "holder__slug", "evidence", "previous_value", "previous_holder",
    )
    before = None
    while True:
        batch = list((rows if before is None else rows.filter(start__lt=before)).order_by("-start")[:chunk])
        if len(batch) < chunk:
            yield from _changed(batch)
            return
        before = batch[-1][3]
        # The slice may end inside a date: take that date whole, so a change is never split.
        batch = [row for row in batch if row[3] != before] + list(rows.filter(start=before).order_by())
        yield from _changed(batch)


def _changed(rows: Sequence[tuple]) -> Iterator[Transition]:
    for row in rows:
        org, family, name, start, since_earliest, since_latest, precision, value, holder, evidence, previous, previous_holder = row
        if value == previous:
            continue  # a confirmation of the standing value, or none followed by none
        yield Transition(
            organisation=org, family=family, name=name,
            since=PartialDate.from_stored(since_earliest, since_latest, precision),
            value=value, holder=holder, previous=previous, previous_holder=previous_holder,
            events=tuple(evidence),
        )


def value_labels(events: Iterable[EventRow]) -> dict[tuple[FieldType, str | None, str], str]:
    """The organisations' own words for the payload values of these events and of those they amend:
    (field type, organisation slug or None for places, slug) -> label. At most two queries."""
    events = [e.record for event in events for e in (event, event.corrects, event.retracts) if e is not None]
    fields = {spec for e in events for spec in kind_of(e.kind).fields}
    needed = {spec.type for spec in fields}
    organisations = {e.organisation for e in events}
    labels: dict[tuple[FieldType, str | None, str], str] = {}
    if needed & _VOCABULARY.keys():
        labels.update(
            ((FieldType(field_type), org, slug), label)
            for field_type, org, slug, label in _vocabularies()
            if org in organisations
        )
    places = {e.payload.get(spec.name) for e in events for spec in fields if spec.type is FieldType.PLACE} - {None}
    if places:
        rows = Entity.objects.filter(slug__in=places).values_list("slug", "name")
        labels.update(((FieldType.PLACE, None, slug), name) for slug, name in rows)
    return labels


class EventStamp(NamedTuple):
    """What a change's entry shows of an event behind it: a link, its seq, when and by whom it was recorded."""

    id: UUID
    seq: int
    recorded_at: datetime
    recorded_by: str


def event_stamps(seqs: Iterable[int]) -> dict[int, EventStamp]:
    """The events with these seqs (as a change names them), by seq. One query."""
    rows = Event.objects.filter(seq__in=seqs).values_list(*EventStamp._fields)
    return {row[1]: EventStamp(*row) for row in rows}


def entity_names(slugs: Iterable[str]) -> dict[str, str]:
    """The names of the entities with these slugs, by slug. One query."""
    return dict(Entity.objects.filter(slug__in=slugs).values_list("slug", "name"))


def organisation_slugs(ids: Iterable[int]) -> dict[int, str]:
    """The slugs of the organisations with these primary keys, by key. One query."""
    return dict(Organisation.objects.filter(id__in=ids).values_list("id", "slug"))


def role_labels(organisations: Collection[int]) -> dict[tuple[int, str, str], RoleLabel]:
    """What each slot family's roles are called, from the vocabulary its kinds declare: a role that is
    a value is taken by many ("a member", "members"), one that is a slot by one ("Secretary-General")."""
    declared = {
        FieldType.STATUS: Status.objects.filter(organisation_id__in=organisations).values_list(
            "organisation_id", "slug", "label", "label_plural"
        ),
        FieldType.OFFICE: Office.objects.filter(organisation_id__in=organisations).values_list(
            "organisation_id", "slug", "label", "label"
        ),
    }
    return {
        (org, family.name, slug): RoleLabel(indefinite(label), plural) if family.value_is_role else RoleLabel(label, plural)
        for family in families()
        if family.roles in declared
        for org, slug, label, plural in declared[family.roles]
    }


def newest_below(seq: int) -> tuple[int, datetime] | None:
    """The seq and recorded_at of the newest event below `seq`; None when there is none. One indexed read."""
    [found] = _NEWEST_BELOW.rows([seq]) or [None]
    return found


# Read by every request for a page below the head, compiled once (compiling costs more than running it).
_NEWEST_BELOW = PreparedQuery(
    Event, lambda before: Event.objects.filter(seq__lt=before[0]).order_by("-seq").values_list("seq", "recorded_at")[:1]
)


def organisation_ids() -> list[int]:
    """Every organisation's primary key: whose changes the changes feed lists when it is not told."""
    return list(Organisation.objects.values_list("pk", flat=True))
