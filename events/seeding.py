"""Load a curated dataset (seeds/<org>/*.toml) into the store, idempotently.

Reference data (organisation, vocabulary, entities, sources) is brought up to date in place.
Events are appended once per seed key: an unchanged row appends nothing, a changed row
appends a correction, and with `prune` a row removed from the files is retracted.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from . import store
from .domain.dates import PartialDate
from .domain.errors import ValidationError
from .domain.kinds import KINDS
from .models import Entity, EntityAlias, Event, MeetingType, Office, Organisation, Source, Status

SEED_RECORDER = "seeds"
FILES = ("organisation", "entities", "sources", "events")


@dataclass
class LoadReport:
    organisation: str
    appended: int = 0
    corrected: int = 0
    retracted: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.organisation}: {self.appended} appended, {self.corrected} corrected, "
            f"{self.retracted} retracted, {self.unchanged} unchanged"
        )
        if self.missing:
            text += f"; {len(self.missing)} seeded events no longer in the files (retract them with --prune)"
        return text


def read_dataset(directory: Path) -> dict[str, Any]:
    dataset = {}
    for name in FILES:
        path = directory / f"{name}.toml"
        try:
            with path.open("rb") as handle:
                dataset[name] = tomllib.load(handle)
        except FileNotFoundError:
            raise ValidationError(f"{path} is missing", field="seeds") from None
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"{path}: {exc}", field="seeds") from None
    return dataset


def load(directory: Path, prune: bool = False) -> LoadReport:
    """Load one organisation's dataset directory; all or nothing."""
    dataset = read_dataset(directory)
    with transaction.atomic():
        organisation = _load_organisation(dataset["organisation"])
        _load_entities(dataset["entities"].get("entities", []))
        organisation.entity = _entity_or_none(dataset["organisation"]["organisation"].get("entity"))
        organisation.save()
        _load_sources(dataset["sources"].get("sources", []))
        return _load_events(organisation, dataset["events"].get("events", []), prune)


def _load_organisation(data: dict[str, Any]) -> Organisation:
    info = data["organisation"]
    organisation, _ = Organisation.objects.update_or_create(
        slug=info["slug"],
        defaults={"name": info["name"], "short_name": info.get("short_name", ""), "description": info.get("description", "")},
    )
    for order, row in enumerate(data.get("statuses", [])):
        Status.objects.update_or_create(
            organisation=organisation, slug=row["slug"],
            defaults={"label": row["label"], "plural": row["plural"], "label_plural": row.get("label_plural", row["plural"]),
                      "description": row.get("description", ""), "order": order},
        )
    for order, row in enumerate(data.get("offices", [])):
        Office.objects.update_or_create(
            organisation=organisation, slug=row["slug"],
            defaults={"key": row.get("key", row["slug"]), "label": row["label"], "holder": row["holder"], "order": order},
        )
    for row in data.get("meeting_types", []):
        MeetingType.objects.update_or_create(organisation=organisation, slug=row["slug"], defaults={"label": row["label"]})
    return organisation


def _load_entities(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        Entity.objects.update_or_create(
            slug=row["slug"], defaults={"type": row["type"], "name": row["name"], "iso3": row.get("iso3") or None}
        )
    for row in rows:  # countries refer to other entities: a second pass
        entity = Entity.objects.get(slug=row["slug"])
        country = _entity_or_none(row.get("country"))
        if entity.country_id != (country.pk if country else None):
            entity.country = country
            entity.save(update_fields=["country"])
        names = [(name, EntityAlias.Kind.ALIAS) for name in row.get("aliases", [])]
        names += [(name, EntityAlias.Kind.DEMONYM) for name in row.get("demonyms", [])]
        for name, kind in names:
            EntityAlias.objects.update_or_create(entity=entity, name=name, defaults={"kind": kind})


def _entity_or_none(slug: str | None) -> Entity | None:
    if not slug:
        return None
    try:
        return Entity.objects.get(slug=slug)
    except Entity.DoesNotExist:
        raise ValidationError(f"{slug!r} is not an entity in entities.toml", field="seeds") from None


def _load_sources(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        published = PartialDate.parse(row["published"]) if row.get("published") else None
        Source.objects.update_or_create(
            key=row["key"],
            defaults={
                "title": row["title"], "publisher": row.get("publisher", ""), "url": row.get("url", ""),
                "kind": row["kind"], "reliability": row.get("reliability", 0.5),
                "content_hash": row.get("sha256") or None,
                "published": published,
            },
        )


def _seed_fields(organisation: Organisation, row: dict[str, Any]) -> dict[str, Any]:
    payload = dict(row.get("payload", {}))
    # TOML has no null: "none" in a field its kind lets be null means null (a status of none).
    kind = KINDS.get(row.get("kind", ""))
    for spec in kind.fields if kind else ():
        if spec.nullable and payload.get(spec.name) == "none":
            payload[spec.name] = None
    return {
        "organisation": organisation, "kind": row["kind"], "subject": row["subject"], "payload": payload,
        "date": str(row["date"]), "source": row["source"], "confidence": row["confidence"],
        "locator": row.get("locator", ""), "note": row.get("note", ""),
    }


def _differs(event: Event, fields: dict[str, Any]) -> bool:
    """Whether a seed row asserts something else than its event; a changed note alone is no correction."""
    recorded = {
        "kind": event.kind, "subject": event.subject.slug, "payload": event.payload, "date": str(event.date),
        "source": event.source.key, "confidence": event.confidence, "locator": event.locator,
    }
    return any(recorded[name] != fields[name] for name in recorded)


def _current_seeded(organisation: Organisation) -> dict[str, Event]:
    """The standing event for each seed key: the latest one appended under it, unless retracted."""
    current: dict[str, Event] = {}
    for event in Event.objects.filter(organisation=organisation).exclude(seed_key="").with_relations().order_by("seq"):
        current[event.seed_key] = event
    retracted = set(Event.objects.filter(retracts__in=current.values()).values_list("retracts_id", flat=True))
    return {key: event for key, event in current.items() if event.id not in retracted}


def _load_events(organisation: Organisation, rows: list[dict[str, Any]], prune: bool) -> LoadReport:
    report = LoadReport(organisation.slug)
    current = _current_seeded(organisation)
    keys = [row.get("key", "") for row in rows]
    duplicated = sorted({k for k in keys if keys.count(k) > 1}) or [k for k in keys if not k]
    if duplicated:
        raise ValidationError(f"every event needs a unique key; bad: {duplicated[:5]}", field="seeds")
    requests = []
    for row in rows:
        fields = _seed_fields(organisation, row)
        existing = current.get(row["key"])
        if existing is None:
            requests.append(store.NewEvent(**fields, recorded_by=SEED_RECORDER, seed_key=row["key"]))
            report.appended += 1
        elif _differs(existing, fields):
            note = fields.pop("note") or "the curated dataset changed"
            requests.append(store.NewEvent(**fields, note=note, recorded_by=SEED_RECORDER, seed_key=row["key"], corrects=existing))
            report.corrected += 1
        else:
            report.unchanged += 1
    if requests:
        store.append_many(requests)
    gone = [event for key, event in current.items() if key not in set(keys)]
    report.missing = [event.seed_key for event in gone]
    if prune:
        for event in gone:
            store.retract(event=event, reason="removed from the curated dataset", recorded_by=SEED_RECORDER)
        report.retracted = len(gone)
    return report
