"""Feed documents written with feedgen: plain entry values in, Atom or RSS bytes out.

Two things feedgen 1.0.0 gets wrong are put right here (python-feedgen issue 135): Atom
entry links lose their rel/type/title, and RSS keeps only the feed's self link. Every text
is made XML-safe on the way out, so no stored string can make a feed fail to render.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import NamedTuple

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # `updated` of a document with nothing in it
_ATOM_LINK = f"{{{ATOM_NS}}}link"
_DC_CREATOR = f"{{{DC_NS}}}creator"
_LINK_ATTRIBUTES = ("rel", "type", "hreflang", "title", "length")

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

    def as_feedgen(self) -> dict[str, str]:
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


class _LinkedEntry(FeedEntry):
    def atom_entry(self, extensions=True):
        element = super().atom_entry(extensions)
        # feedgen writes one <link href> per link, in order, but loses the other attributes.
        for node, link in zip(element.iterchildren("link"), self.link() or ()):
            for name in _LINK_ATTRIBUTES:
                if name in link:
                    node.set(name, link[name])
        return element


class _RssNamespaces(BaseExtension):
    """Declares dc: on the RSS root, for the items' dc:creator (RSS's own <author> wants an e-mail address)."""

    def extend_ns(self):
        return {"dc": DC_NS}


class _LinkedFeed(FeedGenerator):
    def __init__(self):
        super().__init__()
        # No entry extension: feedgen skips it for entries (it raises ImportError, which add_entry ignores).
        self.register_extension("scotimeline", _RssNamespaces, None, atom=False, rss=True)

    def _create_rss(self, extensions=True):
        rss, doc = super()._create_rss(extensions)
        channel = rss.find("channel")
        items = channel.findall("item")
        # The channel and each item carry one <link>, the web page; the others ride along as atom:link.
        _add_atom_links(channel, _besides_alternate(self.link()), before=items[0] if items else None)
        for item, entry in zip(items, self.entry()):
            _add_atom_links(item, _besides_alternate(entry.link()))
            for author in entry.author() or ():
                etree.SubElement(item, _DC_CREATOR).text = author["name"]
        return rss, doc


def _besides_alternate(links) -> list[dict[str, str]]:
    return [link for link in links or () if link.get("rel") != "alternate"]


def _add_atom_links(parent, links: Iterable[dict[str, str]], before=None) -> None:
    present = {(node.get("rel"), node.get("href")) for node in parent.iterfind(_ATOM_LINK)}
    for link in links:
        if (link.get("rel"), link["href"]) in present:
            continue  # feedgen already wrote it (the self link), or a fixed feedgen does
        node = etree.Element(_ATOM_LINK, {name: link[name] for name in ("href", *_LINK_ATTRIBUTES) if link.get(name)})
        if before is None:
            parent.append(node)
        else:
            before.addprevious(node)


def render(head: Head, entries: Sequence[Entry], format: Format) -> bytes:
    """The feed document, entries in the order given."""
    try:
        return _render(head, entries, format)
    except ValueError:
        # lxml refuses any text XML cannot carry (it checks every one, in C, as it takes it): only
        # then are the entries' texts made XML-safe, and the document written again.
        return _render(head, [_xml_safe_entry(entry) for entry in entries], format)


def _render(head: Head, entries: Sequence[Entry], format: Format) -> bytes:
    feed = _LinkedFeed()
    feed.id(xml_safe(head.id))
    feed.title(xml_safe(head.title))
    feed.subtitle(xml_safe(head.subtitle))
    feed.updated(head.updated)
    # feedgen takes the RSS channel link from the last link given: the web page goes last.
    alternate = Link(head.alternate, "alternate", "text/html")
    feed.link([link.made_xml_safe().as_feedgen() for link in (*head.links, alternate)])
    feed.generator("scotimeline (python-feedgen)")
    # Not feed.entry(): it offers every entry each feed extension, and ours, with no entry part,
    # answers with an ImportError it catches, fifty times a page.
    feed._FeedGenerator__feed_entries = [_feedgen_entry(entry, format) for entry in entries]
    if format is Format.RSS:
        return feed.rss_str(encoding="UTF-8")
    return feed.atom_str(encoding="UTF-8")


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


# feedgen keeps an entry's fields in name-mangled attributes (_FeedEntry__*); its defaults, read once.
_BLANK_ENTRY = {name: value for name, value in vars(FeedEntry()).items() if name != "_FeedEntry__atom_updated"}


def _feedgen_entry(entry: Entry, format: Format) -> _LinkedEntry:
    """`entry` as a feedgen entry, with the fields feedgen's setters would store, set in one step.

    The setters check and copy each value (ensure_format), which cost as much as writing the entry's
    XML; our values are already valid. tests/feeds/test_feed_documents.py checks that the fields and
    the XML are the same as through the setters, so a feedgen that stores them differently fails there.
    """
    links = [{"href": entry.link, "rel": "alternate", "type": "text/html"}, *(link.as_feedgen() for link in entry.links)]
    categories = [{"term": term, "label": label} for term, label in entry.categories]
    item = _LinkedEntry.__new__(_LinkedEntry)
    item.__dict__ = {
        **_BLANK_ENTRY,
        "_FeedEntry__atom_id": entry.id,
        "_FeedEntry__rss_guid": {"guid": entry.id, "permalink": False},
        "_FeedEntry__atom_title": entry.title,
        "_FeedEntry__rss_title": entry.title,
        "_FeedEntry__atom_updated": entry.updated,
        "_FeedEntry__rss_lastBuildDate": entry.updated,
        "_FeedEntry__atom_content": {"content": entry.content, "type": "html"},
        "_FeedEntry__rss_content": {"content": entry.content, "type": "html"},
        "_FeedEntry__atom_link": links,
        # As the setter does: RSS's one <link> is the last alternate one.
        "_FeedEntry__rss_link": [link["href"] for link in links if link["rel"] == "alternate"][-1],
        "_FeedEntry__atom_author": [{"name": name} for name in entry.authors],
        "_FeedEntry__rss_author": [],  # RSS wants e-mail addresses: _LinkedFeed writes dc:creator instead
        "_FeedEntry__atom_category": categories or None,  # None, as when the setter is never called
        "_FeedEntry__rss_category": [{"value": category["label"]} for category in categories] or None,
        "_FeedEntry__extensions": {},
        "_FeedEntry__extensions_register": {},
    }
    if format is Format.RSS:
        item.__dict__["_FeedEntry__atom_published"] = item.__dict__["_FeedEntry__rss_pubDate"] = entry.updated
    return item
