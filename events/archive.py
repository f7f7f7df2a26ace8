"""The log as a portable file: export everything to JSON Lines, import it into an empty store.

One object a line, tagged by "type": entities, sources, organisations (with their vocabulary,
each with its id), then events in seq order with their hashes and what the hash cites, and last
the head exported (seq, hash, count), signed with LEDGER_KEY. An import checks every line, the
chain and the head before it writes anything: a file altered, cut short or malformed is refused
whole, naming its line and field.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from uuid import UUID

from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction

from . import records, store
from .domain import shapes
from .domain.dates import InvalidDate, PartialDate
from .domain.errors import ValidationError
from .domain.kinds import KINDS
from .integrity import CITED, CURRENT_VERSION, GENESIS_HASH, Head, chained, event_hash, sign, signature_holds
from .models import Entity, EntityAlias, Event, LegacyCitation, MeetingType, Office, Organisation, Source, Status

# The models whose ids an export carries and an import keeps: version-2 hashes cite them.
_KEPT_IDS = (Entity, Source, Organisation)


def export_lines() -> Iterator[dict[str, Any]]:
    for entity in Entity.objects.select_related("country").prefetch_related("aliases").order_by("pk"):
        yield {"type": "entity", "id": entity.pk, "slug": entity.slug, "entity_type": entity.type, "name": entity.name,
               "iso3": entity.iso3, "country": entity.country.slug if entity.country else None,
               "aliases": [[alias.name, alias.kind] for alias in entity.aliases.all()]}
    for source in Source.objects.order_by("pk"):
        yield {"type": "source", "id": source.pk, "key": source.key, "title": source.title, "publisher": source.publisher,
               "url": source.url, "published": str(source.published) if source.published else None, "kind": source.kind,
               "reliability": source.reliability, "content_hash": source.content_hash}
    for org in Organisation.objects.select_related("entity").order_by("pk"):
        yield {"type": "organisation", "id": org.pk, "slug": org.slug, "name": org.name, "short_name": org.short_name,
               "description": org.description, "entity": org.entity.slug if org.entity else None,
               "statuses": list(org.statuses.values("slug", "label", "plural", "label_plural", "description", "order")),
               "offices": list(org.offices.values("slug", "key", "label", "holder", "order")),
               "meeting_types": list(org.meeting_types.values("slug", "label"))}
    head, count = Head(0, GENESIS_HASH), 0
    for link in chained():
        line = {"type": "event", **records.to_json(link.record), "prev_hash": link.prev_hash, "hash": link.hash,
                "hash_version": link.version, "cites": link.ids}
        if link.version == 1:
            line["legacy_citation"] = link.cited
        yield line
        head, count = Head(link.record.seq, link.hash), count + 1
    yield {"type": "head", "seq": head.seq, "hash": head.hash, "events": count, "signature": sign(head)}


def write_export(stream: IO[str]) -> int:
    count = 0
    for line in export_lines():
        stream.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


# Import


def import_stream(stream: Iterable[str | bytes], *, foreign_head: bool = False) -> int:
    """Import an export into a store with no events; all or nothing. Returns the events restored.

    Every line is checked, the chain recomputed and the head compared before anything is written.
    `foreign_head`: accept a head signed with another LEDGER_KEY (the chain and the head's seq and
    hash must still hold).
    """
    parsed = _Parsed()
    for number, text in enumerate(stream, start=1):
        _read_line(parsed, number, text)
    parsed.finish(foreign_head)
    with transaction.atomic():
        _import_reference_data(parsed)
        events, legacy = _events(parsed)
        return store.restore(events, legacy)


@dataclass
class _EventLine:
    number: int
    record: Any
    prev_hash: str
    hash: str
    version: int
    cites: dict[str, Any]  # each reference by id (a current export) or by its key (an export of version 1)
    legacy: dict[str, str] | None


@dataclass
class _Parsed:
    entities: list[tuple[int, dict]] = field(default_factory=list)
    sources: list[tuple[int, dict]] = field(default_factory=list)
    organisations: list[tuple[int, dict]] = field(default_factory=list)
    events: list[_EventLine] = field(default_factory=list)
    head: tuple[int, dict] | None = None
    versioned: bool = False  # a line carries what only exports with a head carry
    event_ids: set = field(default_factory=set)
    # The key of each entity, source and organisation the export declares, by id, under the name an event cites it by.
    keys: dict[str, dict[int, str]] = field(default_factory=lambda: {name: {} for name in CITED})

    def finish(self, foreign_head: bool) -> None:
        last = Head(self.events[-1].record.seq, self.events[-1].hash) if self.events else Head(0, GENESIS_HASH)
        if self.head is None:
            if self.versioned:
                raise ValidationError("the export ends before its head line: it was cut short", field="head")
            return  # an export written before heads existed (hash version 1): its chain is all there is to check
        number, head = self.head
        if (head["seq"], head["hash"], head["events"]) != (last.seq, last.hash, len(self.events)):
            raise ValidationError(
                f"the export's head is seq {head['seq']} ({head['events']} events) but its events end at seq "
                f"{last.seq} ({len(self.events)} events): the export was cut or altered", field=f"line {number}: head")
        if not foreign_head and not signature_holds(last, head["signature"]):
            raise ValidationError("the head is not signed with this installation's LEDGER_KEY: altered, or exported "
                                  "elsewhere (import_log --foreign-head trusts the chain alone)", field=f"line {number}: signature")


def _read_line(parsed: _Parsed, number: int, text: str | bytes) -> None:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"not UTF-8 (byte {exc.start + 1})", field=f"line {number}") from None
    if not text.strip():
        return
    if parsed.head is not None:
        raise ValidationError("a line follows the head, which ends an export", field=f"line {number}")
    try:
        row = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise ValidationError(f"not JSON: {exc}", field=f"line {number}") from None
    if not isinstance(row, dict):
        raise ValidationError("not a JSON object", field=f"line {number}")
    kind = row.get("type")
    if kind not in _SHAPES:
        raise ValidationError(f"{kind!r} is not one of {', '.join(_SHAPES)}", field=f"line {number}: type")
    _check(row, kind, number)
    parsed.versioned |= "hash_version" in row or (kind != "event" and "id" in row)
    if kind == "event":
        parsed.events.append(_event_line(parsed, number, row))
    elif kind == "head":
        parsed.head = (number, row)
    else:
        getattr(parsed, _DECLARED[kind][0]).append((number, row))
        cited_as, key = _DECLARED[kind][1:]
        if row.get("id") is not None:
            parsed.keys[cited_as][row["id"]] = row[key]


# Each line of reference data: where it is kept, the name an event cites it by, its key.
_DECLARED = {"entity": ("entities", "subject", "slug"), "source": ("sources", "source", "key"),
             "organisation": ("organisations", "organisation", "slug")}


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _event_line(parsed: _Parsed, number: int, row: dict) -> _EventLine:
    def refused(problem: str, name: str) -> ValidationError:
        return ValidationError(problem, field=f"line {number}: {name}")

    record = records.from_json(row)  # every field was checked by its shape: this cannot fail
    expected_seq = parsed.events[-1].record.seq + 1 if parsed.events else 1
    previous = parsed.events[-1].hash if parsed.events else GENESIS_HASH
    if record.seq != expected_seq:
        raise refused(f"{record.seq} follows seq {expected_seq - 1}: events are missing or out of order", "seq")
    for name in ("corrects", "retracts"):
        target = getattr(record, name)
        if target is not None and target not in parsed.event_ids:
            raise refused(f"{target} is not an earlier event of the export", name)
    if record.id in parsed.event_ids:
        raise refused(f"{record.id} appears twice", "id")
    parsed.event_ids.add(record.id)
    version = row.get("hash_version", 1)
    legacy = row.get("legacy_citation") if "hash_version" in row else {name: getattr(record, name) for name in CITED}
    if version == 1 and legacy is None:
        raise refused("a version-1 event carries the keys its hash covered", "legacy_citation")
    cites = row["cites"] if "hash_version" in row else {name: getattr(record, name) for name in CITED}
    if "hash_version" in row:
        if not isinstance(cites, dict) or set(cites) != set(CITED):
            raise refused(f"names the id of each of {', '.join(CITED)}", "cites")
        for name, cited in cites.items():
            if parsed.keys[name].get(cited) != getattr(record, name):
                raise refused(f"{getattr(record, name)!r} is not the {name} with id {cited!r} in the export", f"cites.{name}")
    if row["prev_hash"] != previous:
        raise refused(f"event seq {record.seq} does not follow the one before it: the export was altered", "prev_hash")
    if event_hash(record, previous, legacy if version == 1 else cites, version) != row["hash"]:
        raise refused(f"event seq {record.seq} does not match its hash: the export was altered", "hash")
    return _EventLine(number, record, previous, row["hash"], version, cites, legacy if version == 1 else None)


# Shapes: what each field of each line must be.


def _partial_date_text(value: Any) -> str:
    try:
        PartialDate.parse(value)
    except (InvalidDate, TypeError, ValueError, AttributeError):
        return f"{value!r:.60} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    return ""


def _uuid(value: Any) -> str:
    try:
        UUID(value)
    except (TypeError, ValueError, AttributeError):
        return f"{value!r:.60} is not a UUID"
    return ""


def _moment(value: Any) -> str:
    try:
        records.MOMENT.from_json(value)
    except (TypeError, ValueError, AttributeError):
        return f"{value!r:.60} is not an ISO datetime"
    return "" if value.endswith("Z") else f"{value!r:.60} is not in UTC"


def _stored_date(value: Any) -> str:
    try:
        stored = records.PARTIAL_DATE.from_json(value)
        if PartialDate.parse(str(stored)) == stored:
            return ""
    except (InvalidDate, TypeError, ValueError, AttributeError, KeyError):
        pass
    return f"{value!r:.60} is not [earliest, latest, precision] of one day, month or year"


def _text(model, name: str, *, blank: bool = True) -> shapes.Check:
    """Text as long as the model's column takes (TextField: a generous bound)."""
    return shapes.text(model._meta.get_field(name).max_length or 100_000, blank=blank)


def _choice(model, name: str) -> shapes.Check:
    return shapes.one_of(dict(model._meta.get_field(name).choices))


_ID = shapes.optional(lambda value: "" if type(value) is int and value > 0 else f"{value!r:.60} is not a positive integer")
_SLUG = shapes.matching(r"[-a-zA-Z0-9_]{1,100}", "a slug")
_HASH = shapes.matching(r"[0-9a-f]{64}", "a SHA-256 in hex")
_INTEGER = shapes.of_type(int, name="an integer")
# Absent from exports written before the ledger was versioned.
_OPTIONAL = {"entity": {"id"}, "source": {"id"}, "organisation": {"id"}, "event": {"hash_version", "cites", "legacy_citation"}}
_SHAPES: dict[str, dict[str, shapes.Check]] = {
    "entity": {
        "id": _ID, "slug": _SLUG, "entity_type": _choice(Entity, "type"), "name": _text(Entity, "name", blank=False),
        "iso3": shapes.optional(shapes.matching(r"[A-Z]{3}", "an ISO3 code")), "country": shapes.optional(_SLUG),
        "aliases": shapes.list_of(shapes.pair(_text(EntityAlias, "name", blank=False), _choice(EntityAlias, "kind"))),
    },
    "source": {
        "id": _ID, "key": _SLUG, "title": _text(Source, "title", blank=False), "publisher": _text(Source, "publisher"),
        "url": shapes.http_url(Source._meta.get_field("url").max_length), "published": shapes.optional(_partial_date_text),
        "kind": _choice(Source, "kind"), "reliability": shapes.fraction, "content_hash": shapes.optional(_HASH),
    },
    "organisation": {
        "id": _ID, "slug": _SLUG, "name": _text(Organisation, "name", blank=False),
        "short_name": _text(Organisation, "short_name"), "description": _text(Organisation, "description"),
        "entity": shapes.optional(_SLUG),
        "statuses": shapes.list_of(shapes.object_of({
            "slug": _SLUG, "label": _text(Status, "label", blank=False), "plural": _SLUG,
            "label_plural": _text(Status, "label_plural", blank=False), "description": _text(Status, "description"),
            "order": _INTEGER})),
        "offices": shapes.list_of(shapes.object_of({
            "slug": _SLUG, "key": _SLUG, "label": _text(Office, "label", blank=False), "holder": _choice(Office, "holder"),
            "order": _INTEGER})),
        "meeting_types": shapes.list_of(shapes.object_of({"slug": _SLUG, "label": _text(MeetingType, "label", blank=False)})),
    },
    "event": {
        "id": _uuid, "seq": _INTEGER, "kind": shapes.one_of(KINDS), "subject": _SLUG,
        "payload": shapes.of_type(dict, name="an object"), "date": _stored_date, "confidence": shapes.fraction,
        "recorded_at": _moment, "source": _SLUG, "corrects": shapes.optional(_uuid), "retracts": shapes.optional(_uuid),
        "organisation": _SLUG, "locator": _text(Event, "locator"), "note": shapes.text(10_000),
        "recorded_by": _text(Event, "recorded_by", blank=False), "seed_key": _text(Event, "seed_key"),
        "prev_hash": _HASH, "hash": _HASH, "hash_version": shapes.one_of((1, CURRENT_VERSION)),
        "cites": shapes.of_type(dict, name="an object"), "legacy_citation": shapes.object_of({name: _SLUG for name in CITED}),
    },
    "head": {"seq": _INTEGER, "hash": _HASH, "events": _INTEGER, "signature": _HASH},
}
if set(_SHAPES["event"]) - _OPTIONAL["event"] - {"prev_hash", "hash"} != {f.name for f in records.FIELDS}:
    raise ImportError("events.archive: the event line's shape must check every field records.FIELDS declares")


def _check(row: dict, kind: str, number: int) -> None:
    for name, check in _SHAPES[kind].items():
        if name not in row:
            if name in _OPTIONAL.get(kind, ()):
                continue
            raise ValidationError("is missing", field=f"line {number}: {name}")
        problem = check(row[name])
        if problem:
            raise ValidationError(problem, field=f"line {number}: {name}")
    payload = row.get("payload")
    if isinstance(payload, dict):
        problem = shapes.json_value(payload)
        if problem:
            raise ValidationError(problem, field=f"line {number}: payload")


# Writing


def _import_reference_data(parsed: _Parsed) -> None:
    try:
        with transaction.atomic():
            _write_reference_data(parsed)
    except IntegrityError as exc:
        raise ValidationError(f"the entities, sources or organisations clash with this store's: {exc}", field="file") from None
    if connection.vendor == "postgresql":  # ids were given: move each table's sequence past them
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), _KEPT_IDS):
                cursor.execute(statement)


def _write_reference_data(parsed: _Parsed) -> None:
    def keep(model, row: dict, key: str, defaults: dict):
        lookup = {"pk": row["id"]} if row.get("id") is not None else {key: row[key]}
        return model.objects.update_or_create(**lookup, defaults={key: row[key], **defaults})[0]

    for _, row in parsed.entities:
        keep(Entity, row, "slug", {"type": row["entity_type"], "name": row["name"], "iso3": row["iso3"]})
    for number, row in parsed.entities:
        entity = Entity.objects.get(slug=row["slug"])
        entity.country = _by_slug(Entity, row["country"], number, "country")
        entity.save(update_fields=["country"])
        for name, kind in row["aliases"]:
            EntityAlias.objects.update_or_create(entity=entity, name=name, defaults={"kind": kind})
    for _, row in parsed.sources:
        published = PartialDate.parse(row["published"]) if row["published"] else None
        keep(Source, row, "key", {"title": row["title"], "publisher": row["publisher"], "url": row["url"], "kind": row["kind"],
                                  "reliability": row["reliability"], "content_hash": row["content_hash"], "published": published})
    for number, row in parsed.organisations:
        org = keep(Organisation, row, "slug", {"name": row["name"], "short_name": row["short_name"],
                                               "description": row["description"],
                                               "entity": _by_slug(Entity, row["entity"], number, "entity")})
        for model, key, items in ((Status, "slug", row["statuses"]), (Office, "slug", row["offices"]), (MeetingType, "slug", row["meeting_types"])):
            for item in items:
                fields = dict(item)
                model.objects.update_or_create(organisation=org, **{key: fields.pop(key)}, defaults=fields)


def _by_slug(model, slug: str | None, number: int, name: str):
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError(f"{slug!r} is not an entity of the export", field=f"line {number}: {name}")
    return found


_KEYS = {"organisation": (Organisation, "slug"), "subject": (Entity, "slug"), "source": (Source, "key")}


def _events(parsed: _Parsed) -> tuple[list[Event], list[LegacyCitation]]:
    """The Event rows to restore (references resolved: by id, or by key for an export of version 1)."""
    found: dict[tuple[str, Any], int] = {}
    events, legacy = [], []
    for line in parsed.events:
        ids = {}
        for name, value in line.cites.items():
            model, key = _KEYS[name]
            lookup = {"pk": value} if isinstance(value, int) else {key: value}
            if (name, value) not in found:
                pk = model.objects.filter(**lookup).values_list("pk", flat=True).first()
                if pk is None:
                    raise ValidationError(f"{value!r} is not a {model._meta.verbose_name} of the export", field=f"line {line.number}: {name}")
                found[(name, value)] = pk
            ids[CITED[name]] = found[(name, value)]
        values = {column: value for column, value in records.assignments(line.record).items() if "__" not in column}
        event = Event(**values, **ids, prev_hash=line.prev_hash, hash=line.hash)
        events.append(event)
        if line.legacy is not None:
            legacy.append(LegacyCitation(event_id=event.id, **line.legacy))
    return events, legacy
