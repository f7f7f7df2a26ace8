"""The feed writer: valid Atom and RSS whose links keep rel, type and title, with the paging links in both."""
from __future__ import annotations

from datetime import datetime, timezone

import feedparser
from lxml import etree

from events.feeds.documents import Entry, Format, Head, Link, render

ATOM = "{http://www.w3.org/2005/Atom}"
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
HEAD = Head(
    id="https://example.org/feeds/events.atom",
    title="Events",
    subtitle="All of them",
    updated=WHEN,
    links=(
        Link("https://example.org/feeds/events.atom?limit=2", "self", "application/atom+xml"),
        Link("https://example.org/feeds/events.atom", "first", "application/atom+xml"),
        Link("https://example.org/feeds/events.atom?before=7", "next", "application/atom+xml"),
        Link("https://example.org/feeds/events.atom?after=9", "previous", "application/atom+xml"),
    ),
    alternate="https://example.org/",
)
ENTRY = Entry(
    id="urn:uuid:00000000-0000-0000-0000-000000000001",
    title="India becomes a member — 9 June 2017",
    link="https://example.org/events/1/",
    updated=WHEN,
    content="<p>India</p>",
    authors=("alice",),
    categories=(("membership.status", "membership status"),),
    links=(
        Link("https://example.org/events/0/", "related", "text/html", "event 3, which this corrects"),
        Link("https://example.org/source", "via", "", "SCO Charter"),
    ),
)


def _attributes(nodes) -> list[dict[str, str]]:
    return [dict(node.attrib) for node in nodes]


def test_atom_entry_links_keep_rel_type_and_title():
    root = etree.fromstring(render(HEAD, [ENTRY], Format.ATOM))

    assert _attributes(root.find(f"{ATOM}entry").findall(f"{ATOM}link")) == [
        {"href": "https://example.org/events/1/", "rel": "alternate", "type": "text/html"},
        {"href": "https://example.org/events/0/", "rel": "related", "type": "text/html", "title": "event 3, which this corrects"},
        {"href": "https://example.org/source", "rel": "via", "title": "SCO Charter"},
    ]


def test_atom_feed_keeps_its_paging_links():
    feed = feedparser.parse(render(HEAD, [ENTRY], Format.ATOM))

    assert {(l.rel, l.href) for l in feed.feed.links} == {
        ("self", "https://example.org/feeds/events.atom?limit=2"),
        ("first", "https://example.org/feeds/events.atom"),
        ("next", "https://example.org/feeds/events.atom?before=7"),
        ("previous", "https://example.org/feeds/events.atom?after=9"),
        ("alternate", "https://example.org/"),
    }


def test_rss_channel_keeps_every_link_not_only_self():
    root = etree.fromstring(render(HEAD, [ENTRY], Format.RSS))
    channel = root.find("channel")

    assert channel.findtext("link") == "https://example.org/"
    assert [(n.get("rel"), n.get("href"), n.get("type")) for n in channel.findall(f"{ATOM}link")] == [
        ("self", "https://example.org/feeds/events.atom?limit=2", "application/atom+xml"),
        ("first", "https://example.org/feeds/events.atom", "application/atom+xml"),
        ("next", "https://example.org/feeds/events.atom?before=7", "application/atom+xml"),
        ("previous", "https://example.org/feeds/events.atom?after=9", "application/atom+xml"),
    ]
    # The links come before the items, where RSS readers look for channel metadata.
    tags = [child.tag for child in channel]
    assert tags.index("item") > max(i for i, tag in enumerate(tags) if tag == f"{ATOM}link")


def test_rss_items_keep_their_related_links_as_atom_links():
    feed = feedparser.parse(render(HEAD, [ENTRY], Format.RSS))

    item = feed.entries[0]
    assert item.link == "https://example.org/events/1/"
    related = {(l.rel, l.href, l.get("title")) for l in item.links if l.rel != "alternate"}
    assert related == {
        ("related", "https://example.org/events/0/", "event 3, which this corrects"),
        ("via", "https://example.org/source", "SCO Charter"),
    }
    assert item.author == "alice"


def test_entries_keep_the_order_given():
    second = ENTRY._replace(id="urn:uuid:00000000-0000-0000-0000-000000000002", links=())

    for format in Format:
        feed = feedparser.parse(render(HEAD, [ENTRY, second], format))
        assert [e.id for e in feed.entries] == [ENTRY.id, second.id]


BARE = Entry(id="urn:uuid:00000000-0000-0000-0000-000000000009", title="Bare", link="https://example.org/events/9/",
             updated=WHEN, content="", authors=("alice", "bob"))


def test_atom_document_carries_the_feed_and_every_entry_field():
    feed = feedparser.parse(render(HEAD, [ENTRY, BARE], Format.ATOM))

    assert feed.version == "atom10" and feed.bozo == 0
    assert (feed.feed.id, feed.feed.title, feed.feed.subtitle) == (HEAD.id, "Events", "All of them")
    assert feed.feed.updated == "2024-05-01T12:00:00+00:00"
    assert feed.feed.generator == "scotimeline"
    entry = feed.entries[0]
    assert (entry.id, entry.title, entry.link, entry.updated) == (ENTRY.id, ENTRY.title, ENTRY.link, "2024-05-01T12:00:00+00:00")
    assert (entry.content[0].type, entry.content[0].value) == ("text/html", "<p>India</p>")
    assert [a.name for a in entry.authors] == ["alice"]
    assert [(t.term, t.label) for t in entry.tags] == [("membership.status", "membership status")]
    assert [a.name for a in feed.entries[1].authors] == ["alice", "bob"]


def test_rss_document_carries_the_channel_and_every_item_field():
    document = render(HEAD, [ENTRY, BARE], Format.RSS)
    feed = feedparser.parse(document)
    root = etree.fromstring(document)

    assert feed.version == "rss20" and feed.bozo == 0
    assert (feed.feed.title, feed.feed.link, feed.feed.subtitle) == ("Events", "https://example.org/", "All of them")
    assert feed.feed.generator == "scotimeline"
    assert root.findtext("channel/lastBuildDate") == "Wed, 01 May 2024 12:00:00 +0000"
    item = feed.entries[0]
    assert (item.id, item.guidislink, item.title, item.link) == (ENTRY.id, False, ENTRY.title, ENTRY.link)
    assert item.summary == "<p>India</p>"
    assert root.findtext("channel/item/pubDate") == "Wed, 01 May 2024 12:00:00 +0000"
    assert [t.term for t in item.tags] == ["membership status"]
    # RSS's <author> wants an e-mail address: the authors are dc:creator, one each.
    assert [c.text for c in root.findall("channel/item")[1].findall("{http://purl.org/dc/elements/1.1/}creator")] == ["alice", "bob"]
    assert root.find("channel/item/author") is None


def test_an_empty_feed_is_a_valid_document_in_both_formats():
    empty = Head(HEAD.id, "Nothing", "Yet", WHEN, (Link(HEAD.id, "self", "application/atom+xml"),), "https://example.org/")

    for format, version in ((Format.ATOM, "atom10"), (Format.RSS, "rss20")):
        feed = feedparser.parse(render(empty, [], format))
        assert (feed.version, feed.bozo, feed.entries) == (version, 0, [])
