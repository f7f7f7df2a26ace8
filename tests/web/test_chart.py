"""The membership chart's geometry, from plain periods: rows, bands, marks, legend."""
from datetime import date

import pytest

from events.domain.dates import PartialDate
from events.queries import Holder
from events.queries.periods import Period, merged
from events.web.chart import LABEL_WIDTH, PLOT_WIDTH, membership_chart

INDIA = Holder("india", "India", "state", "IND", None)
CHINA = Holder("china", "China", "state", "CHN", None)
NOROV = Holder("vladimir-norov", "Vladimir Norov", "person", None, "UZB")
WORDS = {"membership": {"member": "member", "observer": "observer"}, "office": {"chair": "Chair", "secretary_general": "Secretary-General"}}


def period(family, slot, value, holder, start, end=None):
    return Period(family, slot, value, holder, start, end, PartialDate.day(start), 0.9, (1,))


PERIODS = [
    period("membership", "china", "member", CHINA, date(1996, 4, 26)),
    period("membership", "india", "observer", INDIA, date(2005, 7, 5), date(2017, 6, 9)),
    period("membership", "india", "member", INDIA, date(2017, 6, 9)),
    period("office", "chair", "india", INDIA, date(2022, 9, 16), date(2023, 7, 4)),
    period("office", "secretary_general", "vladimir-norov", NOROV, date(2019, 1, 1), date(2022, 1, 1)),
]


def test_a_row_per_state_in_order_of_arrival_with_a_band_per_period():
    chart = membership_chart(PERIODS, WORDS, date(1996, 1, 1), date(2026, 1, 1))
    assert [row.slug for row in chart.rows] == ["china", "india"]
    india = chart.rows[1]
    assert [(b.role, b.start, b.end) for b in india.bands] == [
        ("observer", date(2005, 7, 5), date(2017, 6, 9)), ("member", date(2017, 6, 9), None),
    ]
    assert india.bands[0].title == "India: observer, from 5 July 2005 to 9 June 2017"
    assert india.bands[0].x + india.bands[0].width == pytest.approx(india.bands[1].x)  # contiguous
    assert india.bands[1].x + india.bands[1].width == pytest.approx(LABEL_WIDTH + PLOT_WIDTH)  # open: to the chart's end
    assert india.bands[0].colour != india.bands[1].colour


def test_a_state_holding_an_office_is_marked_on_its_row_and_a_person_has_no_row():
    chart = membership_chart(PERIODS, WORDS, date(1996, 1, 1), date(2026, 1, 1))
    [mark] = chart.rows[1].marks
    assert mark.title == "India: Chair, from 16 September 2022 to 4 July 2023" and not chart.rows[0].marks
    assert [(key.label, key.is_mark) for key in chart.legend] == [("member", False), ("observer", False), ("Chair", True)]


def test_the_axis_labels_every_fifth_year():
    chart = membership_chart(PERIODS, WORDS, date(1996, 1, 1), date(2026, 1, 1))
    assert [t.year for t in chart.ticks if t.labelled] == [2000, 2005, 2010, 2015, 2020, 2025]
    assert chart.ticks[0].x == LABEL_WIDTH


def test_intervals_of_one_value_split_by_a_confirmation_are_one_period():
    row = ("membership", "india", "observer", date(2005, 7, 5), date(2013, 1, 1), date(2005, 7, 5), date(2005, 7, 5), "day", 0.9, [3],
           "india", "India", "state", "IND", None)
    confirmed = (*row[:3], date(2013, 1, 1), date(2017, 6, 9), *row[5:9], [3, 7], *row[10:])
    member = (*row[:2], "member", date(2017, 6, 9), None, *row[5:9], [9], *row[10:])
    found = merged([row, confirmed, member])
    assert [(p.value, p.start, p.end, p.evidence) for p in found] == [
        ("observer", date(2005, 7, 5), date(2017, 6, 9), (3, 7)), ("member", date(2017, 6, 9), None, (9,)),
    ]
