"""Names, aliases and demonyms -> entities, and finding them in text.

The Gazetteer is built from plain values so extraction stays pure; `from_database` builds
it from Entity and EntityAlias rows for one organisation.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Via(str, Enum):
    NAME = "name"
    ALIAS = "alias"
    DEMONYM = "demonym"
    REFERENCE = "reference"  # "its inception", "This started ...": the entity, not named


@dataclass(frozen=True)
class Entry:
    """An entity as extraction sees it."""

    slug: str
    type: str  # state, person, body, place, document (events.kinds.EntityType values)
    name: str
    iso3: str | None = None
    organisation: bool = False  # a body that is an organisation: its start is organisation.founded


@dataclass(frozen=True)
class Surface:
    """One way of writing an entity."""

    text: str
    entry: Entry
    via: Via


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    entry: Entry
    via: Via


_TITLES = ("Mr", "Ms", "Mrs", "Dr")


def person_surfaces(entry: Entry, names: Iterable[str]) -> list[Surface]:
    """A person is also written 'Mr Alimov': titles with the family name of each full name."""
    surfaces = []
    for name in names:
        family = name.split()[-1]
        if len(name.split()) > 1:
            surfaces += [Surface(f"{title} {family}", entry, Via.ALIAS) for title in _TITLES]
            surfaces += [Surface(f"{title}. {family}", entry, Via.ALIAS) for title in _TITLES]
    return surfaces


class Gazetteer:
    """Finds entity mentions: longest name first, proper nouns only (capitalised as written)."""

    def __init__(self, surfaces: Iterable[Surface]):
        self._by_text: dict[str, Surface] = {}
        for surface in surfaces:
            key = surface.text.casefold()
            # A name beats an alias beats a demonym for the same text; the first given wins a tie.
            known = self._by_text.get(key)
            if known is None or _rank(surface) < _rank(known):
                self._by_text[key] = surface
        self._entries = {s.entry.slug: s.entry for s in self._by_text.values()}
        texts = sorted(self._by_text, key=len, reverse=True)
        alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+").replace("'", "['’]") for t in texts) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)

    @classmethod
    def from_entries(cls, rows: Iterable[tuple[Entry, Iterable[str], Iterable[str]]]) -> Gazetteer:
        """Build from (entry, aliases, demonyms); the entry's name is always a surface."""
        surfaces: list[Surface] = []
        for entry, aliases, demonyms in rows:
            aliases = list(aliases)
            surfaces.append(Surface(entry.name, entry, Via.NAME))
            surfaces += [Surface(a, entry, Via.ALIAS) for a in aliases if a.strip()]
            surfaces += [Surface(d, entry, Via.DEMONYM) for d in demonyms if d.strip()]
            if entry.type == "person":
                surfaces += person_surfaces(entry, [entry.name, *aliases])
        return cls(surfaces)

    def entry(self, slug: str) -> Entry | None:
        return self._entries.get(slug)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries.values())

    def mentions(self, text: str) -> list[Mention]:
        found = []
        for match in self._pattern.finditer(text):
            written = match.group()
            surface = self._by_text.get(re.sub(r"\s+", " ", written).replace("’", "'").casefold())
            if surface is None or not _written_as_proper_noun(written, surface.text):
                continue
            found.append(Mention(match.start(), match.end(), written, surface.entry, surface.via))
        return found


def _rank(surface: Surface) -> int:
    return list(Via).index(surface.via)


def _written_as_proper_noun(written: str, declared: str) -> bool:
    """'SCO' must be written in capitals; 'Turkey' must start with a capital ('turkey' is a bird)."""
    if len(declared) > 1 and declared.isupper():
        return written == declared
    return written[:1].isupper() or not declared[:1].isupper()


def from_database() -> Gazetteer:
    """The gazetteer of every entity in the database, with its aliases and demonyms."""
    from events.models import Entity, Event, Organisation

    organisations = set(Organisation.objects.exclude(entity=None).values_list("entity_id", flat=True))
    organisations |= set(Event.objects.filter(kind="organisation.founded").values_list("subject_id", flat=True))
    rows = []
    for entity in Entity.objects.prefetch_related("aliases"):
        entry = Entry(entity.slug, entity.type, entity.name, entity.iso3, entity.pk in organisations)
        aliases = [a.name for a in entity.aliases.all() if a.kind == "alias"]
        demonyms = [a.name for a in entity.aliases.all() if a.kind == "demonym"]
        rows.append((entry, aliases, demonyms))
    return Gazetteer.from_entries(rows)


def from_rows(rows: Iterable[dict], organisations: Iterable[str] = ()) -> Gazetteer:
    """From plain entity rows as a dataset writes them: slug, type, name, iso3, aliases, demonyms."""
    organisations = set(organisations)
    return Gazetteer.from_entries(
        (
            Entry(row["slug"], row["type"], row["name"], row.get("iso3"), row["slug"] in organisations),
            row.get("aliases", ()),
            row.get("demonyms", ()),
        )
        for row in rows
    )
