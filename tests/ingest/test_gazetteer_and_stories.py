from events.domain.dates import PartialDate
from ingest.gazetteer import Via, world_state
from ingest.stories import sentences, stories
from tests.ingest.gazetteers import toy

ARCHIVE = """Archive page

Norov takes over

JAN. 1 (The Bulletin) — Norov replaced Alimov last year.

>>This story was first published in issue 396 of The Bulletin on Jan. 11 2019

Summit in Astana

ASTANA, JUNE 9 2017 (The Bulletin) — India joined this year.

(News report from Issue No. 330, published on June 10 2017)
"""


def test_names_aliases_and_demonyms_resolve_to_entities():
    mentions = toy().mentions("The Uzbek envoy met the Islamic Republic of Iran and India's minister.")
    assert [(m.entry.slug, m.via) for m in mentions] == [
        ("uzbekistan", Via.DEMONYM), ("iran", Via.ALIAS), ("india", Via.NAME),
    ]


def test_the_longest_name_wins():
    (mention,) = toy().mentions("the Shanghai Cooperation Organization met")
    assert mention.entry.slug == "sco"


def test_proper_nouns_only():
    assert toy().mentions("roast turkey, the sco of rats") == []


def test_a_person_is_found_by_title_and_family_name():
    (mention,) = toy().mentions("Mr Alimov said")
    assert mention.entry.slug == "rashid-alimov"


def test_each_story_of_an_archive_has_its_own_date():
    found = stories(ARCHIVE, PartialDate.parse("2019-02"))
    assert [str(s.anchor) for s in found] == ["2019-01-01", "2017-06-09"]


def test_a_document_without_trailers_is_one_story_dated_by_its_publication():
    (story,) = stories("India joined the SCO.", PartialDate.parse("2017-07"))
    assert str(story.anchor) == "2017-07"


def test_sentences_carry_line_numbers_and_index_the_text():
    text = "Mr. Norov met Dr. Li. Then\nJAN. 1 came.\n\nS. Jaishankar spoke."
    found = list(sentences(text, None))
    assert [(s.line, s.text) for s in found] == [(1, "Mr. Norov met Dr. Li."), (1, "Then"), (2, "JAN. 1 came."), (4, "S. Jaishankar spoke.")]
    assert all(text[s.start:s.end] == s.text for s in found)


def test_a_state_the_dataset_lacks_is_known_to_the_world_gazetteer_by_name_and_demonym():
    assert (world_state("Turkmenistan").iso3, world_state("Turkmen").iso3, world_state("turkmenistan ").slug) == ("TKM", "TKM", "turkmenistan")
    assert world_state("Atlantis") is None
