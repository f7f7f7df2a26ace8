"""Hostile data stays inert: markup, ampersands, control characters and huge texts give well-formed feeds."""
from __future__ import annotations

from datetime import datetime, timezone

import feedparser
import pytest
from lxml import etree

from events import store
from events.domain.errors import ValidationError
from events.feeds.documents import Entry, Format, Head, Link, render, xml_safe
from events.models import Entity, Source, Status
from tests import builders
from tests.feeds.subscriber import read

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)
SCRIPT = '<script>alert("x")</script> & <b>bold</b> &amp; ]]> <!-- -->'
FORMATS = ["atom", "rss"]


def _meeting(name: str, place_name: str = "Bishkek", **fields):
    place = builders.entity("bishkek", "place", place_name)
    return store.append(
        organisation=builders.organisation(), kind="meeting.held", subject=place,
        payload={"meeting": "heads_of_state", "name": name}, date="2019-06-14",
        source=fields.pop("source", None) or builders.source(), confidence=0.9, recorded_by=fields.pop("recorded_by", "tester"),
        **fields,
    )


def _contents(response) -> list[str]:
    """The HTML each entry carries, as a feed reader gets it after XML parsing."""
    root = etree.fromstring(response.content)
    return root.xpath("//*[local-name()='content' or local-name()='description'][ancestor::*[local-name()='entry' or local-name()='item']]/text()")


@pytest.mark.parametrize("format", FORMATS)
def test_markup_in_every_stored_text_stays_text(client, format):
    source = builders.source("hostile", title=SCRIPT, url="https://example.org/?q=<script>&x=1")
    builders.state("india", "IND", SCRIPT)
    _meeting(SCRIPT, source=source, note=SCRIPT, locator=SCRIPT, recorded_by=SCRIPT)

    response, feed = read(client, f"/feeds/events.{format}")

    assert b"<script" not in response.content and b"<b>" not in response.content
    [html] = _contents(response)
    assert "<script" not in html.replace("&lt;script", "")
    assert html.count("&lt;script&gt;") >= 3  # the name, the note, the locator, the source title: escaped as text
    assert feed.entries[0].title.startswith('<script>alert("x")</script> & <b>bold</b>')  # a text title, shown verbatim


@pytest.mark.parametrize("format", FORMATS)
def test_control_characters_that_slipped_past_validation_are_replaced_on_the_way_out(client, format):
    builders.organisation()
    india = builders.state("india", "IND", "India")
    # NUL cannot be stored on PostgreSQL; xml_safe's own test covers it.
    Entity.objects.filter(pk=india.pk).update(name="In\x01di\x1ba\x0b")
    Source.objects.filter(pk=builders.source().pk).update(title="Bad\x07 title\x0c")
    Status.objects.filter(slug="member").update(label="mem\x08ber")
    india.refresh_from_db()
    builders.membership(india, "member", "2017-06-09", recorded_by="ed\x01itor")

    response, feed = read(client, f"/feeds/events.{format}")

    assert response.status_code == 200
    assert feed.entries[0].title == "In\ufffddi\ufffda\ufffd becomes a mem\ufffdber — 9 June 2017"
    assert feed.entries[0].author == "ed\ufffditor"
    assert "Bad\ufffd title\ufffd" in _contents(response)[0]


def test_the_store_refuses_control_characters_in_payload_text():
    with pytest.raises(ValidationError) as refused:
        _meeting("Summit\x00 of\x1b heads")

    assert refused.value.errors == {"payload.name": ["contains control characters"]}


def test_tabs_and_newlines_in_payload_text_are_kept():
    event = _meeting("Summit\tof\nheads")

    assert event.payload["name"] == "Summit\tof\nheads"


@pytest.mark.parametrize("format", FORMATS)
def test_hundreds_of_kilobytes_of_stored_text_render_whole_and_well_formed(client, format):
    text = "All work & no <play> " * 500  # 10,500 characters, cut to what each column holds
    source = builders.source("long", title=text[:500])
    for i in range(12):
        _meeting(f"{text[:480]} {i}", place_name=text[:200], source=source, note=text[:10_000])

    response, feed = read(client, f"/feeds/events.{format}")

    assert len(response.content) > 250_000  # 130 KB stored, escaped as HTML and again as XML
    assert len(feed.entries) == 12
    assert feed.entries[0].title == f"{text[:480]} 11 held in {text[:200]} — 14 June 2019"
    assert all(html.count("All work &amp; no &lt;play&gt;") > 500 for html in _contents(response))


@pytest.mark.parametrize("format", Format)
def test_a_100_kb_title_and_content_render_well_formed(format):
    huge = ("<script>alert(1)</script> & \x0b " * 4000)[:100_000]
    entry = Entry("urn:uuid:1", huge, "https://example.org/e", WHEN, huge, (huge,), ((huge[:50], huge),))

    document = render(Head("https://example.org/f", huge, huge, WHEN, (), "https://example.org/"), [entry], format)

    parsed = feedparser.parse(document)
    assert parsed.bozo == 0
    assert b"<script" not in document
    assert len(parsed.entries[0].title) == 100_000


@pytest.mark.parametrize("format", Format)
def test_what_xml_cannot_carry_is_replaced_in_every_text_of_an_entry(format):
    bad = "a\x01b"
    entry = Entry(
        f"urn:{bad}", f"title {bad}", f"https://example.org/{bad}", WHEN, f"<p>{bad}</p>", (f"author {bad}",),
        ((f"term{bad}", f"label {bad}"),), (Link(f"https://example.org/related/{bad}", "related", "text/html", f"related {bad}"),),
    )

    document = render(Head("https://example.org/f", "t", "s", WHEN, (), "https://example.org/"), [entry], format)

    parsed = feedparser.parse(document)
    assert parsed.bozo == 0
    assert b"\x01" not in document
    # Only the bad character is replaced, in every text the format writes: all nine in Atom; in RSS
    # eight, as it writes no category term (the label) and the author as dc:creator only.
    assert document.count("a\ufffdb".encode()) == (9 if format is Format.ATOM else 8)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "  JAVASCRIPT:x"])
def test_a_source_url_that_is_not_http_is_never_a_link(client, url):
    source = builders.source("sneaky", title="Sneaky", url=url)
    builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09", src=source)

    response, feed = read(client, "/feeds/events.atom")

    assert "href=\"javascript" not in _contents(response)[0].lower()
    assert "data:" not in " ".join(l.href for l in feed.entries[0].links)
    assert "Sneaky" in _contents(response)[0]


@pytest.mark.parametrize(
    "text, expected",
    [("plain", "plain"), ("tab\tnew\nline\rok", "tab\tnew\nline\rok"), ("nul\x00", "nul\ufffd"),
     ("esc\x1b", "esc\ufffd"), ("lone \ud800 surrogate", "lone \ufffd surrogate"), ("non\ufffe\uffffchar", "non\ufffd\ufffdchar"),
     ("emoji 🙂 and ü", "emoji 🙂 and ü")],
)
def test_xml_safe_replaces_only_what_xml_cannot_carry(text, expected):
    assert xml_safe(text) == expected
