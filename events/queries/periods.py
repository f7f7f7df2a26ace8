"""Periods: each slot's values over valid time, read from the projection (never a replay), and the
days the organisation's state changed, for the chart, the entity pages, /api/periods/ and the
state page's previous/next buttons.

The projection splits a slot's answer wherever an assertion confirms it (a new interval, the
same value): a period is the run of a slot's intervals with one value and one holder.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef

from events.domain.dates import PartialDate
from events.domain.kinds import families
from events.models import BELIEVED_NOW, Entity, Organisation, SlotInterval

from . import Holder, believed, is_present_belief, roles


@dataclass(frozen=True)
class Period:
    """A slot holding one value from `start` until the day before `end` (None: still holds)."""

    family: str
    slot: str  # a state's slug (membership), an office's slug (office)
    value: str | None
    holder: Holder
    start: date
    end: date | None
    since: PartialDate  # the date as the sources give it: its window is the start's uncertainty
    confidence: float  # of the assertion that began the period
    evidence: tuple[int, ...]  # seqs of the events behind it, each once, oldest first


_COLUMNS = (
    "family", "name", "value", "start", "end", "since_earliest", "since_latest", "since_precision", "confidence",
    "evidence", "holder__slug", "holder__name", "holder__type", "holder__iso3", "holder__country__iso3",
)


def past_moment(known_at: datetime | None) -> datetime | None:
    """`known_at` if the log changed after it, else None: what is believed now (a smaller index) answers it."""
    return None if is_present_belief(known_at) else known_at


def periods(
    organisation: Organisation, known_at: datetime | None = None, *, about: Entity | None = None, at: date | None = None
) -> list[Period]:
    """Every slot's periods as believed at `known_at`, by family, slot and start: one query.

    `about`: only the slots this entity holds (its memberships, the offices it held).
    `at`: only the periods in force on that day (the state on a date, as periods).
    """
    intervals = believed(SlotInterval.objects.filter(organisation=organisation), past_moment(known_at))
    if about is not None:
        intervals = intervals.filter(holder=about)
    rows = intervals.order_by("family", "name", "start").values_list(*_COLUMNS)
    found = merged(rows)
    if at is not None:
        found = [p for p in found if p.start <= at and (p.end is None or at < p.end)]
    return found


def merged(rows: Iterable[tuple]) -> list[Period]:
    """Runs of contiguous intervals of one slot with one value and holder, as periods (rows in slot, start order)."""
    found: list[Period] = []
    for family, name, value, start, end, earliest, latest, precision, confidence, evidence, *holder in rows:
        last = found[-1] if found else None
        if (
            last is not None and (last.family, last.slot, last.value, last.holder.slug) == (family, name, value, holder[0])
            and last.end == start
        ):
            seqs = tuple(dict.fromkeys((*last.evidence, *evidence)))
            found[-1] = Period(family, name, value, last.holder, last.start, end, last.since, last.confidence, seqs)
            continue
        since = PartialDate.from_stored(earliest, latest, precision)
        found.append(Period(family, name, value, Holder(*holder), start, end, since, confidence, tuple(evidence)))
    return found


def change_days(organisation: Organisation, at: date, known_at: datetime | None = None) -> tuple[date | None, date | None]:
    """The last day before `at` and the first after it on which any slot took a new value (a confirmation
    of the value a slot held is no change): where the previous and next buttons go. Two queries."""
    known_at = past_moment(known_at)
    intervals = believed(SlotInterval.objects.filter(organisation=organisation), known_at)
    confirming = believed(
        SlotInterval.objects.filter(
            organisation_id=OuterRef("organisation_id"), family=OuterRef("family"), name=OuterRef("name"),
            end=OuterRef("start"), value=OuterRef("value"), holder_id=OuterRef("holder_id"),
        ),
        known_at,
    )
    changes = intervals.exclude(Exists(confirming)).values_list("start", flat=True)
    # Nearest first, one row: the (organisation, start) index is walked from `at` and stops at the first change.
    before = changes.filter(start__lt=at).order_by("-start").first()
    after = changes.filter(start__gt=at).order_by("start").first()
    return before, after


def role_words(organisation: Organisation) -> dict[str, dict[str, str]]:
    """For each slot family with a vocabulary, its roles' words by slug in declared order: a family whose
    values are roles names them (statuses: "observer"), one whose slots are roles names the slots ("Chair")."""
    declared = roles(organisation)
    return {family.name: {role.slug: role.label for role in declared.get(family.roles, [])} for family in families() if family.roles}


def holders(organisation: Organisation) -> list[tuple[str, str]]:
    """(slug, name) of every entity that has held a slot of the organisation (its states, its office holders),
    by name: as many as the organisation has, however long the log."""
    held = SlotInterval.objects.filter(BELIEVED_NOW, organisation=organisation).values("holder_id")
    return list(Entity.objects.filter(pk__in=held).order_by("name").values_list("slug", "name"))
