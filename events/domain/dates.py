"""Partial dates: a day, a month or a year, kept as the earliest and latest day it can mean.

Pure values, no Django: parsing, formatting and comparison of valid-time dates, and the one
reading of "a day" and "a moment" that the CLI, the API, the pages and the admin share.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from enum import Enum


class Precision(str, Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_PRECISIONS = {precision.value: precision for precision in Precision}
# How much of the ISO form of its first day a partial date keeps: '2017', '2017-06', '2017-06-09'.
_ISO_LENGTH = {Precision.YEAR: 4, Precision.MONTH: 7, Precision.DAY: 10}


def iso_at_precision(first_day: date, precision: str) -> str:
    """The ISO form of a partial date at its own precision, from its first day (no PartialDate built)."""
    return first_day.isoformat()[: _ISO_LENGTH[precision]]


class InvalidDate(ValueError):
    """A date that cannot exist or cannot be read (2017-02-30, 2017-13, 'soon')."""


# English, whatever the process's locale (calendar.month_name follows LC_TIME, through a strftime per lookup).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_ISO_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    earliest: date
    latest: date
    precision: Precision

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise InvalidDate(f"{self.earliest} is after {self.latest}")

    @classmethod
    def from_parts(cls, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
        if day is not None and month is None:
            raise InvalidDate("a day needs a month")
        try:
            if month is None:
                return cls(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)
            if day is None:
                last = calendar.monthrange(year, month)[1]
                return cls(date(year, month, 1), date(year, month, last), Precision.MONTH)
            exact = date(year, month, day)
        except (ValueError, calendar.IllegalMonthError) as exc:
            shown = "-".join(str(p) for p in (year, month, day) if p is not None)
            raise InvalidDate(f"{shown!r} is not a date on the calendar") from exc
        return cls(exact, exact, Precision.DAY)

    @classmethod
    def day(cls, value: date) -> PartialDate:
        return cls(value, value, Precision.DAY)

    @classmethod
    def parse(cls, text: str | date | PartialDate) -> PartialDate:
        """Read 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (a date or a PartialDate passes through)."""
        if isinstance(text, PartialDate):
            return text
        if isinstance(text, date):
            return cls.day(text)
        match = _ISO_PARTIAL.match(str(text).strip())
        if not match:
            raise InvalidDate(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
        return cls.from_parts(parts["year"], parts.get("month"), parts.get("day"))

    @classmethod
    def from_stored(cls, earliest: date, latest: date, precision: str) -> PartialDate:
        return cls(earliest, latest, _PRECISIONS[precision])  # a dict, not Precision(): every state reads ~100

    def __str__(self) -> str:
        """The ISO form at its own precision: '2017', '2017-06', '2017-06-09'."""
        return iso_at_precision(self.earliest, self.precision)

    def display(self) -> str:
        """The date as a person writes it: '9 June 2017', 'June 2017', '2017'."""
        if self.precision is Precision.YEAR:
            return str(self.earliest.year)
        month = MONTH_NAMES[self.earliest.month]
        if self.precision is Precision.MONTH:
            return f"{month} {self.earliest.year}"
        return f"{self.earliest.day} {month} {self.earliest.year}"

    def contains(self, day: date) -> bool:
        return self.earliest <= day <= self.latest

    def is_uncertain_at(self, day: date) -> bool:
        """True when `day` falls inside the window, so it may be before the thing happened."""
        return self.earliest <= day < self.latest

    def overlaps(self, other: PartialDate) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest


def parse_day(text: str) -> date:
    """A day: YYYY-MM-DD (or YYYY-M-D, or another ISO 8601 form Python reads, such as 20170609).

    A year or a month alone is refused: it is no single day.
    """
    text = str(text).strip()
    day = _day(text)
    if day is None:
        raise InvalidDate(f"{text!r} is not YYYY-MM-DD")
    return day


def parse_moment(text: str) -> datetime:
    """An instant, always aware: an ISO 8601 date and time, or a day meaning the end of that day (UTC).

    '2017-06-10T12:00', '2017-06-10 12:00:00.5', '...Z' and '...+05:00' are read as Python reads
    them (one-digit fields too: '2017-6-9 8:05'); without an offset the time is UTC.
    """
    text = str(text).strip()
    day = _day(text)
    if day is not None:
        return end_of_day(day)
    try:
        moment = _datetime(text)
    except ValueError as exc:
        raise InvalidDate(f"{text!r} is not a moment on the calendar ({exc})") from None
    if moment is None:
        raise InvalidDate(f"{text!r} is not a day (YYYY-MM-DD) or a date and time (YYYY-MM-DDThh:mm[:ss][Z|+hh:mm])")
    if not moment.tzinfo:
        return moment.replace(tzinfo=timezone.utc)
    try:  # an offset can carry a moment off the calendar: 0001-01-01T00:00+05:00 is in year 0 in UTC
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidDate(f"{text!r} is outside the calendar in UTC") from None


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in UTC: what "as known on that day" means."""
    return datetime.combine(day, time.max, tzinfo=timezone.utc)


def _day(text: str) -> date | None:
    """The day `text` writes, or None if it writes none; InvalidDate if it writes a year, a month or no real day."""
    if _ISO_PARTIAL.match(text):
        partial = PartialDate.parse(text)
        if partial.precision is not Precision.DAY:
            raise InvalidDate(f"give a day, YYYY-MM-DD (not {text!r})")
        return partial.earliest
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# What Python's ISO reader refuses but people write (and Django's parse_datetime reads): one-digit
# fields, blanks before the offset. Rewritten in the strict form, then read by it.
_LOOSE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?([.,]\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
)


def _datetime(text: str) -> datetime | None:
    """The date and time `text` writes, None if it is not one; ValueError if it names no real moment."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        loose = _LOOSE.fullmatch(text)
        if loose is None:
            return None
    *fields, fraction, offset = loose.groups()
    strict = "{}-{:0>2}-{:0>2}T{:0>2}:{:0>2}:{:0>2}".format(*(f or "0" for f in fields))
    return datetime.fromisoformat(strict + (fraction or "") + (offset or ""))
