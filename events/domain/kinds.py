"""The kind registry: each kind of event declares its subject types, payload fields and the view it feeds.

Pure Python. A new kind is one `Kind(...)` entry in `KINDS`; validation, replay and the
feeds read these declarations instead of branching on kind names.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

from .dates import InvalidDate, PartialDate
from .errors import ValidationError
from .text import clean_text


class EntityType(str, Enum):
    STATE = "state"
    PERSON = "person"
    BODY = "body"
    PLACE = "place"
    DOCUMENT = "document"


class FieldType(str, Enum):
    STATUS = "status"  # one of the organisation's membership statuses, or None for "no status"
    OFFICE = "office"  # one of the organisation's offices
    MEETING_TYPE = "meeting_type"
    TEXT = "text"
    BOOL = "bool"
    PARTIAL_DATE = "partial_date"
    PLACE = "place"  # slug of an entity of type place


@dataclass(frozen=True)
class Vocabulary:
    """What an organisation declares as data: its statuses, offices and meeting types (slugs)."""

    organisation: str
    statuses: frozenset[str]
    offices: frozenset[str]
    meeting_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PayloadField:
    name: str
    type: FieldType
    required: bool = True
    nullable: bool = False
    max_length: int = 500


# Slot and happening keys: events with the same key compete (slot) or describe one thing (happening).
SlotKey = tuple[str, str]
KeyFunction = Callable[[str, Mapping[str, Any]], SlotKey | None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    subject_types: frozenset[EntityType]
    fields: tuple[PayloadField, ...] = ()
    # For slot kinds: (slot family, slot name) from (subject slug, payload); replay keeps one value per slot.
    slot: KeyFunction | None = None
    # The value a slot takes from an event (the status, the office holder).
    slot_value: Callable[[str, Mapping[str, Any]], str | None] | None = None
    # For happenings: one thing that happened once; two different dates for it are a conflict.
    happening: KeyFunction | None = None
    # A short phrase for titles: "{subject} becomes {status}" -> "India becomes a member".
    phrase: str = "{subject}: {label}"
    # The phrase when the slot's value is cleared (a status of none): "Uzbekistan no longer has a status".
    cleared_phrase: str = ""
    copies_target: bool = field(default=False)  # retractions take subject and date from their target


def _membership_slot(subject: str, payload: Mapping[str, Any]) -> SlotKey:
    return ("membership", subject)


def _office_slot(subject: str, payload: Mapping[str, Any]) -> SlotKey:
    return ("office", payload["office"])


def _subject_happening(kind: str) -> KeyFunction:
    return lambda subject, payload: (kind, subject)


def _meeting_happening(subject: str, payload: Mapping[str, Any]) -> SlotKey:
    return ("meeting.held", f"{subject}/{payload['meeting']}/{payload['name']}")


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "membership.status",
            "membership status",
            frozenset({EntityType.STATE}),
            (
                PayloadField("status", FieldType.STATUS, nullable=True),
                PayloadField("observed", FieldType.BOOL, required=False),
            ),
            slot=_membership_slot,
            slot_value=lambda subject, payload: payload["status"],
            phrase="{subject} becomes {status}",
            cleared_phrase="{subject} no longer has a status",
        ),
        Kind(
            "office.assumed",
            "office assumed",
            frozenset({EntityType.STATE, EntityType.PERSON}),
            (
                PayloadField("office", FieldType.OFFICE),
                PayloadField("term_end", FieldType.PARTIAL_DATE, required=False),
            ),
            slot=_office_slot,
            slot_value=lambda subject, payload: subject,
            phrase="{subject} takes office as {office}",
        ),
        Kind(
            "meeting.held",
            "meeting held",
            frozenset({EntityType.PLACE}),
            (
                PayloadField("meeting", FieldType.MEETING_TYPE),
                PayloadField("name", FieldType.TEXT),
                PayloadField("until", FieldType.PARTIAL_DATE, required=False),
            ),
            happening=_meeting_happening,
            phrase="{name} held in {subject}",
        ),
        Kind(
            "document.signed",
            "document signed",
            frozenset({EntityType.DOCUMENT}),
            (PayloadField("place", FieldType.PLACE, required=False),),
            happening=_subject_happening("document.signed"),
            phrase="{subject} signed",
        ),
        Kind(
            "document.in_force",
            "document in force",
            frozenset({EntityType.DOCUMENT}),
            happening=_subject_happening("document.in_force"),
            phrase="{subject} enters into force",
        ),
        Kind(
            "body.established",
            "body established",
            frozenset({EntityType.BODY}),
            (PayloadField("place", FieldType.PLACE, required=False),),
            happening=_subject_happening("body.established"),
            phrase="{subject} established",
        ),
        Kind(
            "organisation.founded",
            "organisation founded",
            frozenset({EntityType.BODY}),
            (PayloadField("place", FieldType.PLACE, required=False),),
            happening=_subject_happening("organisation.founded"),
            phrase="{subject} founded",
        ),
        Kind(
            "retraction",
            "retraction",
            frozenset(EntityType),
            (PayloadField("reason", FieldType.TEXT),),
            phrase="retraction: {reason}",
            copies_target=True,
        ),
    )
}

RETRACTION = "retraction"


# The payload field types whose value is an entity's slug, and the type of entity they name.
_NAMES_ENTITY = {FieldType.PLACE: EntityType.PLACE}


@lru_cache(maxsize=None)
def payload_fields_naming(entity_type: str) -> tuple[str, ...]:
    """The payload fields, across every kind, that can hold the slug of an entity of this type."""
    return tuple(
        sorted({spec.name for kind in KINDS.values() for spec in kind.fields if _NAMES_ENTITY.get(spec.type) == entity_type})
    )


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise ValidationError(f"{name!r} is not a kind (known: {known})", field="kind") from None


def validate_subject(kind: Kind, subject_type: str) -> None:
    if subject_type not in {t.value for t in kind.subject_types}:
        allowed = " or ".join(sorted(t.value for t in kind.subject_types))
        raise ValidationError(
            f"a {kind.name} event is about a {allowed}, not a {subject_type}", field="subject"
        )


def validate_payload(
    kind: Kind,
    payload: Any,
    vocabulary: Vocabulary,
    entity_type_of: Callable[[str], str | None] = lambda slug: None,
) -> dict[str, Any]:
    """Return the payload cleaned to its declared fields, or raise naming every bad field."""
    if not isinstance(payload, Mapping):
        raise ValidationError("must be an object", field="payload")
    errors: dict[str, list[str]] = {}
    declared = {f.name for f in kind.fields}
    for unknown in sorted(set(payload) - declared):
        errors[f"payload.{unknown}"] = [f"is not a field of {kind.name} (fields: {', '.join(sorted(declared)) or 'none'})"]
    cleaned: dict[str, Any] = {}
    for spec in kind.fields:
        path = f"payload.{spec.name}"
        if spec.name not in payload:
            if spec.required:
                errors[path] = ["is required"]
            continue
        try:
            cleaned[spec.name] = _clean_value(spec, payload[spec.name], vocabulary, entity_type_of)
        except ValueError as exc:
            errors[path] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(spec: PayloadField, value: Any, vocabulary: Vocabulary, entity_type_of) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise ValueError("may not be null")
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    value = clean_text(value, spec.max_length)
    if not value:
        raise ValueError("may not be blank")
    declared = {
        FieldType.STATUS: ("status", vocabulary.statuses),
        FieldType.OFFICE: ("office", vocabulary.offices),
        FieldType.MEETING_TYPE: ("meeting type", vocabulary.meeting_types),
    }
    if spec.type in declared:
        what, choices = declared[spec.type]
        if value not in choices:
            raise ValueError(
                f"{value!r} is not a {what} of {vocabulary.organisation} (known: {', '.join(sorted(choices))})"
            )
        return value
    if spec.type is FieldType.PARTIAL_DATE:
        try:
            return str(PartialDate.parse(value))
        except InvalidDate as exc:
            raise ValueError(str(exc)) from None
    if spec.type is FieldType.PLACE:
        found = entity_type_of(value)
        if found is None:
            raise ValueError(f"{value!r} is not a known entity")
        if found != EntityType.PLACE.value:
            raise ValueError(f"{value!r} is a {found}, not a place")
        return value
    return value


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
