"""Load a curated dataset (seeds/<org>/*.toml) into the store, idempotently.

Reference data (organisation, vocabulary, entities, sources) is brought up to date in place.
Events are appended once per seed key: an unchanged row appends nothing, a changed row
appends a correction, and with `prune` a row removed from the files is retracted.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as FieldError
from django.db import transaction

from . import store
from .domain.dates import InvalidDate, PartialDate
from .domain.errors import ValidationError
from .domain.shapes import http_url
from .domain.kinds import KINDS, Vocabulary, get_kind, validate_payload, validate_subject
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
        except UnicodeDecodeError as exc:
            raise ValidationError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})", field="seeds") from None
    return dataset


def load(directory: Path, prune: bool = False) -> LoadReport:
    """Load one organisation's dataset directory; all or nothing, and nothing unless every row is valid."""
    dataset = read_dataset(directory)
    check_dataset(dataset)
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


def _nulls(kind, payload: dict[str, Any]) -> dict[str, Any]:
    """TOML has no null: "none" in a field its kind lets be null means null (a status of none)."""
    payload = dict(payload)
    for spec in kind.fields if kind else ():
        if spec.nullable and payload.get(spec.name) == "none":
            payload[spec.name] = None
    return payload


def _seed_fields(organisation: Organisation, row: dict[str, Any]) -> dict[str, Any]:
    payload = _nulls(KINDS.get(row.get("kind", "")), row.get("payload", {}))
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


# --- validation: every row of every file, before anything is written --------------------------------

SLUG = re.compile(r"^[-a-z0-9_]+$")
ISO3 = re.compile(r"^[A-Z]{3}$")
_HTTP_URL = http_url(Source._meta.get_field("url").max_length)  # the rule import_log applies too
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class _Rows:
    """Collects what is wrong, each problem under "file.toml, table row N (key), field"."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def table(self, data: dict[str, Any], file: str, name: str) -> list[tuple[str, dict[str, Any]]]:
        """The rows of an array of tables, each with the label that names it in a message."""
        rows = data.get(name, [])
        if not isinstance(rows, list):
            self.errors.setdefault(f"{file}.toml, {name}", []).append("must be an array of tables ([[" + name + "]])")
            return []
        labelled = []
        for number, row in enumerate(rows, start=1):
            ident = row.get("key", row.get("slug")) if isinstance(row, dict) else None
            label = f"{file}.toml, {name} row {number}" + (f" ({ident})" if isinstance(ident, str) else "")
            if isinstance(row, dict):
                labelled.append((label, row))
            else:
                self.errors.setdefault(label, []).append("must be a table")
        return labelled

    def add(self, label: str, name: str, message: str) -> None:
        self.errors.setdefault(f"{label}, {name}", []).append(message)

    def model_fields(self, label: str, row: dict[str, Any], model, names: dict[str, str]) -> None:
        """Each row field checked as its model field checks it (required, length, slug shape, declared choices)."""
        for name, column in names.items():
            value = row.get(name)
            if value is not None and not isinstance(value, str):
                self.add(label, name, f"{value!r} is not text")
                continue
            try:
                model._meta.get_field(column).clean(value if value is not None else "", None)
            except FieldError as exc:
                self.add(label, name, " ".join(exc.messages) + (" (it is missing)" if value is None else ""))

    def slug(self, label: str, row: dict[str, Any], name: str, seen: set[str]) -> str | None:
        value = row.get(name)
        if not isinstance(value, str) or not SLUG.match(value):
            self.add(label, name, f"{value!r} is not a slug (lower-case letters, digits, - and _)")
            return None
        if value in seen:
            self.add(label, name, f"{value!r} is used by an earlier row")
        seen.add(value)
        return value

    def number(self, label: str, row: dict[str, Any], name: str, default: float | None = None) -> None:
        value = row.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(label, name, f"{value!r} is not a number" + (" (it is missing)" if value is None else ""))
        elif math.isnan(value) or not 0 <= value <= 1:
            self.add(label, name, f"{value!r} is not between 0 and 1")

    def partial_date(self, label: str, row: dict[str, Any], name: str, required: bool) -> None:
        value = row.get(name)
        if value in (None, "") and not required:
            return
        try:
            PartialDate.parse(str(value) if value is not None else "")
        except InvalidDate as exc:
            self.add(label, name, str(exc) if value is not None else "is required")


def check_dataset(dataset: dict[str, Any]) -> None:
    """Raise a ValidationError naming file, row and field for everything wrong in the files; nothing is read twice."""
    rows = _Rows()
    entities = _check_entities(rows, dataset["entities"])
    sources = _check_sources(rows, dataset["sources"])
    vocabulary = _check_organisation(rows, dataset["organisation"], entities)
    _check_events(rows, dataset["events"], vocabulary, entities, sources)
    if rows.errors:
        raise ValidationError(rows.errors)


def _check_organisation(rows: _Rows, data: dict[str, Any], entities: dict[str, str]) -> Vocabulary | None:
    info = data.get("organisation")
    if not isinstance(info, dict):
        rows.add("organisation.toml", "[organisation]", "the table is missing")
        return None
    label = "organisation.toml, [organisation]"
    slug = rows.slug(label, info, "slug", set())
    rows.model_fields(label, info, Organisation, {"name": "name"})
    if info.get("entity") is not None and _entity_type(info["entity"], entities) is None:
        rows.add(label, "entity", f"{info['entity']!r} is not an entity in entities.toml")
    declared: dict[str, set[str]] = {}
    for table, model, names in (
        ("statuses", Status, {"label": "label", "plural": "plural"}),
        ("offices", Office, {"label": "label", "holder": "holder"}),
        ("meeting_types", MeetingType, {"label": "label"}),
    ):
        declared[table] = set()
        for row_label, row in rows.table(data, "organisation", table):
            rows.slug(row_label, row, "slug", declared[table])
            rows.model_fields(row_label, row, model, names)
    if slug is None:
        return None
    existing = Organisation.objects.filter(slug=slug).first()
    if existing is not None:  # what the database already declares stays declared (rows are updated, never removed)
        known = store.vocabulary(existing)
        declared["statuses"] |= known.statuses
        declared["offices"] |= known.offices
        declared["meeting_types"] |= known.meeting_types
    return Vocabulary(slug, frozenset(declared["statuses"]), frozenset(declared["offices"]), frozenset(declared["meeting_types"]))


def _check_entities(rows: _Rows, data: dict[str, Any]) -> dict[str, str]:
    """Each entity's type by slug, as the files declare it."""
    types: dict[str, str] = {}
    slugs: set[str] = set()
    iso3s: dict[str, str] = {}
    table = rows.table(data, "entities", "entities")
    for label, row in table:
        slug = rows.slug(label, row, "slug", slugs)
        rows.model_fields(label, row, Entity, {"type": "type", "name": "name"})
        if slug is not None and isinstance(row.get("type"), str):
            types[slug] = row["type"]
        iso3 = row.get("iso3")
        if iso3 is not None:
            if not isinstance(iso3, str) or not ISO3.match(iso3):
                rows.add(label, "iso3", f"{iso3!r} is not an ISO 3166-1 alpha-3 code (three capital letters)")
            elif iso3 in iso3s:
                rows.add(label, "iso3", f"{iso3!r} is already the code of {iso3s[iso3]!r}")
            elif Entity.objects.filter(iso3=iso3).exclude(slug=slug).exists():
                rows.add(label, "iso3", f"{iso3!r} is the code of another entity in the database")
            else:
                iso3s[iso3] = slug
        for names in ("aliases", "demonyms"):
            value = row.get(names, [])
            if not isinstance(value, list) or not all(isinstance(name, str) and 0 < len(name) <= 200 for name in value):
                rows.add(label, names, "must be a list of names (1 to 200 characters each)")
    for label, row in table:  # countries may name rows further down
        country = row.get("country")
        if country is not None and _entity_type(country, types) is None:
            rows.add(label, "country", f"{country!r} is not an entity in entities.toml")
    return types


def _check_sources(rows: _Rows, data: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    hashes: set[str] = set()
    for label, row in rows.table(data, "sources", "sources"):
        key = rows.slug(label, row, "key", keys)
        rows.model_fields(label, row, Source, {"title": "title", "publisher": "publisher", "url": "url", "kind": "kind"})
        if problem := _HTTP_URL(row.get("url", "")):
            rows.add(label, "url", problem)
        rows.partial_date(label, row, "published", required=False)
        rows.number(label, row, "reliability", default=0.5)
        digest = row.get("sha256")
        if digest is not None:
            if not isinstance(digest, str) or not SHA256.match(digest):
                rows.add(label, "sha256", "is not 64 lower-case hexadecimal digits")
            elif digest in hashes or Source.objects.filter(content_hash=digest).exclude(key=key).exists():
                rows.add(label, "sha256", "is the hash of another source")
            hashes.add(digest)
    return keys


def _check_events(rows: _Rows, data: dict[str, Any], vocabulary, entities: dict[str, str], sources: set[str]) -> None:
    keys: set[str] = set()
    for label, row in rows.table(data, "events", "events"):
        rows.slug(label, row, "key", keys)
        kind = None
        try:
            kind = get_kind(row.get("kind")) if isinstance(row.get("kind"), str) else None
        except ValidationError as exc:
            rows.add(label, "kind", exc.errors["kind"][0])
        if not isinstance(row.get("kind"), str):
            rows.add(label, "kind", f"{row.get('kind')!r} is not a kind (known: {', '.join(sorted(KINDS))})")
        subject = row.get("subject")
        subject_type = _entity_type(subject, entities) if isinstance(subject, str) else None
        if subject_type is None:
            rows.add(label, "subject", f"{subject!r} is not an entity in entities.toml")
        rows.partial_date(label, row, "date", required=True)
        source = row.get("source")
        if not isinstance(source, str) or not (source in sources or Source.objects.filter(key=source).exists()):
            rows.add(label, "source", f"{source!r} is not a source in sources.toml")
        rows.number(label, row, "confidence")
        for name in ("locator", "note"):
            if not isinstance(row.get(name, ""), str):
                rows.add(label, name, "must be text")
        payload = row.get("payload", {})
        if not isinstance(payload, dict):
            rows.add(label, "payload", "must be a table ({ field = value, ... })")
        elif kind is not None and vocabulary is not None:
            _check_kind(rows, label, kind, subject_type, _nulls(kind, payload), vocabulary, entities)


def _check_kind(rows: _Rows, label: str, kind, subject_type, payload, vocabulary, entities) -> None:
    try:
        if subject_type is not None:
            validate_subject(kind, subject_type)
        validate_payload(kind, payload, vocabulary, lambda slug: _entity_type(slug, entities))
    except ValidationError as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                rows.add(label, name, message)


def _entity_type(slug: str, types: dict[str, str]) -> str | None:
    if slug in types:
        return types[slug]
    return Entity.objects.filter(slug=slug).values_list("type", flat=True).first()
