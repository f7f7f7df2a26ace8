"""Names, aliases and demonyms -> entities, and finding them in text.

The Gazetteer is built from plain values so extraction stays pure; `from_database` builds
it from Entity and EntityAlias rows for one organisation. The world's other states come from
pycountry (ISO 3166-1), with the short names and demonyms of SHORT_NAMES, so a state the
dataset lacks is still found ("Turkmenistan became an observer").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import pycountry

from events.domain.dates import PartialDate


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
    founded: PartialDate | None = None  # an organisation's founding, as the dataset records it
    known: bool = True  # False: a state of the world the dataset does not hold (yet)


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
        self._pattern = re.compile(rf"(?<![\w-])(?:{_trie(self._by_text) or '(?!x)x'})(?![\w-])", re.IGNORECASE)

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
        known = {s.entry.iso3 for s in surfaces if s.entry.iso3}
        return cls(surfaces + [s for s in world_states() if s.entry.iso3 not in known])

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


# Short names and demonyms pycountry does not give, for states the dataset may lack (ISO alpha-3).
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "TKM": ("Turkmen",), "USA": ("United States", "US", "U.S.", "USA"), "GBR": ("United Kingdom", "Britain", "UK"),
    "KOR": ("South Korea", "Republic of Korea"), "PRK": ("North Korea",), "VNM": ("Vietnam",), "SYR": ("Syria",),
    "LAO": ("Laos",), "MDA": ("Moldova",), "TZA": ("Tanzania",), "VEN": ("Venezuela",), "BOL": ("Bolivia",),
    "JPN": ("Japanese",), "GEO": ("Georgian",), "UKR": ("Ukrainian",), "IRQ": ("Iraqi",), "ISR": ("Israeli",),
    "IDN": ("Indonesian",), "THA": ("Thai",), "MYS": ("Malaysian",), "BGD": ("Bangladeshi",), "JOR": ("Jordanian",),
}
_world: list[Surface] | None = None


def world_states() -> list[Surface]:
    """Every state of ISO 3166-1 by its names (pycountry) and SHORT_NAMES; built once."""
    global _world
    if _world is None:
        _world = []
        for country in pycountry.countries:
            names = [getattr(country, field, None) for field in ("common_name", "name", "official_name")]
            names = [n for n in names if n and "," not in n and "(" not in n]  # not "Korea, Republic of"
            names = list(dict.fromkeys([*names, *SHORT_NAMES.get(country.alpha_3, ())]))
            if names:
                entry = Entry(_slug(names[0]), "state", names[0], country.alpha_3, known=False)
                _world += [Surface(name, entry, Via.NAME if i == 0 else Via.ALIAS) for i, name in enumerate(names)]
    return _world


def world_state(written: str) -> Entry | None:
    """The state of the world a candidate's subject text names ("Turkmenistan", "Turkmen"), to create
    the entity a curator accepts: its name, ISO alpha-3 code and a slug."""
    key = re.sub(r"\s+", " ", written).strip().replace("’", "'").casefold()
    return next((s.entry for s in world_states() if s.text.casefold() == key), None)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _trie(texts: Iterable[str]) -> str:
    """One regex for all `texts` as a prefix tree: a few hundred names cost one branch per letter, not a
    try of each name at each position; longer names win (a child is tried before the name ends)."""
    root: dict = {}
    for text in texts:
        node = root
        for char in text:
            node = node.setdefault(char, {})
        node[""] = {}
    return _alternation(root)


def _alternation(node: dict) -> str:
    ends = "" in node
    branches = [_token(char) + _alternation(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if ends else body


def _token(char: str) -> str:
    return {" ": r"\s+", "'": "['’]"}.get(char, re.escape(char))


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

    organisations = dict.fromkeys(Organisation.objects.exclude(entity=None).values_list("entity_id", flat=True))
    # The surest founding date of each organisation (then the latest recorded), for "the original members".
    founded = Event.objects.filter(kind="organisation.founded").order_by("confidence", "seq")
    organisations.update((event.subject_id, event.date) for event in founded)
    rows = []
    for entity in Entity.objects.prefetch_related("aliases"):
        entry = Entry(
            entity.slug, entity.type, entity.name, entity.iso3, entity.pk in organisations, organisations.get(entity.pk),
        )
        aliases = [a.name for a in entity.aliases.all() if a.kind == "alias"]
        demonyms = [a.name for a in entity.aliases.all() if a.kind == "demonym"]
        rows.append((entry, aliases, demonyms))
    return Gazetteer.from_entries(rows)


def from_rows(rows: Iterable[dict], organisations: Mapping[str, PartialDate | None] | Iterable[str] = ()) -> Gazetteer:
    """From plain entity rows as a dataset writes them: slug, type, name, iso3, aliases, demonyms;
    `organisations` names the bodies that are organisations, with their founding dates when known."""
    organisations = organisations if isinstance(organisations, Mapping) else dict.fromkeys(organisations)
    return Gazetteer.from_entries(
        (
            Entry(row["slug"], row["type"], row["name"], row.get("iso3"), row["slug"] in organisations, organisations.get(row["slug"])),
            row.get("aliases", ()),
            row.get("demonyms", ()),
        )
        for row in rows
    )
