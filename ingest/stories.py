"""A document's stories (each with its own date) and sentences (with offsets and line numbers). Pure.

A news archive page holds several stories, each closed by a trailer such as
"This story was first published ... on Jan. 11 2019" and opened by a dateline such as
"JAN. 1 (The Conway Bulletin) —". Relative dates in a story resolve against its own date.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from events.domain.dates import PartialDate

from .dates import find_dates, resolve_dateline

_TRAILER = re.compile(r"^[^\n]*\bpublished\b[^\n]*?\bon\s+(?P<date>[^\n]+)$", re.IGNORECASE | re.MULTILINE)
_DATELINE = re.compile(
    r"^[^\S\n]*(?:[A-Z][A-Z .'-]+[/,][^\S\n]*)?(?P<date>[A-Za-z]{3,9}\.?[^\S\n]+\d{1,2}(?:,?[^\S\n]+\d{4})?|\d{1,2}[^\S\n]+[A-Za-z]{3,9}\.?(?:[^\S\n]+\d{4})?)"
    r"[^\S\n]*(?:\(|—|–|-[^\S\n]|$)",
    re.MULTILINE,
)
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no nos jan feb mar apr jun jul aug sep sept oct nov dec vs etc gen prof rep sen lt col "
    "e.g i.e u.s u.n approx fig vol pp ed art".split()
)


@dataclass(frozen=True)
class Story:
    start: int
    end: int
    anchor: PartialDate | None  # what relative dates in the story resolve against (its own date)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    line: int
    text: str
    story: Story


def stories(text: str, published: PartialDate | None) -> list[Story]:
    """Split at story trailers; each story dates from its dateline, else its trailer, else `published`."""
    bounds: list[tuple[int, int, PartialDate | None]] = []
    start = 0
    for trailer in _TRAILER.finditer(text):
        dated = [m.date for m in find_dates(trailer["date"], None) if m.date is not None and not m.relative]
        if dated:
            bounds.append((start, trailer.end(), dated[0]))
            start = trailer.end()
    if bounds:
        first, _end, trailer_date = bounds.pop()
        bounds.append((first, len(text), trailer_date))  # what follows the last trailer belongs to it
    else:
        bounds.append((0, len(text), published))
    return [Story(start, end, _story_date(text[start:end], date or published)) for start, end, date in bounds]


def _story_date(text: str, fallback: PartialDate | None) -> PartialDate | None:
    match = _DATELINE.search(text)
    if match is None:
        return fallback
    return resolve_dateline(match["date"], fallback) or fallback


def sentences(text: str, published: PartialDate | None) -> Iterator[Sentence]:
    """Every sentence of `text` with its character span, 1-based line number and story."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for story in stories(text, published):
        for start, end in _spans(text, story.start, story.end):
            yield Sentence(start, end, bisect.bisect_right(line_starts, start), text[start:end], story)


def same_paragraph(text: str, previous: Sentence, sentence: Sentence) -> bool:
    """No paragraph break between them, or one the sentence before runs across (it has no closing stop)."""
    return previous.story == sentence.story and ("\n\n" not in text[previous.end:sentence.start] or _unterminated(previous))


def interrupts(text: str, previous: Sentence, sentence: Sentence) -> bool:
    """`sentence` stands inside `previous`, a sentence a page broke: it is the broken sentence's tail
    ("the association.") or a pull quote (a passage the page repeats from elsewhere)."""
    if not _unterminated(previous) or "\n\n" not in text[previous.end:sentence.start]:
        return False
    return sentence.text[:1].islower() or (len(sentence.text) >= 40 and text.count(sentence.text) > 1)


def _unterminated(sentence: Sentence) -> bool:
    return sentence.text.rstrip()[-1:] not in ".!?:;\"”’)"


def _spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    for boundary in _BOUNDARY.finditer(text, start, end):
        paragraph = "\n" in boundary.group()
        if paragraph and _continues(text, cursor, boundary):
            continue  # a sentence broken by a page break: "the development of\n\nthe association."
        if not paragraph and boundary.group()[0] == "." and _is_abbreviation(text, cursor, boundary.start()):
            continue
        yield from _trimmed(text, cursor, boundary.start() + (0 if boundary.group()[0] == "\n" else 1))
        cursor = boundary.end()
    yield from _trimmed(text, cursor, end)


def _continues(text: str, start: int, boundary: re.Match) -> bool:
    """The next paragraph goes on with this one's sentence: this one has no closing stop, the next opens in lower case."""
    following = text[boundary.end():boundary.end() + 1]
    return following.islower() and boundary.start() > start and text[boundary.start() - 1] not in ".!?:;\"”"


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    word = re.search(r"[\w.]*$", text[max(start, dot - 12):dot]).group().lower()
    return (len(word) == 1 and word.isalpha()) or word in _ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end
