"""A realistic, seeded event log for the scale benchmark: many organisations, each with decades of history.

`World.planned(events, seed)` is the reference data (organisations, states with ISO3, their capitals,
people, documents, bodies, sources) as plain values; `Stream(world, seed)` yields the log as plain
`Planned` events, batch by batch, in the order editors would record them: several organisations
at once, each roughly in date order with some back-filling, 2% corrections and 1% retractions of
events recorded in earlier batches. A log grows by adding organisations (and their people,
documents, sources), never by piling assertions on one slot: a state's membership in one
organisation gets a few changes and a few sightings over its decades, whatever the log's size.

`Writer` turns the plan into rows: the reference data in bulk, the events through events.store.
The same seed and batch sizes give the same log on every machine and database.
"""
from __future__ import annotations

import dataclasses
import heapq
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

LAST_DAY = date(2025, 12, 31)
# Successive statuses of a state in an organisation (None: it leaves), with how often each story occurs.
STATUS_PATHS = (
    (("member",), 40),
    (("observer", "member"), 14),
    (("dialogue_partner", "observer", "member"), 6),
    (("dialogue_partner",), 10),
    (("observer",), 8),
    (("member", None), 5),
    (("member", None, "member"), 3),
    (("observer", "partner"), 7),
    (("dialogue_partner", "partner"), 7),
)
# Meeting types every organisation declares beyond the builders' heads_of_state, with their labels.
MEETING_TYPES = {
    "heads_of_government": "Council of Heads of Government",
    "foreign_ministers": "Council of Foreign Ministers",
    "defence_ministers": "Meeting of Defence Ministers",
    "senior_officials": "Committee of Senior Officials",
}
AMENDED_SHARE = 0.03 / 0.97  # of plain events, so that amendments are 3% of the log
CORRECTED_SHARE = 2 / 3  # of amendments: 2% corrections, 1% retractions
STATES = 400  # states with ISO3 codes; every organisation draws its members from them
ACTIVE = 6  # organisations an editor team works on at once


@dataclass(frozen=True)
class EntityPlan:
    slug: str
    type: str
    name: str
    iso3: str | None = None
    country: str | None = None  # a person's nationality, a place's state (slugs)


@dataclass(frozen=True)
class SourcePlan:
    key: str
    title: str
    kind: str
    reliability: float
    published: str | None = None


@dataclass(frozen=True)
class OrganisationPlan:
    slug: str
    name: str
    founded: date
    members: tuple[str, ...]  # state slugs, founders first
    founders: int
    headquarters: str  # place slug
    body: str  # the entity standing for the organisation
    bodies: tuple[str, ...]  # its secretariat and other bodies
    documents: tuple[str, ...]  # its charter first
    people: tuple[str, ...]  # its secretaries-general, in order
    sources: tuple[str, ...]  # research and news sources about it; the yearly communiqués are sources too
    sighting_share: float  # how often a summit's communiqué is recorded as listing a state's status
    meetings_a_year: dict[str, int]


@dataclass(frozen=True)
class Planned:
    """One event to record, as plain values: references are slugs and keys, amendments an earlier ordinal."""

    ordinal: int
    organisation: str
    kind: str
    subject: str
    payload: dict[str, Any]
    date: str
    source: str
    confidence: float
    locator: str = ""
    note: str = ""
    corrects: int | None = None
    retracts: int | None = None
    amended_later: bool = False  # a later event corrects or retracts this one: the writer keeps it


@dataclass(frozen=True)
class World:
    organisations: tuple[OrganisationPlan, ...]
    entities: tuple[EntityPlan, ...]
    sources: tuple[SourcePlan, ...]

    @classmethod
    def planned(cls, events: int, seed: int = 2024) -> World:
        """Enough organisations for `events` and some to spare (a benchmark appends more at size)."""
        rng = random.Random(seed)
        states = [EntityPlan(f"state-{i}", "state", f"State {i}", iso3=_iso3(i)) for i in range(STATES)]
        capitals = [EntityPlan(f"capital-{i}", "place", f"Capital {i}", country=f"state-{i}") for i in range(STATES)]
        entities, sources, organisations = [*states, *capitals], [], []
        budget = events * 1.2 + 5_000
        while budget > 0:
            organisation, own_entities, own_sources = _organisation(len(organisations), rng)
            organisations.append(organisation)
            entities += own_entities
            sources += own_sources
            budget -= _expected_events(organisation)
        sources.append(SourcePlan("editorial", "Editorial decision", "editor", 1.0))
        return cls(tuple(organisations), tuple(entities), tuple(sources))


def _iso3(i: int) -> str:
    """XAA, XAB, ...: user-assigned codes (ISO 3166-1 reserves X..), so no synthetic state poses as a real one."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f"X{letters[i // 26]}{letters[i % 26]}"


def _organisation(n: int, rng: random.Random) -> tuple[OrganisationPlan, list[EntityPlan], list[SourcePlan]]:
    slug = f"org-{n}"
    founded = date(rng.randint(1945, 2010), rng.randint(1, 12), rng.randint(1, 28))
    size = rng.choices([(5, 20), (20, 80), (80, 250)], weights=[30, 45, 25])[0]
    members = tuple(rng.sample(range(STATES), rng.randint(*size)))
    years = LAST_DAY.year - founded.year
    people = [EntityPlan(f"{slug}-person-{k}", "person", f"Person {k} of {slug}", country=f"state-{rng.choice(members)}")
              for k in range(years // 3 + 2)]
    bodies = [EntityPlan(f"{slug}-body-{k}", "body", f"{name} of {slug}") for k, name in
              enumerate(["Organisation", "Secretariat", "Development Bank", "Research Centre", "Business Council"][: rng.randint(2, 5)])]
    documents = [EntityPlan(f"{slug}-document-{k}", "document", f"{'Charter' if k == 0 else f'Agreement {k}'} of {slug}")
                 for k in range(years // 2 + 1)]
    headquarters = f"capital-{members[0]}"
    sources = [SourcePlan(f"{slug}-communique-{year}", f"Communiqué of the {slug} summit, {year}", "official", 0.8, str(year))
               for year in range(founded.year, LAST_DAY.year + 1)]
    sources += [SourcePlan(f"{slug}-{kind}-{k}", f"{kind.title()} on {slug}, {k}", kind, reliability, None)
                for k, (kind, reliability) in enumerate([("research", 0.6), ("news", 0.5), ("reference", 0.6)])]
    plan = OrganisationPlan(
        slug=slug, name=f"Organisation {n}", founded=founded,
        members=tuple(f"state-{i}" for i in members), founders=max(2, len(members) // rng.randint(2, 5)),
        headquarters=headquarters, body=bodies[0].slug, bodies=tuple(b.slug for b in bodies[1:]),
        documents=tuple(d.slug for d in documents), people=tuple(p.slug for p in people),
        sources=tuple(s.key for s in sources if s.kind != "official"),
        sighting_share=rng.uniform(0.05, 0.35),
        meetings_a_year={"heads_of_state": 1, **{t: rng.choice([0, 1, 1, 2, 3]) for t in MEETING_TYPES}},
    )
    return plan, [*people, *bodies, *documents], sources


def _expected_events(organisation: OrganisationPlan) -> float:
    years = LAST_DAY.year - organisation.founded.year
    members = len(organisation.members)
    per_year = 1.1 * sum(organisation.meetings_a_year.values()) + 1 + 0.4  # meetings, the chair, documents
    return years * per_year + members * (2.2 + organisation.sighting_share * years * 0.6) + 12


# ---------------------------------------------------------------- one organisation's history


class _History:
    """The events of one organisation's history, as (kind, subject, payload, date, source, confidence, locator)."""

    def __init__(self, organisation: OrganisationPlan, rng: random.Random):
        self.organisation, self.rng = organisation, rng
        self.facts: list[tuple] = []
        self.signed: set[str] = set()

    def build(self) -> list[tuple]:
        org, rng = self.organisation, self.rng
        self.add("organisation.founded", org.body, {}, org.founded, official=True)
        if rng.random() < 0.05:  # a second account dates the founding a year later: a conflict
            self.add("organisation.founded", org.body, {}, org.founded + timedelta(days=365), official=False)
        self.add("document.signed", org.documents[0], {"place": org.headquarters}, org.founded, official=True)
        self.add("document.in_force", org.documents[0], {}, org.founded + timedelta(days=rng.randint(200, 900)), official=True)
        for k, body in enumerate(org.bodies):
            self.add("body.established", body, {"place": org.headquarters}, self.day_after(org.founded, 300 + 900 * k), official=True)
        timelines = {state: self.membership(state, k < org.founders) for k, state in enumerate(org.members)}
        for year in range(org.founded.year, LAST_DAY.year + 1):
            self.year(year, timelines)
        self.offices()
        return self.facts

    def membership(self, state: str, founder: bool) -> list[tuple[date, str | None]]:
        """A state's statuses over time, each change asserted by one or more sources; the timeline for sightings."""
        org, rng = self.organisation, self.rng
        path = rng.choices([p for p, _ in STATUS_PATHS], weights=[w for _, w in STATUS_PATHS])[0]
        if founder:  # a founder is a member from the start; what follows its membership may follow
            path = ("member",) + (path[path.index("member") + 1 :] if "member" in path else ())
        day = org.founded if founder else self.day_after(org.founded, rng.randint(200, max(201, (LAST_DAY - org.founded).days)))
        timeline = []
        for status in path:
            if day > LAST_DAY:
                break
            timeline.append((day, status))
            self.add("membership.status", state, {"status": status}, day, official=True)
            roll = rng.random()
            if roll < 0.25:  # a second account at month or year precision: the same change
                self.add("membership.status", state, {"status": status}, day, official=False, precision=rng.choice([7, 4]))
            elif roll < 0.29:  # a second account a few weeks off: one change dated twice, a conflict
                self.add("membership.status", state, {"status": status}, day + timedelta(days=rng.randint(10, 60)), official=False)
            day = self.day_after(day, rng.randint(700, 9000))
        return timeline

    def year(self, year: int, timelines: dict[str, list[tuple[date, str | None]]]) -> None:
        org, rng = self.organisation, self.rng
        summit = date(year, rng.randint(5, 10), rng.randint(1, 28))
        if not org.founded < summit <= LAST_DAY:
            return
        for meeting, count in org.meetings_a_year.items():
            for k in range(count):
                day = summit if meeting == "heads_of_state" else date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day > LAST_DAY:
                    continue
                place = f"capital-{rng.choice(org.members).removeprefix('state-')}"
                payload = {"meeting": meeting, "name": f"{meeting.replace('_', ' ').title()} {year}/{k + 1}"}
                self.add("meeting.held", place, payload, day, official=True)
                if rng.random() < 0.10:  # reported again: at month precision, or on another day (a conflict)
                    other = day + timedelta(days=rng.randint(1, 5)) if rng.random() < 0.3 else day
                    self.add("meeting.held", place, payload, other, official=False, precision=10 if other != day else 7)
        members = []
        for state, timeline in timelines.items():
            status = next((s for d, s in reversed(timeline) if d <= summit), None)
            if status is None:
                continue
            if status == "member":
                members.append(state)
            if rng.random() < org.sighting_share:  # the communiqué lists it: a sighting, not a change
                claimed = status if rng.random() > 0.01 else "observer"  # now and then a source is wrong
                self.add("membership.status", state, {"status": claimed, "observed": True}, summit, official=True)
        if members:
            self.add("office.assumed", rng.choice(members), {"office": "chair"}, summit, official=True)
        if year > org.founded.year and rng.random() < 0.4:
            signed = date(year, rng.randint(1, 12), rng.randint(1, 28))
            document = org.documents[min(len(org.documents) - 1, 1 + (year - org.founded.year) // 2)]
            if signed <= LAST_DAY and document not in self.signed:
                self.signed.add(document)
                self.add("document.signed", document, {"place": f"capital-{rng.choice(org.members).removeprefix('state-')}"}, signed, official=True)

    def offices(self) -> None:
        org, rng = self.organisation, self.rng
        day = self.day_after(org.founded, rng.randint(100, 700))
        for person in org.people:
            if day > LAST_DAY:
                break
            self.add("office.assumed", person, {"office": "secretary_general"}, day, official=True)
            day = self.day_after(day, rng.choice([3, 3, 4, 5, 6]) * 365)

    def day_after(self, day: date, days: int) -> date:
        return day + timedelta(days=days)

    def add(self, kind: str, subject: str, payload: dict, day: date, official: bool, precision: int | None = None) -> None:
        org, rng = self.organisation, self.rng
        if precision is None:
            precision = rng.choices([10, 7, 4], weights=[85, 10, 5])[0]
        if official and day.year >= org.founded.year:
            source, confidence = f"{org.slug}-communique-{day.year}", round(rng.uniform(0.8, 1.0), 2)
        else:
            source, confidence = rng.choice(org.sources), round(rng.uniform(0.4, 0.85), 2)
        locator = f"para {rng.randint(1, 60)}" if official else f"p. {rng.randint(1, 400)}"
        self.facts.append((kind, subject, payload, day.isoformat()[:precision], source, confidence, locator, day))


def history(organisation: OrganisationPlan, seed: int) -> list[tuple]:
    """One organisation's events, in the order they are recorded: by date, give or take a few years."""
    rng = random.Random(f"{seed}/{organisation.slug}")
    facts = _History(organisation, rng).build()
    keyed = sorted((fact[-1].toordinal() + rng.gauss(0, 700), n) for n, fact in enumerate(facts))
    return [facts[n] for _, n in keyed]


# ---------------------------------------------------------------- the stream


@dataclass(order=True)
class _Due:
    batch: int
    ordinal: int
    target: Planned = field(compare=False)
    correct: bool = field(compare=False)


class Stream:
    """The log as batches of Planned events, deterministic for a seed and a sequence of batch sizes.

    An amendment comes one to four batches after its target's, so its target is always committed.
    """

    def __init__(self, world: World, seed: int = 2024):
        self.world, self.seed = world, seed
        self.rng = random.Random(seed)
        self.ordinal = 0
        self.batch = 0
        self.waiting = iter(world.organisations)
        self.active: list[Iterator[tuple]] = []
        self.names: list[str] = []
        self.due: list[_Due] = []

    def next_batch(self, size: int) -> list[Planned]:
        self.batch += 1
        made: list[Planned] = []
        while self.due and self.due[0].batch <= self.batch and len(made) < size:
            made.append(self.amendment(heapq.heappop(self.due)))
        while len(made) < size:
            made.append(self.plain())
        self.rng.shuffle(made)  # amendments land anywhere in their batch
        return made

    def plain(self) -> Planned:
        while len(self.active) < ACTIVE:
            organisation = next(self.waiting, None)
            if organisation is None:
                if not self.active:
                    raise RuntimeError("the world has no organisation left: plan it for more events")
                break
            self.active.append(iter(history(organisation, self.seed)))
            self.names.append(organisation.slug)
        k = self.rng.randrange(len(self.active))
        fact = next(self.active[k], None)
        if fact is None:
            del self.active[k], self.names[k]
            return self.plain()
        kind, subject, payload, day, source, confidence, locator, _ = fact
        amended = self.rng.random() < AMENDED_SHARE
        planned = Planned(self.next_ordinal(), self.names[k], kind, subject, payload, day, source, confidence, locator, amended_later=amended)
        if amended:
            correct = self.rng.random() < CORRECTED_SHARE
            heapq.heappush(self.due, _Due(self.batch + 1 + self.rng.randrange(4), planned.ordinal, planned, correct))
        return planned

    def amendment(self, due: _Due) -> Planned:
        target = due.target
        if due.correct:
            return Planned(
                self.next_ordinal(), target.organisation, target.kind, target.subject, target.payload, _corrected(target.date, self.rng),
                target.source, round(min(1.0, target.confidence + 0.05), 2), target.locator,
                note="A better reading of the source gives another date.", corrects=target.ordinal,
            )
        return Planned(
            self.next_ordinal(), target.organisation, "retraction", target.subject, {"reason": "The source was misread."},
            target.date, "editorial", 1.0, corrects=None, retracts=target.ordinal,
        )

    def next_ordinal(self) -> int:
        self.ordinal += 1
        return self.ordinal


def _corrected(day: str, rng: random.Random) -> str:
    """A correction's date: the exact day of a vague date, or a precise date moved by a few days."""
    if len(day) == 4:
        return f"{day}-{rng.randint(1, 12):02d}"
    if len(day) == 7:
        return f"{day}-{rng.randint(1, 28):02d}"
    moved = date.fromisoformat(day) + timedelta(days=rng.choice([-1, 1]) * rng.randint(1, 40))
    return min(moved, LAST_DAY).isoformat()


# ---------------------------------------------------------------- rows


class Writer:
    """Creates the world's reference data in bulk, then records Planned events through events.store."""

    def __init__(self, world: World):
        self.world = world
        self.kept: dict[int, Any] = {}  # ordinal -> Event, for the events a later one amends

    def create_world(self) -> None:
        from django.db import transaction

        from events.models import Entity, MeetingType, Organisation, Source
        from tests import builders

        with transaction.atomic():
            by_slug = {}
            for depends in (False, True):  # states first: people and places name their country
                made = Entity.objects.bulk_create([
                    Entity(slug=e.slug, type=e.type, name=e.name, iso3=e.iso3, country=by_slug.get(e.country))
                    for e in self.world.entities if (e.country is not None) == depends
                ], batch_size=2000)
                by_slug.update((e.slug, e) for e in made)
            Source.objects.bulk_create([
                Source(key=s.key, title=s.title, kind=s.kind, reliability=s.reliability,
                       **_published(s.published))
                for s in self.world.sources
            ], batch_size=2000)
            organisations = [builders.organisation(o.slug) for o in self.world.organisations]
            for organisation, plan in zip(organisations, self.world.organisations):
                organisation.name, organisation.entity = plan.name, by_slug[plan.body]
            Organisation.objects.bulk_update(organisations, ["name", "entity"], batch_size=500)
            MeetingType.objects.bulk_create(
                [MeetingType(organisation=o, slug=slug, label=label) for o in organisations for slug, label in MEETING_TYPES.items()],
                batch_size=2000,
            )
        self.load()

    def load(self) -> None:
        from events.models import Entity, Organisation, Source

        self.entities = {e.slug: e for e in Entity.objects.all()}
        self.sources = {s.key: s for s in Source.objects.all()}
        self.organisations = {o.slug: o for o in Organisation.objects.all()}

    def request(self, planned: Planned):
        from events.store import NewEvent

        return NewEvent(
            organisation=self.organisations[planned.organisation], kind=planned.kind, subject=self.entities[planned.subject],
            payload=planned.payload, date=planned.date, source=self.sources[planned.source], confidence=planned.confidence,
            recorded_by="benchmark", locator=planned.locator, note=planned.note,
            corrects=self.kept.pop(planned.corrects) if planned.corrects else None,
            retracts=self.kept.pop(planned.retracts) if planned.retracts else None,
        )

    def append_many(self, batch: list[Planned]) -> list:
        from events import store

        written = store.append_many([self.request(p) for p in batch])
        self.keep(batch, written)
        return written

    def append(self, planned: Planned):
        from events import store

        request = self.request(planned)
        written = store.append(**{f.name: getattr(request, f.name) for f in dataclasses.fields(request)})
        self.keep([planned], [written])
        return written

    def keep(self, batch: list[Planned], written: list) -> None:
        self.kept.update((p.ordinal, event) for p, event in zip(batch, written) if p.amended_later)


def _published(year: str | None) -> dict[str, Any]:
    if year is None:
        return {}
    return {"published_earliest": date(int(year), 1, 1), "published_latest": date(int(year), 12, 31), "published_precision": "year"}


def event_id(ordinal: int, seed: int = 2024) -> uuid.UUID:
    """A stable id for a planned event, for stores that take the id from the caller (the peer)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"scotimeline-bench/{seed}/{ordinal}")
