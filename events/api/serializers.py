"""What the API reads from requests and writes in responses.

Events are rendered by `event_documents`, a plain function over `event_rows` tuples shared by
the list and the detail (the hot path has no per-object serializer); `EventDocument`
declares the same shape for the OpenAPI schema, and a test keeps the two in step.
Request bodies are strict: an unknown field is refused, never silently dropped.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework import serializers

from events import queries
from events.domain.dates import iso_at_precision
from events.domain.diffs import Change, Movement
from events.domain.kinds import KINDS
from events.domain.replay import EventRecord, Standing
from events.models import Entity, Event, Organisation, Source

# The columns one event document needs, fetched in one query with its joins.
EVENT_COLUMNS = (
    "id", "seq", "organisation__slug", "kind", "subject__slug", "subject__name", "subject__type", "subject__iso3",
    "payload", "date_earliest", "date_latest", "date_precision", "source__key", "source__title", "locator",
    "confidence", "note", "recorded_at", "recorded_by", "corrects_id", "retracts_id", "amended",
)
(ID, SEQ, ORGANISATION, KIND, SUBJECT, SUBJECT_NAME, SUBJECT_TYPE, SUBJECT_ISO3, PAYLOAD, EARLIEST, LATEST,
 PRECISION, SOURCE, SOURCE_TITLE, LOCATOR, CONFIDENCE, NOTE, RECORDED_AT, RECORDED_BY, CORRECTS, RETRACTS,
 AMENDED) = range(len(EVENT_COLUMNS))


# Built once: the ORM takes longer to build this subquery than the database takes to run it for a page.
_AMENDED = Exists(Event.objects.filter(Q(corrects=OuterRef("pk")) | Q(retracts=OuterRef("pk"))))


def event_rows(events: QuerySet[Event]) -> QuerySet:
    """The events as tuples of EVENT_COLUMNS; `amended` says whether any event corrects or retracts one.

    Filtering the result further keeps its columns (filters that need more use `alias`, not
    `annotate`), so a list can start from rows built once and clone them per request.
    """
    return events.annotate(amended=_AMENDED).values_list(*EVENT_COLUMNS)


def event_documents(rows: Iterable[tuple], detail_prefix: str) -> list[dict[str, Any]]:
    """Event documents from `event_rows`, linked both ways to their corrections and retractions.

    Only events that have been corrected or retracted cost a second query, one for the whole page.
    """
    rows = list(rows)
    amendments = queries.amendments_of([row[ID] for row in rows if row[AMENDED]])
    return [_event_document(row, amendments.get(row[ID], NO_AMENDMENTS), detail_prefix) for row in rows]


NO_AMENDMENTS: dict[str, list[UUID]] = {"corrected_by": [], "retracted_by": []}


def _event_document(row: tuple, amendments: dict[str, list[UUID]], prefix: str) -> dict[str, Any]:
    event_id = str(row[ID])
    corrects, retracts = row[CORRECTS], row[RETRACTS]
    return {
        "id": event_id,
        "url": f"{prefix}{event_id}/",
        "seq": row[SEQ],
        "organisation": row[ORGANISATION],
        "kind": row[KIND],
        "subject": {"slug": row[SUBJECT], "name": row[SUBJECT_NAME], "type": row[SUBJECT_TYPE], "iso3": row[SUBJECT_ISO3]},
        "payload": row[PAYLOAD],
        "date": iso_at_precision(row[EARLIEST], row[PRECISION]),
        "date_earliest": row[EARLIEST].isoformat(),
        "date_latest": row[LATEST].isoformat(),
        "date_precision": row[PRECISION],
        "source": {"key": row[SOURCE], "title": row[SOURCE_TITLE]},
        "locator": row[LOCATOR],
        "confidence": row[CONFIDENCE],
        "note": row[NOTE],
        "recorded_at": row[RECORDED_AT].isoformat(),
        "recorded_by": row[RECORDED_BY],
        "corrects": str(corrects) if corrects else None,
        "retracts": str(retracts) if retracts else None,
        "corrected_by": [str(i) for i in amendments["corrected_by"]],
        "retracted_by": [str(i) for i in amendments["retracted_by"]],
    }


class SubjectDocument(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=Entity.Type.choices)
    iso3 = serializers.CharField(allow_null=True)


class SourceReference(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()


class EventDocument(serializers.Serializer):
    """Declares what `event_documents` returns (for the schema; never instantiated on the hot path)."""

    id = serializers.UUIDField()
    url = serializers.URLField()
    seq = serializers.IntegerField(help_text="Global transaction order: strictly increasing.")
    organisation = serializers.SlugField()
    kind = serializers.ChoiceField(choices=list(KINDS))
    subject = SubjectDocument()
    payload = serializers.DictField(help_text="The kind's fields (see /api/kinds/).")
    date = serializers.CharField(help_text="The partial date at its precision: YYYY, YYYY-MM or YYYY-MM-DD.")
    date_earliest = serializers.DateField(help_text="The first day the date can mean.")
    date_latest = serializers.DateField(help_text="The last day the date can mean.")
    date_precision = serializers.ChoiceField(choices=["day", "month", "year"])
    source = SourceReference()
    locator = serializers.CharField(allow_blank=True, help_text="Where in the source: line, paragraph, page.")
    confidence = serializers.FloatField(min_value=0, max_value=1)
    note = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()
    corrects = serializers.UUIDField(allow_null=True, help_text="The event this one replaces.")
    retracts = serializers.UUIDField(allow_null=True, help_text="The event this one withdraws.")
    corrected_by = serializers.ListField(child=serializers.UUIDField(), help_text="Events that replace this one.")
    retracted_by = serializers.ListField(child=serializers.UUIDField(), help_text="Events that withdraw this one.")


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (no mass assignment)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["is not a field of this request"] for name in unknown})
        return super().to_internal_value(data)


class AppendRequest(StrictSerializer):
    organisation = serializers.SlugField(help_text="Organisation slug, e.g. sco.")
    kind = serializers.CharField(help_text="A kind from /api/kinds/.")
    subject = serializers.CharField(help_text="Slug of the entity the event is about.")
    payload = serializers.DictField(help_text="The kind's fields, e.g. {\"status\": \"member\"}.")
    date = serializers.CharField(help_text="Partial date: YYYY, YYYY-MM or YYYY-MM-DD.")
    source = serializers.CharField(help_text="Source key.")
    confidence = serializers.FloatField(help_text="From 0 to 1.")
    locator = serializers.CharField(required=False, allow_blank=True, max_length=255)
    note = serializers.CharField(required=False, allow_blank=True)


class CorrectRequest(StrictSerializer):
    """What a correction changes; fields left out are carried over from the corrected event."""

    note = serializers.CharField(help_text="What the correction fixes.")
    kind = serializers.CharField(required=False)
    subject = serializers.CharField(required=False)
    payload = serializers.DictField(required=False)
    date = serializers.CharField(required=False)
    source = serializers.CharField(required=False)
    confidence = serializers.FloatField(required=False)
    locator = serializers.CharField(required=False, allow_blank=True, max_length=255)


class RetractRequest(StrictSerializer):
    reason = serializers.CharField(help_text="Why the event is withdrawn.")
    source = serializers.CharField(required=False, help_text="Source key of the retraction (default: editorial).")


class SourceSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField(help_text="Partial date: YYYY, YYYY-MM or YYYY-MM-DD.")

    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "url", "published", "kind", "reliability", "content_hash"]

    def get_published(self, source: Source) -> str | None:
        return str(source.published) if source.published else None


class EntitySerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Entity
        fields = ["slug", "name", "type", "iso3", "country", "aliases"]


class VocabularyEntry(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()


class StatusEntry(VocabularyEntry):
    plural = serializers.SlugField(help_text="The key of this status's list in /api/state/.")


class OfficeEntry(VocabularyEntry):
    key = serializers.SlugField(help_text="The key of this office in /api/state/.")
    holder = serializers.CharField(help_text="Who holds it: a state or a person.")


class OrganisationSerializer(serializers.ModelSerializer):
    statuses = StatusEntry(many=True, read_only=True)
    offices = OfficeEntry(many=True, read_only=True)
    meeting_types = VocabularyEntry(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "short_name", "description", "statuses", "offices", "meeting_types"]


def kind_document(name: str) -> dict[str, Any]:
    kind = KINDS[name]
    return {
        "name": kind.name,
        "label": kind.label,
        "subject_types": sorted(t.value for t in kind.subject_types),
        "fields": [
            {"name": f.name, "type": f.type.value, "required": f.required, "nullable": f.nullable} for f in kind.fields
        ],
    }


def diff_document(organisation: Organisation, before_at, after_at, known_at, changes: list[Change]) -> dict[str, Any]:
    """Who joined, left or changed status, and which offices changed hands, each with its causes."""
    entities = queries.entities_by_slug(
        {s.holder for change in changes for s in (change.before, change.after) if s is not None}
    )
    offices = {o.slug: o for o in organisation.offices.all()}
    document: dict[str, Any] = {
        "organisation": organisation.slug,
        "from": before_at.isoformat(),
        "to": after_at.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        **{movement.value: [] for movement in Movement},
        "offices": [],
    }
    for change in changes:
        if change.family == "office":
            office = offices.get(change.slot[1])
            document["offices"].append(
                {
                    "office": office.key if office else change.slot[1],
                    "label": office.label if office else change.slot[1],
                    "from": _holder(change.before, entities),
                    "to": _holder(change.after, entities),
                    **_cause_fields(change),
                }
            )
        else:
            entity = entities[(change.after or change.before).holder]
            document[change.movement.value].append(
                {
                    "slug": entity.slug, "iso3": entity.iso3, "name": entity.name,
                    "from": change.value_before, "to": change.value_after, **_cause_fields(change),
                }
            )
    return document


def _holder(standing: Standing | None, entities: dict[str, Entity]) -> dict[str, Any] | None:
    if standing is None:
        return None
    holder = entities[standing.holder]
    if holder.type == Entity.Type.STATE:
        return {"slug": holder.slug, "name": holder.name, "iso3": holder.iso3}
    return {"slug": holder.slug, "name": holder.name, "nationality": holder.country.iso3 if holder.country else None}


def _cause_fields(change: Change) -> dict[str, Any]:
    standing = change.after or change.before
    return {
        "since": str(standing.since),
        "certain": standing.certain,
        "events": [_cause(record) for record in change.causes],
    }


def _cause(record: EventRecord) -> dict[str, Any]:
    return {
        "id": str(record.id), "kind": record.kind, "date": str(record.date),
        "source": record.source, "confidence": record.confidence,
    }


class KindField(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    nullable = serializers.BooleanField()


class KindDocument(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    subject_types = serializers.ListField(child=serializers.ChoiceField(choices=Entity.Type.choices))
    fields = KindField(many=True)


class EntityHistoryDocument(serializers.Serializer):
    entity = EntitySerializer()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EventDocument(many=True)
