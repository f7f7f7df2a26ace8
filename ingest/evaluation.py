"""Precision and recall of extraction against a hand-checked list of expected candidates. Pure.

Rows are candidate records (ingest.representations.record). Two rows match when kind, subject,
status/office/predicate and expectation agree, and, in the strict score, the date too. Lines are
not compared: a document repeating an assertion is expected to yield it once.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ALL = "all"


def key(row: Mapping[str, Any], with_date: bool = True) -> tuple:
    subject = row.get("subject_iso3") or row.get("subject")
    value = row.get("status") or row.get("office") or row.get("predicate")
    date = row.get("date") if with_date else None
    return (row["kind"], subject, value, bool(row["expectation"]), date, row.get("_doc"))


@dataclass(frozen=True)
class Score:
    kind: str
    expected: int
    found: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None


def scores(expected: Iterable[Mapping[str, Any]], found: Iterable[Mapping[str, Any]], with_date: bool = True) -> list[Score]:
    """One Score per kind (sorted), then the total under ALL."""
    wanted = {key(row, with_date) for row in expected}
    got = {key(row, with_date) for row in found}
    kinds = sorted({k[0] for k in wanted | got})
    result = [_score(kind, {k for k in wanted if k[0] == kind}, {k for k in got if k[0] == kind}) for kind in kinds]
    return result + [_score(ALL, wanted, got)]


def _score(kind: str, wanted: set, got: set) -> Score:
    return Score(kind, len(wanted), len(got), len(wanted & got))


def misses(expected: Iterable[Mapping[str, Any]], found: Iterable[Mapping[str, Any]]) -> tuple[list[tuple], list[tuple]]:
    """(expected but not found, found but not expected), strict keys, for looking into the errors."""
    wanted, got = {key(r) for r in expected}, {key(r) for r in found}
    return sorted(wanted - got, key=str), sorted(got - wanted, key=str)


def table(strict: list[Score], lenient: list[Score]) -> str:
    """A Markdown table: per kind, expected/found and precision/recall with and without the date."""
    lines = [
        "| kind | expected | found | precision | recall | precision (any date) | recall (any date) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    loose = {s.kind: s for s in lenient}
    for score in strict:
        other = loose.get(score.kind, Score(score.kind, 0, 0, 0))
        lines.append(
            f"| {score.kind} | {score.expected} | {score.found} | {_pct(score.precision)} | {_pct(score.recall)} "
            f"| {_pct(other.precision)} | {_pct(other.recall)} |"
        )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
