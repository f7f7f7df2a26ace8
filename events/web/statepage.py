"""The state page's content: every line of the state document (offices included) with the events
behind it, the disputes on the slot it shows, and each dispute told in words.

Which lines a state has comes from the kind registry's families and the organisation's roles, as in
events.documents; a dispute finds its line by the slot its events speak to, never by a family's name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from events import queries
from events.documents import state_document
from events.domain import diffs
from events.domain.kinds import SlotKey, families, kind_of
from events.domain.replay import Conflict, State
from events.feeds.entries import Labels, assertion, headline
from events.models import Event, Organisation
from events.queries import feeds as reads
from events.queries.periods import change_days, role_words
from events.records import EventRow

from .sentences import ChangeLine, EventLink, differences


@dataclass(frozen=True)
class Evidence:
    """An event behind a line or a claim of a dispute: a link, its sentence and where it comes from."""

    link: EventLink
    said: str  # "India becomes a member — 9 June 2017"
    source: str
    locator: str
    confidence: float


@dataclass(frozen=True)
class Dispute:
    """Competing claims about one slot or happening, in words."""

    key: SlotKey
    about: str  # "Belarus", "SCO Charter"
    told: str  # "The sources disagree on the value: …"
    claims: tuple[Evidence, ...]

    @property
    def seqs(self) -> set[int]:
        return {claim.link.seq for claim in self.claims}


@dataclass
class Line:
    """One entry of the state document: who, since when, how sure, the events behind it and the disputes on it."""

    entry: dict[str, Any]
    evidence: list[Evidence]
    disputes: list[Dispute] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A role and its lines: a status's list (many lines) or an office (one line, or none recorded)."""

    label: str
    key: str
    lines: tuple[Line, ...]
    single: bool  # an office: one holder at a time


@dataclass(frozen=True)
class StatePage:
    at: date
    known_at: datetime | None
    offices: tuple[Section, ...]
    statuses: tuple[Section, ...]
    disputes: tuple[Dispute, ...]  # all of them, each also on the line whose events it involves
    previous: date | None
    next: date | None
    changed: tuple[ChangeLine, ...]  # what changed on this very day, in words


_WORDS = {
    "values": "The sources disagree on the value",
    "dates": "The sources disagree on the date",
}


def state_page(organisation: Organisation, at: date, known_at: datetime | None = None) -> StatePage:
    state, holders = queries.projected_state_at(organisation, at, known_at)
    document = state_document(organisation, state, holders)
    rows = _rows({e.seq for s in state.standings for e in s.events} | {e.seq for c in state.conflicts for e in c.events})
    labels = Labels(rows.values())
    evidence = {seq: _evidence(row, labels) for seq, row in rows.items()}
    by_id = {e.id: (s.slot, e.seq) for s in state.standings for e in s.events}
    words = role_words(organisation)
    disputes = [_dispute(c, evidence, _about(c, rows, labels, words)) for c in state.conflicts]
    on_slot: dict[SlotKey, list[Dispute]] = {}
    for dispute in disputes:
        on_slot.setdefault(dispute.key, []).append(dispute)

    def line(entry: dict[str, Any]) -> Line:
        """The line, marked with the disputes of its slot that involve its own events: a dispute the
        slot has left behind (two accounts of 2015, a line that stands on a 2024 event) is not its."""
        behind = [by_id[event_id] for event_id in map(UUID, entry["events"]) if event_id in by_id]
        seqs = {seq for _, seq in behind}
        disputes = [d for slot in {slot for slot, _ in behind} for d in on_slot.get(slot, ()) if seqs & d.seqs]
        return Line(entry, [evidence[seq] for _, seq in behind], disputes)

    declared = queries.roles(organisation)
    offices, statuses = [], []
    for family in families():
        roles = declared.get(family.roles) if family.roles else None
        if roles is None:
            statuses.append(Section(family.plural.replace("_", " "), family.plural, tuple(map(line, document[family.plural])), False))
        elif family.value_is_role:
            statuses += [Section(r.label_plural, r.key, tuple(map(line, document[r.key])), False) for r in roles]
        else:
            offices += [Section(r.label, r.key, (line(document[r.key]),) if document[r.key] else (), True) for r in roles]
    previous, following = change_days(organisation, at, known_at)
    day_before = queries.state_at(organisation, at - timedelta(days=1), known_at) if at > date.min else None
    return StatePage(
        at, known_at, tuple(offices), tuple(statuses), tuple(disputes), previous, following,
        tuple(differences(organisation, diffs.changes(day_before, state))) if day_before else (),
    )


def _rows(seqs: set[int]) -> dict[int, EventRow]:
    return {row.record.seq: row for row in reads.load(Event.objects.filter(seq__in=seqs).order_by("seq"))}


def _evidence(row: EventRow, labels: Labels) -> Evidence:
    record = row.record
    return Evidence(EventLink(record.id, record.seq), headline(row, labels), row.source.title, record.locator, record.confidence)


def _about(conflict: Conflict, rows: dict[int, EventRow], labels: Labels, words: dict[str, dict[str, str]]) -> str:
    """What a dispute is about: the state whose role it is, the role whose holder it is, or the happening."""
    row = next((rows[e.seq] for e in conflict.events if e.seq in rows), None)
    if row is None:
        return conflict.key[1]
    slot = kind_of(row.record.kind).slot
    if slot is None:
        return assertion(row, labels)  # "SCO Charter signed"
    if slot.family.value_is_role:
        return row.subject.name
    return words.get(slot.family.name, {}).get(conflict.key[1], conflict.key[1])


def _dispute(conflict: Conflict, evidence: dict[int, Evidence], about: str) -> Dispute:
    claims = tuple(evidence[e.seq] for e in conflict.events if e.seq in evidence)
    told = _WORDS.get(conflict.reason, f"The sources disagree ({conflict.reason})")
    return Dispute(conflict.key, about, f"{told}: " + "; ".join(_claimed(c) for c in claims) + ".", claims)


def _claimed(claim: Evidence) -> str:
    where = f"{claim.source}, {claim.locator}" if claim.locator else claim.source
    return f"“{claim.said}” ({where}, confidence {claim.confidence:.2f})"
