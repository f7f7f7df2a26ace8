"""The log as a portable file: export everything to JSON Lines, import it into an empty store.

One object a line, tagged by "type": entities, sources, organisations (with their
vocabulary), then events in seq order with their hashes, so the chain verifies on arrival.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db import transaction

from . import records, store
from .domain.dates import PartialDate
from .domain.errors import ValidationError
from .integrity import chained
from .models import Entity, EntityAlias, MeetingType, Office, Organisation, Source, Status


def export_lines() -> Iterator[dict[str, Any]]:
    for entity in Entity.objects.select_related("country").prefetch_related("aliases").order_by("pk"):
        yield {"type": "entity", "slug": entity.slug, "entity_type": entity.type, "name": entity.name, "iso3": entity.iso3,
               "country": entity.country.slug if entity.country else None,
               "aliases": [[alias.name, alias.kind] for alias in entity.aliases.all()]}
    for source in Source.objects.order_by("pk"):
        yield {"type": "source", "key": source.key, "title": source.title, "publisher": source.publisher, "url": source.url,
               "published": str(source.published) if source.published else None, "kind": source.kind,
               "reliability": source.reliability, "content_hash": source.content_hash}
    for org in Organisation.objects.select_related("entity").order_by("pk"):
        yield {"type": "organisation", "slug": org.slug, "name": org.name, "short_name": org.short_name,
               "description": org.description, "entity": org.entity.slug if org.entity else None,
               "statuses": list(org.statuses.values("slug", "label", "plural", "label_plural", "description", "order")),
               "offices": list(org.offices.values("slug", "key", "label", "holder", "order")),
               "meeting_types": list(org.meeting_types.values("slug", "label"))}
    for record, prev_hash, hash in chained():
        yield {"type": "event", **records.to_json(record), "prev_hash": prev_hash, "hash": hash}


def write_export(stream: IO[str]) -> int:
    count = 0
    for line in export_lines():
        stream.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def import_stream(stream: Iterable[str]) -> int:
    """Import an export into a store with no events; all or nothing. Returns the events restored."""
    rows = []
    for number, text in enumerate(stream, start=1):
        if text.strip():
            try:
                rows.append(json.loads(text))
            except json.JSONDecodeError as exc:
                raise ValidationError(f"line {number} is not JSON: {exc}", field="file") from None
    with transaction.atomic():
        _import_reference_data(rows)
        return store.restore(row for row in rows if row.get("type") == "event")


def _import_reference_data(rows: list[dict[str, Any]]) -> None:
    entities = [r for r in rows if r.get("type") == "entity"]
    for row in entities:
        Entity.objects.update_or_create(slug=row["slug"], defaults={"type": row["entity_type"], "name": row["name"], "iso3": row["iso3"]})
    for row in entities:
        entity = Entity.objects.get(slug=row["slug"])
        entity.country = Entity.objects.get(slug=row["country"]) if row["country"] else None
        entity.save(update_fields=["country"])
        for name, kind in row["aliases"]:
            EntityAlias.objects.update_or_create(entity=entity, name=name, defaults={"kind": kind})
    for row in (r for r in rows if r.get("type") == "source"):
        published = PartialDate.parse(row["published"]) if row["published"] else None
        Source.objects.update_or_create(key=row["key"], defaults={
            "title": row["title"], "publisher": row["publisher"], "url": row["url"], "kind": row["kind"],
            "reliability": row["reliability"], "content_hash": row["content_hash"], "published": published})
    for row in (r for r in rows if r.get("type") == "organisation"):
        org, _ = Organisation.objects.update_or_create(slug=row["slug"], defaults={
            "name": row["name"], "short_name": row["short_name"], "description": row["description"],
            "entity": Entity.objects.get(slug=row["entity"]) if row["entity"] else None})
        for model, key, items in ((Status, "slug", row["statuses"]), (Office, "slug", row["offices"]), (MeetingType, "slug", row["meeting_types"])):
            for item in items:
                fields = dict(item)
                model.objects.update_or_create(organisation=org, **{key: fields.pop(key)}, defaults=fields)
