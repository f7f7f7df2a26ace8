"""Feed documents: plain entry values in, Atom 1.0 (RFC 4287) or RSS 2.0 bytes out, written with lxml.

Links keep their rel, type and title in both formats: RSS carries the ones besides the web page
as atom:link (the paging links of RFC 5005 among them) and the authors as dc:creator, since its
own <author> wants an e-mail address. Every text is made XML-safe on the way out, so no stored
string can make a feed fail to render.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime  # RFC 822 dates, as RSS wants them, in English whatever the locale
from enum import Enum
from typing import NamedTuple

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # `updated` of a document with nothing in it
GENERATOR = "scotimeline"
RSS_DOCS = "http://www.rssboard.org/rss-specification"

# What XML 1.0 cannot carry: C0 controls other than tab, newline and carriage return, lone
# surrogates, and the two non-characters U+FFFE/U+FFFF. lxml refuses them with a ValueError.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


class Format(Enum):
    ATOM = ("atom", "application/atom+xml")
    RSS = ("rss", "application/rss+xml")

    def __init__(self, extension: str, media_type: str):
        self.extension = extension
        self.media_type = media_type

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


class Link(NamedTuple):
    href: str
    rel: str = "alternate"
    type: str = ""
    title: str = ""

    @property
    def attributes(self) -> dict[str, str]:
        """As XML attributes: href and rel, then type and title when there are any."""
        found = {"href": self.href, "rel": self.rel}
        if self.type:
            found["type"] = self.type
        if self.title:
            found["title"] = self.title
        return found

    def made_xml_safe(self) -> Link:
        return self._replace(href=xml_safe(self.href), title=xml_safe(self.title))


class Entry(NamedTuple):
    """One feed entry as plain values; `content` is HTML whose every interpolated text is escaped.

    Entry and Link are NamedTuples, not frozen dataclasses: as immutable, and built in a third of
    the time (a page builds fifty of each and more).
    """

    id: str
    title: str
    link: str  # the entry's web page
    updated: datetime
    content: str
    authors: tuple[str, ...]
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)
    links: tuple[Link, ...] = ()  # related links besides the web page


@dataclass(frozen=True)
class Head:
    """The feed's own metadata. `links` holds self and the paging links; `alternate` is its web page."""

    id: str
    title: str
    subtitle: str
    updated: datetime
    links: tuple[Link, ...]
    alternate: str


def render(head: Head, entries: Sequence[Entry], format: Format) -> bytes:
    """The feed document, entries in the order given."""
    head = _xml_safe_head(head)
    write = _atom if format is Format.ATOM else _rss
    try:
        root = write(head, entries)
    except ValueError:
        # lxml refuses any text XML cannot carry (it checks every one, in C, as it takes it): only
        # then are the entries' texts made XML-safe, and the document written again.
        root = write(head, [_xml_safe_entry(entry) for entry in entries])
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


# Atom: every element in the Atom namespace, declared once on the root.

_FEED, _ID, _TITLE, _UPDATED, _LINK, _GENERATOR, _SUBTITLE, _ENTRY, _AUTHOR, _NAME, _CONTENT, _CATEGORY = (
    f"{{{ATOM_NS}}}{name}"
    for name in ("feed", "id", "title", "updated", "link", "generator", "subtitle", "entry", "author", "name", "content", "category")
)


def _atom(head: Head, entries: Sequence[Entry]):
    feed = etree.Element(_FEED, nsmap={None: ATOM_NS})
    _text(feed, _ID, head.id)
    _text(feed, _TITLE, head.title)
    _text(feed, _UPDATED, head.updated.isoformat())
    for link in (*head.links, Link(head.alternate, "alternate", "text/html")):
        etree.SubElement(feed, _LINK, link.attributes)
    _text(feed, _GENERATOR, GENERATOR)
    if head.subtitle:
        _text(feed, _SUBTITLE, head.subtitle)
    for entry in entries:
        item = etree.SubElement(feed, _ENTRY)
        _text(item, _ID, entry.id)
        _text(item, _TITLE, entry.title)
        _text(item, _UPDATED, entry.updated.isoformat())
        for author in entry.authors:
            _text(etree.SubElement(item, _AUTHOR), _NAME, author)
        _text(item, _CONTENT, entry.content, type="html")
        etree.SubElement(item, _LINK, href=entry.link, rel="alternate", type="text/html")
        for link in entry.links:
            etree.SubElement(item, _LINK, link.attributes)
        for term, label in entry.categories:
            etree.SubElement(item, _CATEGORY, term=term, label=label)
    return feed


# RSS: its own elements carry no namespace; the links and creators borrow Atom's and Dublin Core's.

_ATOM_LINK = f"{{{ATOM_NS}}}link"
_DC_CREATOR = f"{{{DC_NS}}}creator"


def _rss(head: Head, entries: Sequence[Entry]):
    rss = etree.Element("rss", nsmap={"dc": DC_NS, "atom": ATOM_NS}, version="2.0")
    channel = etree.SubElement(rss, "channel")
    _text(channel, "title", head.title)
    _text(channel, "link", head.alternate)
    _text(channel, "description", head.subtitle)
    # The self link up front, the paging links after the channel's own metadata: where they have always been.
    for link in [link for link in head.links if link.rel == "self"][:1]:
        etree.SubElement(channel, _ATOM_LINK, link.attributes)
    _text(channel, "docs", RSS_DOCS)
    _text(channel, "generator", GENERATOR)
    _text(channel, "lastBuildDate", format_datetime(head.updated))
    for link in head.links:
        if link.rel not in ("self", "alternate"):
            etree.SubElement(channel, _ATOM_LINK, link.attributes)
    for entry in entries:
        item = etree.SubElement(channel, "item")
        _text(item, "title", entry.title)
        _text(item, "link", entry.link)
        _text(item, "description", entry.content)
        _text(item, "guid", entry.id, isPermaLink="false")
        for _, label in entry.categories:
            _text(item, "category", label)
        _text(item, "pubDate", format_datetime(entry.updated))
        for link in entry.links:
            etree.SubElement(item, _ATOM_LINK, link.attributes)
        for author in entry.authors:
            _text(item, _DC_CREATOR, author)
    return rss


def _text(parent, tag: str, text: str, **attributes: str) -> None:
    etree.SubElement(parent, tag, attributes).text = text


def _xml_safe_head(head: Head) -> Head:
    return Head(
        id=xml_safe(head.id),
        title=xml_safe(head.title),
        subtitle=xml_safe(head.subtitle),
        updated=head.updated,
        links=tuple(link.made_xml_safe() for link in head.links),
        alternate=xml_safe(head.alternate),
    )


def _xml_safe_entry(entry: Entry) -> Entry:
    return entry._replace(
        id=xml_safe(entry.id),
        title=xml_safe(entry.title),
        link=xml_safe(entry.link),
        content=xml_safe(entry.content),
        authors=tuple(map(xml_safe, entry.authors)),
        categories=tuple((xml_safe(term), xml_safe(label)) for term, label in entry.categories),
        links=tuple(link.made_xml_safe() for link in entry.links),
    )
