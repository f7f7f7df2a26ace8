from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.domain.dates import PartialDate, Precision
from ingest.dates import find_dates, resolve_dateline

ANCHOR = PartialDate.parse("2017-03-10")


def only(text: str, anchor: PartialDate | None = ANCHOR):
    (mention,) = find_dates(text, anchor)
    return mention


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("9 June 2017", "2017-06-09", Precision.DAY),
        ("June 15, 2001", "2001-06-15", Precision.DAY),
        ("MARCH 20 2017", "2017-03-20", Precision.DAY),
        ("Jan. 11 2019", "2019-01-11", Precision.DAY),
        ("in March 2024", "2024-03", Precision.MONTH),
        ("in 2004", "2004", Precision.YEAR),
        ("2017-06-09", "2017-06-09", Precision.DAY),
    ],
)
def test_absolute_dates_are_read_at_their_precision(text, expected, precision):
    mention = only(text)
    assert str(mention.date) == expected and mention.date.precision is precision and not mention.relative


def test_a_day_range_keeps_its_last_day_as_until():
    mention = only("September 15-16, 2022")
    assert (str(mention.date), str(mention.until)) == ("2022-09-15", "2022-09-16")


def test_a_year_range_is_two_years():
    mention = only("for the period 2010-2011")
    assert (str(mention.date), str(mention.until)) == ("2010", "2011")


def test_a_day_without_a_year_takes_the_anchor_year():
    mention = only("JAN. 1 (The Bulletin)", PartialDate.parse("2019-01-11"))
    assert str(mention.date) == "2019-01-01" and mention.relative


@pytest.mark.parametrize(
    ("text", "expected"),
    [("last year", "2016"), ("this year", "2017"), ("next year", "2018"), ("15 years ago", "2002"), ("by June", "2017-06")],
)
def test_relative_dates_resolve_against_the_anchor(text, expected):
    mention = only(text)
    assert str(mention.date) == expected and mention.relative


def test_recently_means_the_year_holding_most_of_the_twelve_months_before():
    assert str(only("recently", PartialDate.parse("2024-05")).date) == "2023"
    assert str(only("recently", PartialDate.parse("2024-10")).date) == "2024"


def test_since_is_marked():
    assert only("heading it since 2016").since


def test_without_an_anchor_a_relative_date_is_unknown_not_guessed():
    mention = only("last year", None)
    assert mention.date is None and mention.relative


def test_may_the_verb_is_not_a_month():
    assert find_dates("they may 2 things", ANCHOR) == []


def test_a_dateline_is_never_after_the_story_it_opens():
    assert resolve_dateline("DEC. 30", PartialDate.parse("2019-01-02")) == PartialDate.day(date(2018, 12, 30))


@given(st.text(alphabet="0123456789 -/,.JanuryFebMchApilJlSeptOcNovDsthia", max_size=80))
def test_date_mentions_index_the_text_and_never_overlap(text):
    mentions = find_dates(text, ANCHOR)
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [("last June", "2017-03-10", "2016-06"), ("last June", "2017-09", "2017-06"), ("this June", "2017-03", "2017-06"),
     ("next March", "2017-03-10", "2018-03")],
)
def test_a_month_named_relative_to_the_anchor(text, anchor, expected):
    mention = only(text, PartialDate.parse(anchor))
    assert str(mention.date) == expected and mention.date.precision is Precision.MONTH and mention.relative


def test_the_following_year_counts_from_the_date_before_it():
    mentions = find_dates("Iran applied in 2015 and was admitted the following year.", ANCHOR)
    assert [str(m.date) for m in mentions] == ["2015", "2016"]


def test_the_following_year_with_no_date_before_it_is_not_guessed():
    assert find_dates("It was admitted the following year.", ANCHOR) == []
