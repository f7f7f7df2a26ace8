"""The pages' words: changes of the state and events of the log as the feeds read them
("India and Pakistan become members", "India becomes a member — 9 June 2017"), with the events behind.

Sentences come from the kind registry's families and phrases (events.domain.changes, the feeds'
entries), never from a family's or kind's name.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from uuid import UUID

from events.domain import changes as derived
from events.domain.dates import PartialDate
from events.domain.diffs import Change
from events.domain.kinds import family_of
from events.feeds.entries import Labels, assertion, headline
from events.models import Organisation
from events.queries import feeds as reads
from events.queries.periods import Period
from events.records import EventRow


@dataclass(frozen=True)
class EventLink:
    id: UUID
    seq: int


@dataclass(frozen=True)
class ChangeLine:
    """'India and Pakistan become members', on `since`; `at` is the day the state page shows it."""

    since: PartialDate
    said: str
    at: date
    events: tuple[EventLink, ...]


def _lines(found: Sequence[derived.Change], links: dict[int, EventLink]) -> list[ChangeLine]:
    names = reads.entity_names({s for change in found for t in change.transitions for s in (t.holder, t.previous_holder) if s})
    roles = reads.role_labels({change.organisation for change in found})
    return [
        ChangeLine(
            change.since, derived.sentence(change, names, roles), change.since.latest,
            tuple(links[seq] for seq in change.events if seq in links),
        )
        for change in found
    ]


def recent_changes(organisation: Organisation, limit: int = 8) -> list[ChangeLine]:
    """The organisation's latest changes, newest first: the changes feed's sentences."""
    found = [change for change in reads.recent_changes([organisation.pk], limit) if change.events]
    stamps = reads.event_stamps({seq for change in found for seq in change.events})
    return _lines(found, {seq: EventLink(stamp.id, seq) for seq, stamp in stamps.items()})


def differences(organisation: Organisation, found: Iterable[Change]) -> list[ChangeLine]:
    """What changed between two states (events.domain.diffs), read as the changes feed reads a change:
    each slot's move is a transition, and moves of one family to one role on one day are one sentence."""
    transitions, links = [], {}
    for change in found:
        now = change.after or change.before
        transitions.append(
            derived.Transition(
                organisation=organisation.pk, family=change.family, name=change.slot[1], since=now.since,
                value=change.value_after, holder=now.holder, previous=change.value_before,
                previous_holder=change.before.holder if change.before else None,
                events=tuple(record.seq for record in change.causes),
            )
        )
        links.update((record.seq, EventLink(record.id, record.seq)) for record in change.causes)
    return sorted(_lines(derived.group(transitions), links), key=lambda line: line.since.earliest)


@dataclass(frozen=True)
class EventLine:
    """One event of the timeline as a sentence, with what amends it or what it amends."""

    row: EventRow
    said: str  # "India becomes a member"
    headline: str  # "India becomes a member — 9 June 2017"
    amends: str  # "Correction of event 12: India becomes a member — June 2017", or ""
    corrected_by: tuple[UUID, ...]
    retracted_by: tuple[UUID, ...]

    @property
    def retracted(self) -> bool:
        return bool(self.retracted_by)


def event_lines(rows: Sequence[EventRow], amendments: dict[UUID, dict[str, list[UUID]]]) -> list[EventLine]:
    """The events as the feeds title them; `amendments` as events.queries.amendments_of gives them."""
    labels = Labels(rows)
    lines = []
    for row in rows:
        amends = ""
        if row.retracts is not None:
            amends = f"Retraction of event {row.retracts.record.seq}: {headline(row.retracts, labels)}"
        elif row.corrects is not None:
            amends = f"Correction of event {row.corrects.record.seq}: {headline(row.corrects, labels)}"
        found = amendments.get(row.record.id, {})
        lines.append(
            EventLine(
                row, assertion(row, labels), headline(row, labels), amends,
                tuple(found.get("corrected_by", ())), tuple(found.get("retracted_by", ())),
            )
        )
    return lines


def by_year(lines: Iterable[EventLine]) -> list[tuple[int, list[EventLine]]]:
    """Lines grouped by the year their date begins in, in the order given."""
    return [(year, list(group)) for year, group in groupby(lines, key=lambda line: line.row.record.date.earliest.year)]


@dataclass(frozen=True)
class Held:
    """A period of an entity's standing as a summary line: "Observer from 5 July 2005 to 9 June 2017"."""

    role: str
    start: date
    end: date | None
    said: str


def held(found: Iterable[Period], words: Mapping[str, Mapping[str, str]]) -> list[Held]:
    """An entity's periods (events.queries.periods) in words, oldest first: the role it took, or the slot
    it held, from the family's vocabulary (`words`: events.queries.periods.role_words)."""
    lines = []
    for period in sorted(found, key=lambda p: (p.start, p.family)):
        family = family_of(period.family)
        role = period.value if family.value_is_role else period.slot
        label = words.get(period.family, {}).get(role or "", (role or "no status").replace("_", " "))
        lines.append(Held(label, period.start, period.end, f"{label[:1].upper()}{label[1:]} {span(period)}"))
    return lines


def span(period: Period) -> str:
    """"since 9 June 2017", "from 5 July 2005 to 9 June 2017": the date as the sources give it, to the next change."""
    if period.end is None:
        return f"since {period.since.display()}"
    return f"from {period.since.display()} to {PartialDate.day(period.end).display()}"
