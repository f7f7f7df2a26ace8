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


def facts(text, published="2023-06", organisation="sco"):
    found = extract(text, toy(), PartialDate.parse(published), organisation=organisation)
    return {(a.subject.iso3 or a.subject.slug, a.value, str(a.date), a.expectation) for a in found if a.kind in ("membership.status", "office.assumed")}


def test_founding_members_in_a_list_are_members_from_the_founding_the_sentence_dates():
    assert facts("The organisation was founded on 15 June 2001 by Russia, Kazakhstan and Tajikistan.") == {
        ("RUS", "member", "2001-06-15", False), ("KAZ", "member", "2001-06-15", False), ("TJK", "member", "2001-06-15", False),
    }


def test_founding_members_without_a_date_take_the_founding_the_dataset_records():
    assert facts("Its other original members are Kazakhstan and Uzbekistan.") == {
        ("KAZ", "member", "2001-06-15", False), ("UZB", "member", "2001-06-15", False),
    }
    assert facts("The Shanghai Five was created by Russia, Kazakhstan and Tajikistan.") == {
        ("RUS", "member", "1996-04-26", False), ("KAZ", "member", "1996-04-26", False), ("TJK", "member", "1996-04-26", False),
    }


def test_these_countries_are_the_list_of_the_sentence_before():
    text = "Russia, Kazakhstan and Tajikistan signed a border treaty. On 15 June 2001 these countries and Uzbekistan met to announce a new organisation."
    assert {f for f in facts(text) if f[1] == "member"} == {
        (iso3, "member", "2001-06-15", False) for iso3 in ("RUS", "KAZ", "TJK", "UZB")
    }


def test_the_accession_process_is_a_status_and_not_a_membership():
    assert facts("Mongolia signed the memorandum of obligations in 2022.") == {("MNG", "acceding", "2022", False)}
    assert facts("Belarus applied for membership in 2019.") == {("BLR", "acceding", "2019", False)}


def test_signing_a_pledge_to_join_is_dated_by_the_signing_not_by_the_joining():
    found = facts("India and Pakistan signed pledges to join the SCO in 2017 at the summit, held in 2016 in Astana.")
    assert ("IND", "acceding", "2016", False) in found and ("IND", "member", "2017", True) in found


def test_a_vote_the_members_are_set_to_hold_is_an_expectation():
    found = facts("The members are set to vote on June 24 to begin the accession process for India.", "2016-06-20")
    assert found == {("IND", "acceding", "2016-06-24", True)}


def test_an_event_takes_the_one_date_of_its_sentence_not_the_publication():
    found = facts("In 2017, under Kazakhstan's presidency, a decision was taken to admit India as a member.", "2024-05")
    assert found == {("KAZ", "chair", "2017", False), ("IND", "member", "2017", False)}


def test_a_presidency_in_passing_is_dated_by_the_period_of_the_sentence_before():
    found = facts("The pandemic reached the region in March 2020. Its first months fell during the Russian presidency.")
    assert found == {("RUS", "chair", "2020", False)}


def test_a_presidency_stated_in_passing_with_its_year():
    assert facts("India's 2023 chairmanship stressed connectivity.", "2023-06") == {("IND", "chair", "2023", False)}
    assert facts("Kazakhstan's ongoing presidency helps.", "2024-05") == {("KAZ", "chair", "2024-05", False)}


def test_relative_dates_resolve_against_the_story():
    assert facts("Iran joined the SCO last June.", "2017-03-10") == {("IRN", "member", "2016-06", False)}
    assert facts("Iran became an observer in 2005 and India joined the following year.") == {
        ("IRN", "observer", "2005", False), ("IND", "member", "2006", False),
    }


def test_a_sentence_broken_by_a_page_break_is_read_whole():
    text = "In 2017 the Astana summit opened a new page in the history of\n\nthe organisation. India and Pakistan were admitted."
    assert facts(text) == {("IND", "member", "2017", False), ("PAK", "member", "2017", False)}


def test_lists_with_as_well_as_and_parentheses():
    assert facts("The observer states are Belarus, Mongolia as well as Iran.", "2013") == {
        (iso3, "observer", "2013", False) for iso3 in ("BLR", "MNG", "IRN")
    }
    assert facts("Alongside Russia and India, the members are Kazakhstan and Tajikistan.", "2013") == {
        (iso3, "member", "2013", False) for iso3 in ("RUS", "IND", "KAZ", "TJK")
    }
    assert facts("Two states have observer status (Belarus and Mongolia).", "2013") == {
        (iso3, "observer", "2013", False) for iso3 in ("BLR", "MNG")
    }


def test_a_state_the_dataset_lacks_is_found_with_its_iso_code():
    (found,) = extract("Turkmenistan became an observer on 12 March 2026.", toy(), PartialDate.parse("2026-03"))
    assert (found.subject.iso3, found.subject.known, found.value, str(found.date)) == ("TKM", False, "observer", "2026-03-12")


def test_every_line_of_a_repeated_assertion_is_kept():
    (found,) = extract("India joined the SCO in 2017.\n\nSince 2017 India has been a full member? No: India joined the SCO in 2017.", toy(), None)
    assert found.lines == (1, 3)


def test_a_hedged_joining_is_an_expectation():
    assert facts("Iran is likely to join the SCO next year.", "2022-05") == {("IRN", "member", "2023", True)}


def test_the_inclusion_of_a_state_and_a_date_in_parentheses_about_it():
    assert facts("It is expected that the inclusion of Iran (this year) will help.") == {("IRN", "member", "2023", True)}
    assert facts("The inclusion of Iran in 2023 widened the map.") == {("IRN", "member", "2023", False)}
    assert facts("India's year saw progress in digital inclusion.") == set()


def test_a_pull_quote_inside_a_broken_sentence_does_not_cut_the_narrative():
    quote = "A new page was opened for the whole region and its people."
    text = (
        f"In 2017 the Astana summit opened a new page in the history of\n\n{quote}\n\n"
        f"the organisation. For the first time two states were admitted: India and Pakistan.\n\n{quote}"
    )
    assert facts(text) == {("IND", "member", "2017", False), ("PAK", "member", "2017", False)}


def test_a_founding_word_names_founders_only_when_it_is_the_organisations_founding_and_the_list_follows_it():
    assert facts("Its energy club was set up in 2007 by Russia and Kazakhstan.") == set()
    assert facts("Belarus and Mongolia have observer status in the SCO, which was set up in 2001.", "2017") == {
        ("BLR", "observer", "2017", False), ("MNG", "observer", "2017", False),
    }
