"""The membership chart's geometry: a row per slot of each family whose values are roles (a state's
membership), a band per period coloured by its role, and marks on a row for the periods in which
its subject held a slot of a family whose slots are roles (a state in the chair). Plain values in,
plain numbers out; templates/events/_chart.html draws them as SVG.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from events.domain.kinds import families
from events.queries.periods import Period

from .sentences import span

# Distinguishable for the common colour-vision deficiencies, and dark enough for white text (Okabe–Ito, darkened).
PALETTE = ("#0b5c8f", "#b35900", "#2e7d32", "#7b3f99", "#8c6d00", "#5d4037", "#00695c", "#ad1457")
MARK_COLOUR = "#1d1d1f"

LABEL_WIDTH = 170  # the row names' column
PLOT_WIDTH = 760
ROW_HEIGHT = 22
BAND_HEIGHT = 14
MARK_HEIGHT = 4
AXIS_HEIGHT = 24
YEARS_PER_LABEL = 5


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    colour: str
    role: str  # the role's slug (a status)
    label: str  # the role's words
    start: date
    end: date | None
    title: str  # "India: observer, 5 July 2005 to 9 June 2017"


@dataclass(frozen=True)
class Mark:
    x: float
    width: float
    label: str  # the slot's words: "Chair"
    title: str  # "India: Chair, 4 July 2022 to 4 July 2023"


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    y: float
    bands: tuple[Band, ...]
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Tick:
    x: float
    year: int
    labelled: bool


@dataclass(frozen=True)
class Key:
    """One entry of the legend: a role's colour, or the mark of a slot."""

    colour: str
    label: str
    is_mark: bool = False


@dataclass(frozen=True)
class Chart:
    first: date
    last: date
    width: int
    height: int
    plot_x: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[Key, ...]


def membership_chart(
    found: Sequence[Period], role_labels: Mapping[str, Mapping[str, str]], first: date, last: date
) -> Chart:
    """The chart of `found` (periods) between `first` and `last`.

    `role_labels`: for each family, its roles' words by slug, in the order the legend lists them
    (a family's statuses; its offices).
    """
    days = max((last - first).days, 1)

    def x(day: date | None) -> float:
        day = last if day is None or day > last else max(day, first)
        return round(LABEL_WIDTH + PLOT_WIDTH * (day - first).days / days, 1)

    by_role = {f.name for f in families() if f.value_is_role}
    rowed = [p for p in found if p.family in by_role and p.value is not None and p.start <= last]
    order: dict[str, tuple[date, str]] = {}
    for period in rowed:
        order[period.slot] = min(order.get(period.slot, (period.start, period.holder.name)), (period.start, period.holder.name))
    slots = sorted(order, key=lambda slot: order[slot])
    colours = {
        (family, role): PALETTE[i % len(PALETTE)]
        for family, labels in role_labels.items() if family in by_role for i, role in enumerate(labels)
    }
    marks = _marks([p for p in found if p.family not in by_role and p.holder.slug in order], role_labels, x)
    rows = []
    for index, slot in enumerate(slots):
        bands = tuple(
            _band(p, role_labels.get(p.family, {}), colours.get((p.family, p.value), PALETTE[-1]), x)
            for p in rowed if p.slot == slot
        )
        name = next(p.holder.name for p in rowed if p.slot == slot)
        rows.append(Row(slot, name, AXIS_HEIGHT + index * ROW_HEIGHT, bands, tuple(marks.get(slot, ()))))
    ticks = tuple(
        Tick(x(date(year, 1, 1)), year, year % YEARS_PER_LABEL == 0)
        for year in range(first.year + (first != date(first.year, 1, 1)), last.year + 1)
    )
    legend = [Key(colours[(family, role)], label) for family, labels in role_labels.items() if family in by_role
              for role, label in labels.items() if any(p.family == family and p.value == role for p in rowed)]
    marked = {mark.label for row in marks.values() for mark in row}
    legend += [Key(MARK_COLOUR, label, is_mark=True) for label in sorted(marked)]
    return Chart(
        first, last, LABEL_WIDTH + PLOT_WIDTH + 10, AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 4, LABEL_WIDTH,
        tuple(rows), ticks, tuple(legend),
    )


def _band(period: Period, labels: Mapping[str, str], colour: str, x) -> Band:
    label = labels.get(period.value, (period.value or "").replace("_", " "))
    left, right = x(period.start), x(period.end)
    return Band(
        left, round(max(right - left, 1.0), 1), colour, period.value, label, period.start, period.end,
        f"{period.holder.name}: {label}, {span(period)}",
    )


def _marks(periods: Iterable[Period], role_labels: Mapping[str, Mapping[str, str]], x) -> dict[str, list[Mark]]:
    found: dict[str, list[Mark]] = {}
    for period in periods:
        label = role_labels.get(period.family, {}).get(period.slot, period.slot.replace("_", " "))
        left, right = x(period.start), x(period.end)
        found.setdefault(period.holder.slug, []).append(
            Mark(left, round(max(right - left, 1.0), 1), label, f"{period.holder.name}: {label}, {span(period)}")
        )
    return found
