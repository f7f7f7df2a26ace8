"""Extraction on our own short documents against hand-made expected candidates (no database)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from events.domain.dates import PartialDate
from events.domain.kinds import Vocabulary
from ingest.extract import extract
from tests.ingest.gazetteers import toy

BULLETIN = """SCO news

JUNE 10 2017 (The Bulletin) — India and Pakistan joined the Shanghai Cooperation Organisation on 9 June 2017. Iran could become a member by June.

The observer states are Belarus and Mongolia. Tajikistan is blocking Iranian membership.

Former Kazakh diplomat Vladimir Norov replaced Rashid Alimov as Secretary-General on 1 January 2019.

Kazakhstan assumed the chairmanship for the period 2016-2017. The SCO Charter was signed on 7 July 2002 and entered into force on 19 September 2003.

The heads of state met at the annual summit in Astana on June 8/9. The Shanghai Five, formed in 1996, preceded it. The Regional Anti-Terrorist Structure (RATS) was established in 2004 in Tashkent.

Mongolia is not a member of the SCO.
"""

# Hand-checked: (line, kind, subject, payload, date, expectation)
EXPECTED = {
    (3, "membership.status", "india", (("status", "member"),), "2017-06-09", False),
    (3, "membership.status", "pakistan", (("status", "member"),), "2017-06-09", False),
    (3, "membership.status", "iran", (("status", "member"),), "2017-06", True),
    (5, "membership.status", "belarus", (("observed", True), ("status", "observer")), "2017-06-10", False),
    (5, "membership.status", "mongolia", (("observed", True), ("status", "observer")), "2017-06-10", False),
    (7, "office.assumed", "vladimir-norov", (("office", "secretary_general"),), "2019-01-01", False),
    (9, "office.assumed", "kazakhstan", (("office", "chair"), ("term_end", "2017")), "2016", False),
    (9, "document.signed", "sco-charter", (), "2002-07-07", False),
    (9, "document.in_force", "sco-charter", (), "2003-09-19", False),
    (11, "meeting.held", "astana", (("meeting", "heads_of_state"), ("name", "Astana summit 2017"), ("until", "2017-06-09")), "2017-06-08", False),
    (11, "organisation.founded", "shanghai-five", (), "1996", False),
    (11, "body.established", "rats", (("place", "tashkent"),), "2004", False),
}


def keys(found):
    return {
        (a.line, a.kind, a.subject.slug if a.subject else a.subject_text, tuple(sorted(a.payload.items())), str(a.date), a.expectation)
        for a in found
    }


def test_the_bulletin_yields_exactly_the_hand_checked_candidates():
    found = extract(BULLETIN, toy(), PartialDate.parse("2017-06-10"), organisation="sco")
    assert keys(found) == EXPECTED


def test_an_expectation_is_never_a_fact():
    found = extract("Iran could join the SCO by June.", toy(), PartialDate.parse("2017-03"))
    assert [(a.subject.slug, a.expectation, str(a.date)) for a in found] == [("iran", True, "2017-06")]


def test_a_blocked_application_is_an_expectation():
    found = extract("Tajikistan blocks Iran's application to join the SCO.", toy(), PartialDate.parse("2017-09-20"))
    assert {(a.subject.slug, a.value, a.expectation) for a in found} == {("iran", "member", True), ("iran", "acceding", True)}


def test_an_unknown_publication_date_leaves_a_relative_date_unknown_and_lowers_confidence():
    (known,) = extract("India joined the SCO last year.", toy(), PartialDate.parse("2018"))
    (unknown,) = extract("India joined the SCO last year.", toy(), None)
    assert str(known.date) == "2017" and unknown.date is None
    assert unknown.confidence < known.confidence


def test_a_list_of_observers_is_observed_as_of_the_document_date():
    found = extract("The observer states are Belarus, Mongolia and the Islamic Republic of Iran.", toy(), PartialDate.parse("2013"))
    assert {(a.subject.iso3, a.payload.get("observed"), str(a.date)) for a in found} == {
        ("BLR", True, "2013"), ("MNG", True, "2013"), ("IRN", True, "2013"),
    }


def test_statuses_the_organisation_does_not_declare_are_not_proposed():
    vocabulary = Vocabulary("sco", statuses=frozenset({"member"}), offices=frozenset())
    assert extract("The observer states are Belarus and Mongolia.", toy(), PartialDate.parse("2013"), vocabulary) == []


def test_a_day_date_is_surer_than_a_year():
    (day,) = extract("India joined the SCO on 9 June 2017.", toy(), None)
    (year,) = extract("India joined the SCO in 2017.", toy(), None)
    assert day.confidence > year.confidence


def test_a_demonym_names_the_state():
    (found,) = extract("Tajikistan is blocking Iranian membership.", toy(), PartialDate.parse("2017"))
    assert found.subject.slug == "iran" and found.subject_text == "Iranian"


FRAGMENTS = [
    "India joined the SCO on 9 June 2017.", "The observer states are Belarus and Mongolia.", "Iran could join by June.",
    "\n", "\n\n", "JAN. 1 (The Bulletin) — ", "Vladimir Norov replaced Rashid Alimov as Secretary-General.",
    "summit in Astana on June 8/9", "last year", "Mr. ", "é", "  ", "SCO", ">>published on Jan. 11 2019\n",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12), st.sampled_from([None, "2017", "2019-01-11"]))
def test_evidence_always_indexes_the_text_at_its_line(parts, published):
    text = "".join(parts)
    for found in extract(text, toy(), PartialDate.parse(published) if published else None):
        assert text[found.start:found.end] == found.evidence
        assert found.line == text.count("\n", 0, found.start) + 1
        assert 0.0 < found.confidence < 1.0
