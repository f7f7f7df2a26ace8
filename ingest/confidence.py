"""How sure a candidate is: the phrase's strength times factors for its subject, date and mode. Pure.

    confidence = base(phrase) x subject(how it was named) x date(precision, how it was found) x mode

Every factor is a row in a table below, so the README can print them and tuning is a data change.
"""
from __future__ import annotations

from dataclasses import dataclass

from events.domain.dates import Precision

# How the subject was named: by its name or an alias, by a demonym ("Uzbek"), by a pronoun or
# "its inception" (a reference), or not resolved to any entity at all.
SUBJECT = {"name": 1.0, "alias": 1.0, "demonym": 0.9, "reference": 0.8, "unresolved": 0.6}
# The date's precision; None when a relative date needed a publication date nobody gave.
PRECISION = {Precision.DAY: 1.0, Precision.MONTH: 0.95, Precision.YEAR: 0.9, None: 0.5}
RELATIVE = 0.9  # "last year", "JAN. 1": resolved against the story's date
FROM_PUBLICATION = 0.85  # no date in the sentence: the story's own date stands in
# "joined in 2017" (event) dates the change; "the observers are A and B" (standing) only shows it holds then.
MODE = {"event": 1.0, "standing": 0.9, "expectation": 1.0}
FLOOR, CEILING = 0.05, 0.99


@dataclass(frozen=True)
class Evidence:
    base: float
    via: str
    precision: Precision | None
    relative: bool
    from_publication: bool
    mode: str


def score(evidence: Evidence) -> float:
    value = evidence.base * SUBJECT[evidence.via] * PRECISION[evidence.precision] * MODE[evidence.mode]
    if evidence.from_publication:
        value *= FROM_PUBLICATION
    elif evidence.relative:
        value *= RELATIVE
    return round(min(CEILING, max(FLOOR, value)), 2)
