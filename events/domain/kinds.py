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
# A slot's name, or the value an assertion gives its slot, from (subject slug, payload).
Reading = Callable[[str, Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Family:
    """A family of slots (a state's membership; an office): what its values mean and how its changes read.

    `value_is_role`: the value is the role the slot's subject takes (membership: a status), or the
    slot itself is the role and its value is who holds it (an office). `roles` names the organisation's
    vocabulary the roles come from (statuses, offices), or None when the roles are the slots' own names.
    `plural` keys the family's list in documents when its roles are not a vocabulary's (and the
    list of its changes in a diff when its slots are the roles). Each phrase is (one subject, several).
    """

    name: str
    value_is_role: bool
    roles: FieldType | None = None
    plural: str = ""
    taken: tuple[str, str] = ("{who}: {role}", "{who}: {role}")
    cleared: tuple[str, str] = ("", "")  # the value became none
    replaced: tuple[str, str] = ("", "")  # somebody else held the slot before

    def __post_init__(self) -> None:
        if not self.plural:
            object.__setattr__(self, "plural", self.name)


@dataclass(frozen=True)
class Slot:
    """Where a kind's assertions compete: the family, the slot's name and the value each assertion gives it."""

    family: Family
    name: Reading
    value: Reading

    def key(self, subject: str, payload: Mapping[str, Any]) -> SlotKey:
        return (self.family.name, self.name(subject, payload))


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    subject_types: frozenset[EntityType]
    fields: tuple[PayloadField, ...] = ()
    # For slot kinds: replay keeps one value per slot, the latest assertion in force.
    slot: Slot | None = None
    # For happenings: one thing that happened once; two different dates for it are a conflict.
    happening: KeyFunction | None = None
    # A short phrase for titles: "{subject} becomes {status}" -> "India becomes a member".
    phrase: str = "{subject}: {label}"
    # The phrase when the slot's value is cleared (a status of none): "Uzbekistan no longer has a status".
    cleared_phrase: str = ""
    # The phrase for a sighting (payload `observed`: a source shows the value held on the date, not
    # that it began then): "India is listed as an observer".
    sighting_phrase: str = ""
    copies_target: bool = field(default=False)  # retractions take subject and date from their target

    def keys(self, subject: str, payload: Mapping[str, Any]) -> tuple[SlotKey, ...]:
        """The slots and happenings an assertion of this kind speaks to."""
        found = []
        if self.slot is not None:
            found.append(self.slot.key(subject, payload))
        if self.happening is not None:
            found.append(self.happening(subject, payload))
        return tuple(found)

    def phrase_for(self, subject: str, payload: Mapping[str, Any]) -> str:
        """The phrase that reads an assertion of this kind: a change, a value cleared, or a sighting."""
        if self.cleared_phrase and self.slot is not None and self.value(subject, payload) is None:
            return self.cleared_phrase
        if self.sighting_phrase and payload.get("observed"):
            return self.sighting_phrase
        return self.phrase

    def value(self, subject: str, payload: Mapping[str, Any]) -> str | None:
        """The value an assertion gives its slot (None for a happening, or a status cleared)."""
        return self.slot.value(subject, payload) if self.slot is not None else None


def the_subject(subject: str, payload: Mapping[str, Any]) -> str:
    return subject


def payload_field(name: str) -> Reading:
    """A reading of one payload field: `payload_field("office")` names a slot by the office asserted."""
    return lambda subject, payload: payload[name]


MEMBERSHIP = Family(
    "membership",
    value_is_role=True,
    roles=FieldType.STATUS,
    taken=("{who} becomes {role}", "{who} become {role}"),
    cleared=("{who} ceases to be {previous}", "{who} cease to be {previous}"),
)
OFFICE = Family(
    "office",
    value_is_role=False,
    roles=FieldType.OFFICE,
    plural="offices",
    taken=("{who} becomes {role}", "{who} become {role}"),
    replaced=("{who} succeeds {predecessor} as {role}", "{who} succeed {predecessor} as {role}"),
)


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
            slot=Slot(MEMBERSHIP, name=the_subject, value=payload_field("status")),
            phrase="{subject} becomes {status}",
            cleared_phrase="{subject} no longer has a status",
            sighting_phrase="{subject} is listed as {status}",
        ),
        Kind(
            "office.assumed",
            "office assumed",
            frozenset({EntityType.STATE, EntityType.PERSON}),
            (
                PayloadField("office", FieldType.OFFICE),
                PayloadField("term_end", FieldType.PARTIAL_DATE, required=False),
            ),
            slot=Slot(OFFICE, name=payload_field("office"), value=the_subject),
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


def families() -> list[Family]:
    """Every family of slots the kinds declare, in the registry's order."""
    found = {kind.slot.family.name: kind.slot.family for kind in KINDS.values() if kind.slot is not None}
    return list(found.values())


def family_of(name: str) -> Family:
    """The family of slots called `name`; one no kind declares reads plainly ("X: member")."""
    return next((family for family in families() if family.name == name), None) or Family(name, value_is_role=True)


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
