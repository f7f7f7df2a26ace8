"""The feedgen workaround (python-feedgen issue 135): links keep rel, type and title, in Atom and RSS."""
from __future__ import annotations

from datetime import datetime, timezone

import feedparser
import pytest
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from events.feeds.documents import Entry, Format, Head, Link, _feedgen_entry, _LinkedEntry, render

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


def test_plain_feedgen_still_drops_what_the_workaround_restores():
    """If this fails, feedgen fixed issue 135 and events/feeds/documents.py can shed its subclasses."""
    plain = FeedGenerator()
    plain.id("x")
    plain.title("t")
    plain.description("d")
    plain.link([{"href": "https://example.org/next", "rel": "next"}, {"href": "https://example.org/", "rel": "alternate"}])
    entry = plain.add_entry()
    entry.id("e")
    entry.title("t")
    entry.content("c")
    entry.link(href="https://example.org/e", rel="related", title="kept?")

    atom_link = etree.fromstring(plain.atom_str()).find(f"{ATOM}entry").find(f"{ATOM}link")
    rss_channel = etree.fromstring(plain.rss_str()).find("channel")

    assert atom_link.get("rel") is None and atom_link.get("title") is None
    assert rss_channel.findall(f"{ATOM}link") == []


def _through_feedgens_setters(entry: Entry, format: Format) -> FeedEntry:
    """The entry filled the documented way, one feedgen setter per field: what _feedgen_entry must match."""
    item = _LinkedEntry()
    item.id(entry.id)
    item.title(entry.title)
    item.updated(entry.updated)
    item.content(entry.content, type="html")
    item.link([{"href": entry.link, "rel": "alternate", "type": "text/html"}] + [l.as_feedgen() for l in entry.links])
    item.author([{"name": name} for name in entry.authors])
    for term, label in entry.categories:
        item.category(term=term, label=label)
    if format is Format.RSS:
        item.guid(entry.id, permalink=False)
        item.pubDate(entry.updated)
    return item


BARE = Entry(id="urn:uuid:00000000-0000-0000-0000-000000000009", title="Bare", link="https://example.org/events/9/",
             updated=WHEN, content="", authors=("alice", "bob"))


@pytest.mark.parametrize("entry", [ENTRY, BARE], ids=["with links and a category", "bare, two authors"])
def test_entries_filled_in_one_step_write_what_feedgens_setters_would(entry):
    for format in Format:
        direct, reference = _feedgen_entry(entry, format), _through_feedgens_setters(entry, format)

        assert etree.tostring(direct.atom_entry()) == etree.tostring(reference.atom_entry())
        assert etree.tostring(direct.rss_entry()) == etree.tostring(reference.rss_entry())
        assert vars(direct) == vars(reference)
