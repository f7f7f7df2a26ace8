"""What a curator needs to decide on a candidate: the event the log already holds for the same fact, and
the state to create when the candidate names one the dataset lacks (the gazetteer's world states, named as ISO 3166 names them).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pycountry
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify

from events.domain.dates import PartialDate
from events.models import Entity, EntityAlias, Event

from . import gazetteer
from .models import Candidate
from .patterns import VALUE_FIELD


@dataclass(frozen=True)
class Claim:
    """What accepting a candidate would record, as far as telling duplicates apart needs."""

    organisation_id: int
    kind: str
    subject_id: int | None
    value: Any
    date: PartialDate | None
    source_id: int
    locator: str

    @classmethod
    def of(cls, candidate: Candidate) -> Claim:
        return cls(
            candidate.document.organisation_id, candidate.kind, candidate.subject_id, candidate.value, candidate.date,
            candidate.document.source_id, locator(candidate),
        )


def locator(candidate: Candidate) -> str:
    return f"line {candidate.line}"


def _standing() -> Q:
    """Events that stand: neither retracted nor replaced by a correction that stands itself."""
    retracted = Event.objects.filter(retracts=OuterRef("pk"))
    corrected = Event.objects.filter(corrects=OuterRef("pk")).exclude(Exists(Event.objects.filter(retracts=OuterRef("pk"))))
    return ~Q(Exists(retracted)) & ~Q(Exists(corrected))


def _same_fact(event: Event, claim: Claim) -> bool:
    """The same kind, subject and value at an overlapping date, or the same subject and kind from the same place in the
    same source. Overlapping dates ("2017" and "9 June 2017") are one fact to replay, not a conflict."""
    if (event.organisation_id, event.kind, event.subject_id) != (claim.organisation_id, claim.kind, claim.subject_id):
        return False
    if (event.source_id, event.locator) == (claim.source_id, claim.locator):
        return True
    value = event.payload.get(VALUE_FIELD.get(claim.kind, ""))
    return value == claim.value and claim.date is not None and event.date.overlaps(claim.date)


def recorded_for(claims: dict[int, Claim]) -> dict[int, Event]:
    """The standing event already recording each claim (keyed as given), the first recorded; one query for them all."""
    subjects = {c.subject_id for c in claims.values() if c.subject_id is not None}
    if not subjects:
        return {}
    events = list(
        Event.objects.filter(
            _standing(), organisation_id__in={c.organisation_id for c in claims.values()},
            kind__in={c.kind for c in claims.values()}, subject_id__in=subjects,
        )
        .only("id", "seq", "organisation_id", "kind", "subject_id", "payload", "source_id", "locator",
              "date_earliest", "date_latest", "date_precision")
        .order_by("seq")
    )
    found = {}
    for key, claim in claims.items():
        match = next((event for event in events if _same_fact(event, claim)), None)
        if match is not None:
            found[key] = match
    return found


def recorded(claim: Claim) -> Event | None:
    return recorded_for({0: claim}).get(0)


def mark_recorded(candidates: Iterable[Candidate]) -> None:
    """Set `recorded_as` on each pending candidate (the event already holding its fact, or None)."""
    pending = [c for c in candidates if c.status == Candidate.Review.PENDING]
    found = recorded_for({c.pk: Claim.of(c) for c in pending})
    for candidate in pending:
        candidate.recorded_as = found.get(candidate.pk)


@dataclass(frozen=True)
class NewState:
    """A state the dataset lacks, as ISO 3166 names it: what accepting can create."""

    iso3: str
    name: str
    official_name: str
    written: str  # as the document writes it

    def __str__(self) -> str:
        official = f", officially {self.official_name}" if self.official_name != self.name else ""
        return f"{self.name} ({self.iso3}{official})"


def unknown_state(written: str) -> NewState | None:
    """The world's state the text names (by the gazetteer's names and demonyms), if it is one the dataset
    lacks; None when it is no state or a known one."""
    text = written.strip()
    entry = gazetteer.world_state(text[4:] if text.lower().startswith("the ") else text)
    if entry is None or Entity.objects.filter(iso3=entry.iso3).exists():
        return None
    names = _names(pycountry.countries.get(alpha_3=entry.iso3))
    return NewState(entry.iso3, names[0], names[-1], text)


def _names(country) -> list[str]:
    """Common name first (Iran, Laos), official name last."""
    common = getattr(country, "common_name", None) or country.name
    return [common, country.name, getattr(country, "official_name", None) or country.name]


@transaction.atomic
def create_state(new: NewState) -> Entity:
    """The state as an entity, with its ISO name, official name and the text's spelling as aliases (or the one
    that already has its code)."""
    entity = Entity.objects.filter(iso3=new.iso3).first()
    if entity is None:
        slug = slugify(new.name)
        if Entity.objects.filter(slug=slug).exists():
            slug = f"{slug}-{new.iso3.lower()}"
        entity = Entity.objects.create(slug=slug, type=Entity.Type.STATE, iso3=new.iso3, name=new.name)
    country = pycountry.countries.get(alpha_3=new.iso3)
    for name in {*_names(country), new.written} - {entity.name}:
        EntityAlias.objects.get_or_create(entity=entity, name=name[:200])
    return entity
