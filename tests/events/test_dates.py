"""Partial dates keep their ISO form at their own precision, and read back as themselves."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from events.domain.dates import PartialDate, Precision, iso_at_precision


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(list(Precision)))
def test_iso_form_reads_back_as_the_same_partial_date(day, precision):
    parts = {Precision.YEAR: (day.year,), Precision.MONTH: (day.year, day.month), Precision.DAY: (day.year, day.month, day.day)}
    partial = PartialDate.from_parts(*parts[precision])
    assert PartialDate.parse(str(partial)) == partial
    assert iso_at_precision(partial.earliest, precision.value) == str(partial)


def test_iso_forms_at_each_precision():
    assert [str(PartialDate.parse(text)) for text in ("0999", "2017-6", "2017-06-09")] == ["0999", "2017-06", "2017-06-09"]
