"""Derived changes: the replayed state's changes over time, as sentences a subscriber reads.

"9 June 2017: India and Pakistan become members"; "1 January 2019: Vladimir Norov succeeds
Rashid Alimov as Secretary-General". A change is a slot taking a new value (a transition),
read from the materialised intervals; transitions of one family to the same role on the
same date are one change. Pure: events.queries.feeds reads the transitions.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .dates import PartialDate
from .kinds import family_of


@dataclass(frozen=True)
class Transition:
    """One slot taking a new value on a date."""

    organisation: int
    family: str
    name: str  # the slot's name: the state (membership), the office (office)
    since: PartialDate
    value: str | None
    holder: str  # who holds the slot from `since`: the state; the office holder
    previous: str | None  # the slot's value before, None if it had none
    previous_holder: str | None
    events: tuple[int, ...]  # the seqs of the assertions behind the new value


@dataclass(frozen=True)
class Change:
    """Transitions of one family to one role on one date: one entry of the changes feed."""

    organisation: int
    family: str
    since: PartialDate
    role: str | None  # the status or office taken; None when a status is cleared
    previous_role: str | None  # what was left, when the role is None
    transitions: tuple[Transition, ...]

    @property
    def key(self) -> str:
        """Stable while the change stands: the same date, family and role always give the same key."""
        return f"{self.organisation}/{self.family}/{self.since}/{self.role or ''}/{self.previous_role or ''}"

    @property
    def events(self) -> tuple[int, ...]:
        """The seqs of the assertions behind the change, each once."""
        return tuple(dict.fromkeys(seq for t in self.transitions for seq in t.events))


@dataclass(frozen=True)
class RoleLabel:
    one: str  # "a member", "Secretary-General"
    many: str  # "members", "Secretary-General"


def role_of(transition: Transition) -> str | None:
    return transition.value if family_of(transition.family).value_is_role else transition.name


def group(transitions: Iterable[Transition]) -> list[Change]:
    """One change per (organisation, family, date, role), newest date first."""
    groups: dict[tuple, list[Transition]] = {}
    for t in transitions:
        role = role_of(t)
        left = t.previous if role is None else None
        groups.setdefault((t.organisation, t.family, t.since, role, left), []).append(t)
    changes = [
        Change(org, family, since, role, left, tuple(sorted(members, key=lambda t: t.holder)))
        for (org, family, since, role, left), members in groups.items()
    ]
    changes.sort(key=lambda c: (c.family, c.role or "", c.previous_role or ""))
    changes.sort(key=lambda c: (c.since.earliest, c.since.latest), reverse=True)  # stable: newest first, then by role
    return changes


def sentence(change: Change, names: Mapping[str, str], roles: Mapping[tuple[int, str, str], RoleLabel]) -> str:
    """'India and Pakistan become members'. `names`: entity slug -> name; `roles`: (org, family, role) -> label."""
    family = family_of(change.family)
    many = len(change.transitions) > 1

    def role(slug: str | None) -> str:
        label = roles.get((change.organisation, change.family, slug or ""))
        if label is None:
            return (slug or "none").replace("_", " ")
        return label.many if many else label.one

    predecessors = [t.previous_holder for t in change.transitions if t.previous_holder not in (None, t.holder)]
    if change.role is None and family.cleared[0]:
        phrase = family.cleared
    elif predecessors and family.replaced[0]:
        phrase = family.replaced
    else:
        phrase = family.taken
    return phrase[many].format(
        who=_joined(names.get(t.holder, t.holder) for t in change.transitions),
        role=role(change.role),
        previous=role(change.previous_role),
        predecessor=_joined(names.get(p, p) for p in dict.fromkeys(predecessors)),
    )


def _joined(names: Iterable[str]) -> str:
    names = list(names)
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else "".join(names)
