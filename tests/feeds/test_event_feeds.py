"""The event feeds as a subscriber reads them: every field of every variant, through feedparser."""
from __future__ import annotations

import pytest

from events import store
from events.feeds.entries import indefinite
from events.models import Event
from tests import builders
from tests.feeds.subscriber import link, links, moment, path_of, read

pytestmark = pytest.mark.django_db

VARIANTS = [
    "/feeds/events.atom",
    "/feeds/events.rss",
    "/feeds/entities/india.atom",
    "/feeds/entities/india.rss",
    "/feeds/kinds/membership.status.atom",
    "/feeds/kinds/membership.status.rss",
]


def _history():
    """India: observer in July 2005 (corrected to 5 July), member on 9 June 2017; a retracted claim."""
    india = builders.state("india", "IND", "India")
    charter = builders.source("charter", title="SCO Charter & annexes", url="https://example.org/charter?a=1&b=2")
    observer = builders.membership(india, "observer", "2005-07", src=charter, locator="art. 1")
    corrected = store.correct(event=observer, recorded_by="editor", note="The Astana summit was on 5 July.", date="2005-07-05")
    member = builders.membership(india, "member", "2017-06-09", confidence=0.95, recorded_by="alice")
    wrong = builders.membership(india, "dialogue_partner", "2010", confidence=0.3)
    retraction = store.retract(event=wrong, reason="No source says so.", recorded_by="editor")
    return india, observer, corrected, member, wrong, retraction


@pytest.mark.parametrize("url", VARIANTS)
def test_every_variant_is_well_formed_and_lists_events_newest_first_by_seq(client, url):
    _history()

    response, feed = read(client, url)

    seqs = [Event.objects.get(id=e.id.removeprefix("urn:uuid:")).seq for e in feed.entries]
    assert seqs and seqs == sorted(seqs, reverse=True)
    assert response["Content-Type"].endswith("charset=utf-8")
    assert link(feed.feed, "self") == f"http://testserver{url}"
    assert link(feed.feed, "first") == f"http://testserver{url}"


def test_atom_entry_carries_every_field(client):
    india, observer, corrected, member, *_ = _history()

    _, feed = read(client, "/feeds/events.atom")

    entry = next(e for e in feed.entries if e.id == f"urn:uuid:{member.id}")
    assert entry.title == "India becomes a member — 9 June 2017"
    assert moment(entry.updated) == member.recorded_at
    assert entry.author == "alice"
    assert link(entry, "alternate") == f"http://testserver/events/{member.id}/"
    assert [t.term for t in entry.tags] == ["membership.status"]
    html = entry.content[0].value
    assert entry.content[0].type == "text/html"
    for expected in ("India becomes a member — 9 June 2017", "Status: member", "Confidence: 0.95", "Source test-source"):
        assert expected in html
    assert "http://testserver/entities/india/" in html


def test_feed_updated_is_its_newest_entry(client):
    *_, retraction = _history()

    _, feed = read(client, "/feeds/events.atom")

    assert moment(feed.feed.updated) == retraction.recorded_at == moment(feed.entries[0].updated)


def test_partial_date_shows_as_written_with_its_window_and_source_links(client):
    india, observer, *_ = _history()

    _, feed = read(client, "/feeds/events.atom")

    entry = next(e for e in feed.entries if e.id == f"urn:uuid:{observer.id}")
    assert entry.title == "India becomes an observer — July 2005"
    html = entry.content[0].value
    assert "July 2005 (between 1 July 2005 and 31 July 2005)" in html
    assert 'href="https://example.org/charter?a=1&amp;b=2"' in html
    assert "SCO Charter &amp; annexes</a>, art. 1" in html
    via = next(l for l in entry.links if l.rel == "via")
    assert (via.href, via.title) == ("https://example.org/charter?a=1&b=2", "SCO Charter & annexes")


def test_correction_says_what_it_changes_and_why(client):
    india, observer, corrected, *_ = _history()

    _, feed = read(client, "/feeds/events.atom")

    entry = next(e for e in feed.entries if e.id == f"urn:uuid:{corrected.id}")
    assert entry.title == "Correction: India becomes an observer — 5 July 2005"
    assert entry.author == "editor"
    html = entry.content[0].value
    assert f"/events/{observer.id}/" in html and f"event {observer.seq}</a>" in html
    assert "Changes: date: July 2005 (between 1 July 2005 and 31 July 2005) → 5 July 2005." in html
    assert "Why: The Astana summit was on 5 July." in html
    related = next(l for l in entry.links if l.rel == "related")
    assert related.href == f"http://testserver/events/{observer.id}/"
    assert related.title == f"event {observer.seq}, which this corrects"
    assert related.type == "text/html"


def test_retraction_names_what_it_withdraws_and_why(client):
    *_, wrong, retraction = _history()

    _, feed = read(client, "/feeds/events.atom")

    entry = next(e for e in feed.entries if e.id == f"urn:uuid:{retraction.id}")
    assert entry.title == "Retracted: India becomes a dialogue partner — 2010"
    html = entry.content[0].value
    assert "Reason: No source says so." in html
    assert f"Retracts <a href=\"http://testserver/events/{wrong.id}/\">event {wrong.seq}</a>" in html
    assert link(entry, "related") == f"http://testserver/events/{wrong.id}/"


def test_feed_includes_retracted_events_and_retractions_by_default(client):
    *_, wrong, retraction = _history()

    _, feed = read(client, "/feeds/events.atom")

    ids = {e.id for e in feed.entries}
    assert {f"urn:uuid:{wrong.id}", f"urn:uuid:{retraction.id}"} <= ids
    assert len(feed.entries) == 5


def test_include_retracted_false_hides_the_retracted_event_as_in_the_api(client):
    *_, wrong, retraction = _history()

    _, feed = read(client, "/feeds/events.atom?include_retracted=false")

    ids = {e.id for e in feed.entries}
    assert f"urn:uuid:{wrong.id}" not in ids
    assert f"urn:uuid:{retraction.id}" in ids


def test_filters_are_the_api_filterset(client):
    india, observer, corrected, member, wrong, retraction = _history()
    builders.membership(builders.state("iran", "IRN", "Iran"), "member", "2023-07-04")

    _, confident = read(client, "/feeds/events.atom?min_confidence=0.95")
    _, about_india = read(client, "/feeds/events.rss?entity=IND&kind=membership.status")

    assert [e.id for e in confident.entries] == [f"urn:uuid:{retraction.id}", f"urn:uuid:{member.id}"]
    assert {e.id for e in about_india.entries} == {f"urn:uuid:{e.id}" for e in (observer, corrected, member, wrong)}


def test_rss_item_carries_every_field(client):
    india, observer, corrected, member, *_ = _history()

    _, feed = read(client, "/feeds/events.rss")

    item = next(e for e in feed.entries if e.id == f"urn:uuid:{member.id}")
    assert item.title == "India becomes a member — 9 June 2017"
    assert item.link == f"http://testserver/events/{member.id}/"
    assert item.author == "alice"  # dc:creator
    assert item.published_parsed[:6] == member.recorded_at.utctimetuple()[:6]
    assert "Status: member" in item.summary
    assert item.guidislink is False


def test_entity_feed_follows_one_entity_and_links_its_page(client):
    india, *_ = _history()
    builders.membership(builders.state("iran", "IRN", "Iran"), "member", "2023-07-04")

    _, feed = read(client, "/feeds/entities/india.atom")

    assert feed.feed.title == "scotimeline: events about India"
    assert link(feed.feed, "alternate") == "http://testserver/entities/india/"
    assert all("India" in e.title for e in feed.entries)
    assert len(feed.entries) == 5


def test_entity_feed_includes_events_naming_the_entity_in_their_payload(client):
    shanghai = builders.entity("shanghai", "place", "Shanghai")
    charter = builders.entity("sco-charter", "document", "SCO Charter")
    signed = store.append(
        organisation=builders.organisation(), kind="document.signed", subject=charter, payload={"place": "shanghai"},
        date="2002-06-07", source=builders.source(), confidence=0.9, recorded_by="tester",
    )

    _, feed = read(client, f"/feeds/entities/{shanghai.slug}.atom")

    assert [e.id for e in feed.entries] == [f"urn:uuid:{signed.id}"]
    assert feed.entries[0].title == "SCO Charter signed — 7 June 2002"
    assert "Place: Shanghai" in feed.entries[0].content[0].value


def test_kind_feed_lists_one_kind(client):
    _history()
    alimov = builders.entity("rashid-alimov", "person", "Rashid Alimov")
    office = builders.office(alimov, "secretary_general", "2016-01-01")

    _, feed = read(client, "/feeds/kinds/office.assumed.atom")

    assert feed.feed.title == "scotimeline: office assumed events"
    assert [(e.id, e.title) for e in feed.entries] == [
        (f"urn:uuid:{office.id}", "Rashid Alimov takes office as Secretary-General — 1 January 2016")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/entities/atlantis.atom",
        "/feeds/kinds/no.such.kind.atom",
        "/feeds/events.atom?entity=nope",
        "/feeds/events.rss?entity=atlantis&kind=membership.status",
        "/feeds/kinds/membership.status.atom?entity=XXX",
    ],
)
def test_unknown_entity_or_kind_is_404_in_the_path_or_in_a_filter(client, url):
    builders.state("india", "IND", "India")

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("reference", ["india", "IND", "ind"])
def test_a_known_entity_filter_by_slug_or_code_answers(client, reference):
    india = builders.state("india", "IND", "India")
    event = builders.membership(india, "observer", "2005-07")

    _, feed = read(client, f"/feeds/events.atom?entity={reference}")

    assert [e.id for e in feed.entries] == [f"urn:uuid:{event.id}"]


def test_a_cleared_status_reads_as_leaving(client):
    uzbekistan = builders.state("uzbekistan", "UZB", "Uzbekistan")
    builders.membership(uzbekistan, None, "2012-06-28")

    _, feed = read(client, "/feeds/events.atom")

    assert feed.entries[0].title == "Uzbekistan no longer has a status — 28 June 2012"


@pytest.mark.parametrize(
    "label, expected",
    [("member", "a member"), ("observer", "an observer"), ("dialogue partner", "a dialogue partner"),
     ("SCO partner", "an SCO partner"), ("UN body", "a UN body"), ("", "")],
)
def test_status_labels_take_the_indefinite_article_a_reader_says(label, expected):
    assert indefinite(label) == expected


def test_empty_log_gives_an_empty_valid_feed(client):
    for url in ("/feeds/events.atom", "/feeds/events.rss"):
        _, feed = read(client, url)
        assert feed.entries == []
        assert links(feed.feed, "next") == [] and links(feed.feed, "previous") == []


def test_feed_links_to_the_timeline_page(client):
    _history()

    _, feed = read(client, "/feeds/events.rss")

    assert feed.feed.link == "http://testserver/timeline/"
    assert path_of(link(feed.feed, "alternate")) == "/timeline/"


def test_a_sighting_is_titled_as_a_listing_not_as_a_change(client):
    india = builders.state("india", "IND", "India")
    builders.membership(india, "observer", "2005-07")
    builders.membership(india, "observer", "2008-06-01", payload={"observed": True})

    _, feed = read(client, "/feeds/events.atom")

    assert [e.title for e in feed.entries] == [
        "India is listed as an observer — 1 June 2008",
        "India becomes an observer — July 2005",
    ]
