"""Date expressions in prose ("9 June 2017", "JAN. 1", "2010-2011", "last year", "last June") -> partial dates.

Pure. Expressions without a year and relative ones are resolved against an anchor, the
publication date of the document or story; without an anchor they resolve to None. "The
following year" counts from the date before it in the same text. (dateparser was measured for
this and left out: it reads neither "last June" nor "the following year", and gives no precision.)
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from events.domain.dates import InvalidDate, PartialDate, Precision

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DASH = r"\s*[-–/]\s*"


@dataclass(frozen=True)
class DateMention:
    """One date expression: where it is, what it means, and how it was read."""

    start: int
    end: int
    text: str
    date: PartialDate | None  # None: it needed an anchor and there was none
    until: PartialDate | None = None  # the end of a range ("2022-2023", "June 23/24")
    relative: bool = False  # resolved against the anchor
    since: bool = False  # "since 2016": the start of a state that still holds
    present: bool = False  # "currently", "at present": the anchor itself


@dataclass(frozen=True)
class _Reading:
    date: PartialDate | None
    until: PartialDate | None = None
    relative: bool = False
    present: bool = False
    after_previous: int | None = None  # "the following year": this many years after the date before


Reader = Callable[[re.Match, PartialDate | None], _Reading | None]


def _month(word: str) -> int:
    return MONTHS[word.lower()[:3]]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _anchor_year(anchor: PartialDate | None) -> int | None:
    return anchor.earliest.year if anchor else None


def _day_month_year(m: re.Match, anchor: PartialDate | None) -> _Reading | None:
    year = int(m["year"]) if m["year"] else _anchor_year(anchor)
    if year is None:
        return _Reading(None, relative=True)
    first = PartialDate.from_parts(year, _month(m["month"]), _day(m["day"]))
    until = PartialDate.from_parts(year, _month(m["month"]), _day(m["day2"])) if m["day2"] else None
    return _Reading(first, until if until and until.earliest > first.earliest else None, relative=not m["year"])


def _month_year(m: re.Match, anchor: PartialDate | None) -> _Reading | None:
    year = int(m["year"]) if m["year"] else _anchor_year(anchor)
    if year is None:
        return _Reading(None, relative=True)
    return _Reading(PartialDate.from_parts(year, _month(m["month"])), relative=not m["year"])


def _iso(m: re.Match, anchor: PartialDate | None) -> _Reading:
    return _Reading(PartialDate.from_parts(int(m["year"]), int(m["month"]), int(m["day"])))


def _year_range(m: re.Match, anchor: PartialDate | None) -> _Reading | None:
    first, second = int(m["year"]), m["year2"]
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    if not first < last <= first + 10:
        return None
    return _Reading(PartialDate.from_parts(first), PartialDate.from_parts(last))


def _year(m: re.Match, anchor: PartialDate | None) -> _Reading:
    return _Reading(PartialDate.from_parts(int(m["year"])))


def _relative_year(offset: int) -> Reader:
    def read(m: re.Match, anchor: PartialDate | None) -> _Reading:
        year = _anchor_year(anchor)
        return _Reading(PartialDate.from_parts(year + offset) if year else None, relative=True)

    return read


def _years_ago(m: re.Match, anchor: PartialDate | None) -> _Reading:
    count = m["count"].lower()
    years = int(count) if count.isdigit() else NUMBERS[count]
    year = _anchor_year(anchor)
    return _Reading(PartialDate.from_parts(year - years) if year else None, relative=True)


def _recently(m: re.Match, anchor: PartialDate | None) -> _Reading:
    """The calendar year holding most of the twelve months before the anchor."""
    if anchor is None:
        return _Reading(None, relative=True)
    year = anchor.earliest.year
    if anchor.precision is not Precision.YEAR and anchor.earliest.month <= 6:
        year -= 1
    return _Reading(PartialDate.from_parts(year), relative=True)


def _relative_month(m: re.Match, anchor: PartialDate | None) -> _Reading:
    """"last June" is the latest June before the anchor's month, "next June" the first after, "this June" the anchor year's."""
    if anchor is None or anchor.precision is Precision.YEAR:
        return _Reading(None, relative=True)
    month, year, current = _month(m["month"]), anchor.earliest.year, anchor.earliest.month
    which = m["which"].lower()
    if which == "last":
        year -= month >= current
    elif which == "next":
        year += month <= current
    return _Reading(PartialDate.from_parts(year, month), relative=True)


def _following(offset: int) -> Reader:
    def read(m: re.Match, anchor: PartialDate | None) -> _Reading:
        return _Reading(None, relative=True, after_previous=offset)

    return read


def _present(m: re.Match, anchor: PartialDate | None) -> _Reading:
    return _Reading(anchor, relative=True, present=True)


def _pattern(body: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){body}(?![\w])", re.IGNORECASE)


# In priority order: where two expressions overlap, the longer wins, then the earlier listed.
PATTERNS: tuple[tuple[re.Pattern, Reader], ...] = (
    (_pattern(rf"(?P<day>{_DAY})(?:{_DASH}(?P<day2>{_DAY}))?\s+(?:of\s+)?(?P<month>{_MONTH}),?\s+(?P<year>{_YEAR})"), _day_month_year),
    (_pattern(rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY})(?:{_DASH}(?P<day2>{_DAY}))?(?:,?\s+(?P<year>{_YEAR}))?"), _day_month_year),
    (_pattern(rf"(?P<day>{_DAY})(?:{_DASH}(?P<day2>{_DAY}))?\s+(?P<month>{_MONTH})(?P<year>)"), _day_month_year),
    (_pattern(rf"(?P<month>{_MONTH}),?\s+(?P<year>{_YEAR})"), _month_year),
    (_pattern(rf"(?P<which>last|this|next)\s+(?P<month>{_MONTH})"), _relative_month),
    (_pattern(rf"(?:(?<=by )|(?<=in )|(?<=until )|(?<=from ))(?P<month>{_MONTH})(?P<year>)"), _month_year),
    (_pattern(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"), _iso),
    (_pattern(rf"(?P<year>{_YEAR}){_DASH}(?P<year2>\d{{4}}|\d{{2}})"), _year_range),
    (_pattern(rf"(?P<year>{_YEAR})"), _year),
    (_pattern(r"(?:earlier\s+|later\s+)?this\s+year"), _relative_year(0)),
    (_pattern(r"last\s+year|a\s+year\s+ago"), _relative_year(-1)),
    (_pattern(r"next\s+year"), _relative_year(1)),
    (_pattern(r"the\s+(?:following|next)\s+year|a\s+year\s+later"), _following(1)),
    (_pattern(r"the\s+(?:previous|preceding)\s+year|a\s+year\s+(?:earlier|before)"), _following(-1)),
    (_pattern(r"(?P<count>\d{1,2}|" + "|".join(NUMBERS) + r")\s+years\s+ago"), _years_ago),
    (_pattern(r"recently|recent"), _recently),
    (_pattern(r"currently|at\s+present|presently|ongoing|nowadays|today"), _present),
)

_SINCE = re.compile(r"\bsince\s+(?:(?:early|mid|late|the\s+year)\s+)?$", re.IGNORECASE)
_MONTH_CAPITAL = re.compile(r"[A-Z]")


def find_dates(text: str, anchor: PartialDate | None) -> list[DateMention]:
    """Every date expression in `text`, left to right, without overlaps."""
    found: list[tuple[int, int, int, re.Match, Reader]] = []
    for priority, (pattern, reader) in enumerate(PATTERNS):
        for match in pattern.finditer(text):
            month = match.groupdict().get("month") or ""
            if month[:1].isalpha() and not _MONTH_CAPITAL.match(month):
                continue  # "may", "march" as words, not months
            found.append((match.start(), -(match.end() - match.start()), priority, match, reader))
    mentions: list[DateMention] = []
    taken_until = -1
    for start, _length, _priority, match, reader in sorted(found, key=lambda item: item[:3]):
        if start < taken_until:
            continue
        mention = _mention(text, match, reader, anchor, mentions[-1] if mentions else None)
        if mention is not None:
            mentions.append(mention)
            taken_until = match.end()
    return mentions


def _mention(
    text: str, match: re.Match, reader: Reader, anchor: PartialDate | None, before: DateMention | None,
) -> DateMention | None:
    try:
        reading = reader(match, anchor)
    except (InvalidDate, KeyError):
        return None
    if reading is None:
        return None
    if reading.after_previous is not None:
        if before is None or before.date is None:
            return None  # "the following year" with no year before it says nothing
        reading = _Reading(PartialDate.from_parts((before.until or before.date).earliest.year + reading.after_previous), relative=True)
    since = bool(_SINCE.search(text, max(0, match.start() - 20), match.start()))
    return DateMention(
        start=match.start(), end=match.end(), text=match.group(), date=reading.date, until=reading.until,
        relative=reading.relative, since=since, present=reading.present,
    )


def resolve_dateline(text: str, anchor: PartialDate | None) -> PartialDate | None:
    """The day a story's dateline names ('JAN. 1'), in the year of `anchor` or the year before it.

    A dateline is never after the story's publication: 'DEC. 30' published on Jan. 2 is last year's.
    """
    mentions = find_dates(text, anchor)
    if not mentions or mentions[0].date is None:
        return None
    found = mentions[0].date
    if anchor is not None and mentions[0].relative and found.earliest > anchor.latest:
        try:
            return PartialDate.from_parts(found.earliest.year - 1, found.earliest.month, found.earliest.day)
        except InvalidDate:
            return None
    return found
