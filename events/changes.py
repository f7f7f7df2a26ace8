"""Derived changes: the replayed state's changes over time, as sentences a subscriber reads.

"9 June 2017: India and Pakistan become members"; "1 January 2019: Vladimir Norov succeeds
Rashid Alimov as Secretary-General". A change is a slot taking a new value (a transition),
read from the materialised intervals; transitions of one family to the same role on the
same date are one change. `group` and `sentence` are pure; `recent_changes` reads the ORM.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from .dates import PartialDate
from .models import SlotInterval


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
    event_ids: tuple[str, ...]  # the assertions behind the new value


@dataclass(frozen=True)
class Family:
    """How a slot family reads as a change; each phrase is (one subject, several subjects)."""

    role_is_value: bool  # what is taken: the value (a status) or the slot itself (an office)
    taken: tuple[str, str]
    cleared: tuple[str, str] = ("", "")  # the value became none
    replaced: tuple[str, str] = ("", "")  # somebody else held the slot before


FAMILIES: dict[str, Family] = {
    "membership": Family(
        role_is_value=True,
        taken=("{who} becomes {role}", "{who} become {role}"),
        cleared=("{who} ceases to be {previous}", "{who} cease to be {previous}"),
    ),
    "office": Family(
        role_is_value=False,
        taken=("{who} becomes {role}", "{who} become {role}"),
        replaced=("{who} succeeds {predecessor} as {role}", "{who} succeed {predecessor} as {role}"),
    ),
}
_UNDECLARED = Family(role_is_value=True, taken=("{who}: {role}", "{who}: {role}"))


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
    def event_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for t in self.transitions for i in t.event_ids))


@dataclass(frozen=True)
class RoleLabel:
    one: str  # "a member", "Secretary-General"
    many: str  # "members", "Secretary-General"


def family_of(name: str) -> Family:
    return FAMILIES.get(name, _UNDECLARED)


def role_of(transition: Transition) -> str | None:
    return transition.value if family_of(transition.family).role_is_value else transition.name


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


def recent_changes(organisations: Iterable[int], limit: int) -> list[Change]:
    """The `limit` most recent changes (by date) of the organisations, each with all its transitions."""
    found = [change for organisation in organisations for change in _recent(organisation, limit)]
    found.sort(key=lambda c: (c.since.earliest, c.since.latest), reverse=True)
    return found[:limit]


def _recent(organisation: int, limit: int) -> list[Change]:
    found: list[Transition] = []
    dates: set[PartialDate] = set()
    for transition in _transitions(SlotInterval.objects.filter(organisation_id=organisation)):
        if len(dates) >= limit and transition.since not in dates:
            break
        found.append(transition)
        dates.add(transition.since)
    return group(found)[:limit]


def _transitions(intervals: QuerySet[SlotInterval], chunk: int = 200) -> Iterator[Transition]:
    """Each interval whose value differs from the one before it, newest start first.

    Read in slices keyed by date, whole dates at a time: `start` alone orders them, so the
    (organisation, start) index serves each slice and nothing sorts the whole projection.
    """
    # The slot's interval before this one ends where this one starts (intervals of a slot are
    # contiguous): one probe of the (organisation, family, name, end) index a row.
    previous = SlotInterval.objects.filter(
        organisation_id=OuterRef("organisation_id"), family=OuterRef("family"), name=OuterRef("name"), end=OuterRef("start")
    ).order_by()
    rows = intervals.annotate(
        previous_value=Subquery(previous.values("value")[:1]), previous_holder=Subquery(previous.values("holder__slug")[:1])
    ).values_list(
        "organisation_id", "family", "name", "start", "since_earliest", "since_latest", "since_precision",
        "value", "holder__slug", "event_ids", "previous_value", "previous_holder",
    )
    before = None
    while True:
        batch = list((rows if before is None else rows.filter(start__lt=before)).order_by("-start")[:chunk])
        if len(batch) < chunk:
            yield from _changed(batch)
            return
        before = batch[-1][3]
        # The slice may end inside a date: take that date whole, so a change is never split.
        batch = [row for row in batch if row[3] != before] + list(rows.filter(start=before).order_by())
        yield from _changed(batch)


def _changed(rows: Sequence[tuple]) -> Iterator[Transition]:
    for row in rows:
        org, family, name, start, since_earliest, since_latest, precision, value, holder, event_ids, previous, previous_holder = row
        if value == previous:
            continue  # a confirmation of the standing value, or none followed by none
        yield Transition(
            organisation=org, family=family, name=name,
            since=PartialDate.from_stored(since_earliest, since_latest, precision),
            value=value, holder=holder, previous=previous, previous_holder=previous_holder,
            event_ids=tuple(event_ids),
        )
