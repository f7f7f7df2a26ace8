"""Precision and recall of extraction against a hand-checked list, at the level of facts and of mentions. Pure.

Rows are candidate records (ingest.representations.record) of one document, marked with `_doc`.
A **fact** is a distinct (kind, subject, status/office/predicate, expectation, date) of a document:
the strict score compares the date too, the date-free score does not. A **mention** is a fact's
appearance on one line (kind, subject, value, expectation, line): an expected row lists every line
that supports it (`lines`), a found row the lines extraction saw it on (`lines`, else `line`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ALL = "all"
# The kinds the targets are set on: membership, the chair and the Secretary-General.
TARGETS = frozenset({"membership.status", "chair", "secretary_general"})
TARGET = "membership, chair, secretary-general"

Row = Mapping[str, Any]


def group(row: Row) -> str:
    """What a row is scored under: its kind, or for an office the office ('chair', 'secretary_general')."""
    return (row.get("office") or row["kind"]) if row["kind"] == "office.assumed" else row["kind"]


def _about(row: Row) -> tuple:
    subject = row.get("subject_iso3") or row.get("subject")
    value = row.get("status") or row.get("office") or row.get("predicate")
    return (row.get("_doc"), row["kind"], subject, value, bool(row["expectation"]))


def fact(row: Row, with_date: bool = True) -> tuple:
    return (*_about(row), row.get("date") if with_date else None)


def mentions(row: Row) -> set[tuple]:
    lines = row.get("lines") or [row["line"]]
    return {(*_about(row), line) for line in lines}


@dataclass(frozen=True)
class Score:
    label: str
    expected: int
    found: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None


def _keys(rows: Iterable[Row], key: Callable[[Row], set[tuple]]) -> dict[tuple, Row]:
    return {k: row for row in rows for k in key(row)}


def scores(
    expected: Iterable[Row], found: Iterable[Row], level: str = "fact", with_date: bool = True,
    by: Callable[[Row], str] = group,
) -> list[Score]:
    """One Score per group (sorted), then the target kinds' facts (not expectations) under TARGET, then ALL."""
    key = (lambda r: {fact(r, with_date)}) if level == "fact" else mentions
    wanted, got = _keys(expected, key), _keys(found, key)
    labels = sorted({by(r) for r in [*wanted.values(), *got.values()]})
    result = [_score(label, wanted, got, lambda r, label=label: by(r) == label) for label in labels]
    in_target = lambda r: group(r) in TARGETS and not r["expectation"]  # noqa: E731
    return [*result, _score(TARGET, wanted, got, in_target), _score(ALL, wanted, got, lambda r: True)]


def _score(label: str, wanted: dict[tuple, Row], got: dict[tuple, Row], keep: Callable[[Row], bool]) -> Score:
    w = {k for k, r in wanted.items() if keep(r)}
    g = {k for k, r in got.items() if keep(r)}
    return Score(label, len(w), len(g), len(w & g))


def expectations_as_facts(expected: Iterable[Row], found: Iterable[Row]) -> list[tuple]:
    """Mentions the list calls an expectation that extraction proposed as a fact (and the list does not)."""
    expected = list(expected)
    flipped = {(*k[:4], not k[4], k[5]) for r in expected if r["expectation"] for k in mentions(r)}
    facts = {k for r in expected if not r["expectation"] for k in mentions(r)}
    return sorted({k for r in found if not r["expectation"] for k in mentions(r) if k in flipped and k not in facts}, key=str)


def misses(expected: Iterable[Row], found: Iterable[Row]) -> tuple[list[tuple], list[tuple]]:
    """(expected but not found, found but not expected): strict facts, for looking into the errors."""
    wanted, got = {fact(r) for r in expected}, {fact(r) for r in found}
    return sorted(wanted - got, key=str), sorted(got - wanted, key=str)


def table(expected: list[Row], found: list[Row], by: Callable[[Row], str] = group) -> str:
    """A Markdown table: facts (strict and any date) and mentions, precision and recall per group."""
    strict = scores(expected, found, "fact", True, by)
    loose = {s.label: s for s in scores(expected, found, "fact", False, by)}
    lines_ = {s.label: s for s in scores(expected, found, "mention", by=by)}
    rows = [
        "| | facts expected | found | precision | recall | precision (any date) | recall (any date) "
        "| mentions expected | found | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    empty = lambda label: Score(label, 0, 0, 0)  # noqa: E731
    for score in strict:
        other, mention = loose.get(score.label, empty(score.label)), lines_.get(score.label, empty(score.label))
        rows.append(
            f"| {score.label} | {score.expected} | {score.found} | {_pct(score.precision)} | {_pct(score.recall)} "
            f"| {_pct(other.precision)} | {_pct(other.recall)} "
            f"| {mention.expected} | {mention.found} | {_pct(mention.precision)} | {_pct(mention.recall)} |"
        )
    return "\n".join(rows)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
