"""Partial dates keep their ISO form at their own precision and read back as themselves; days and moments parse one way."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.domain.dates import (
    InvalidDate, PartialDate, Precision, end_of_day, iso_at_precision, parse_day, parse_moment,
)


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(list(Precision)))
def test_iso_form_reads_back_as_the_same_partial_date(day, precision):
    parts = {Precision.YEAR: (day.year,), Precision.MONTH: (day.year, day.month), Precision.DAY: (day.year, day.month, day.day)}
    partial = PartialDate.from_parts(*parts[precision])
    assert PartialDate.parse(str(partial)) == partial
    assert iso_at_precision(partial.earliest, precision.value) == str(partial)


def test_iso_forms_at_each_precision():
    assert [str(PartialDate.parse(text)) for text in ("0999", "2017-6", "2017-06-09")] == ["0999", "2017-06", "2017-06-09"]


# "A day" and "a moment", as the CLI, the API, the pages and the admin all read them.
DAYS = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31))
OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@given(DAYS)
def test_a_day_reads_back_from_its_iso_form_padded_or_not(day):
    assert parse_day(day.isoformat()) == day
    assert parse_day(f"{day.year:04d}-{day.month}-{day.day}") == day


@pytest.mark.parametrize("text, message", [
    ("2017", "give a day, YYYY-MM-DD (not '2017')"),
    ("2017-06", "give a day, YYYY-MM-DD (not '2017-06')"),
    ("2017-02-30", "'2017-2-30' is not a date on the calendar"),
    ("yesterday", "'yesterday' is not YYYY-MM-DD"),
    ("2017-06-10T12:00", "'2017-06-10T12:00' is not YYYY-MM-DD"),
])
def test_what_is_not_a_day_is_refused_saying_why(text, message):
    with pytest.raises(InvalidDate, match=f"^{re.escape(message)}$"):
        parse_day(text)


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)), OFFSETS)
def test_an_aware_moment_reads_back_from_its_iso_form_with_t_or_a_space(moment, offset):
    aware = moment.replace(tzinfo=offset)
    assert parse_moment(aware.isoformat()) == aware
    assert parse_moment(aware.isoformat(" ")) == aware


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)))
def test_a_moment_without_an_offset_is_utc(moment):
    assert parse_moment(moment.isoformat()) == moment.replace(tzinfo=timezone.utc)


@given(DAYS)
def test_a_day_as_a_moment_is_its_last_instant_in_utc(day):
    end = parse_moment(day.isoformat())
    assert end == end_of_day(day) == datetime.combine(day, time.max, tzinfo=timezone.utc)
    assert (end + timedelta(microseconds=1)).date() == day + timedelta(days=1)


@pytest.mark.parametrize("text, expected", [
    ("2017-06-10T12:00:00Z", datetime(2017, 6, 10, 12, tzinfo=timezone.utc)),
    ("2017-06-10T12:00:00+05:00", datetime(2017, 6, 10, 7, tzinfo=timezone.utc)),
    ("2017-06-10 12:00:00.5", datetime(2017, 6, 10, 12, 0, 0, 500000, tzinfo=timezone.utc)),
    ("2017-06-10T12:00:00,25 -03:30", datetime(2017, 6, 10, 15, 30, 0, 250000, tzinfo=timezone.utc)),
    ("2017-6-9 8:05", datetime(2017, 6, 9, 8, 5, tzinfo=timezone.utc)),
    ("2017-06-10T12", datetime(2017, 6, 10, 12, tzinfo=timezone.utc)),
    (" 2017-6-9 ", datetime(2017, 6, 9, 23, 59, 59, 999999, tzinfo=timezone.utc)),
])
def test_moments_are_read_as_people_and_programs_write_them(text, expected):
    assert parse_moment(text) == expected


@pytest.mark.parametrize("text, message", [
    ("noon", "'noon' is not a day (YYYY-MM-DD) or a date and time"),
    ("2017-02-30T10:00", "'2017-02-30T10:00' is not a moment on the calendar (day is out of range for month)"),
    ("2017-06", "give a day, YYYY-MM-DD (not '2017-06')"),
])
def test_what_is_not_a_moment_is_refused_saying_why(text, message):
    with pytest.raises(InvalidDate, match=f"^{re.escape(message)}"):
        parse_moment(text)
