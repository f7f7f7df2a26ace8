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


@dataclass(frozen=True)
class Link:
    href: str
    rel: str = "alternate"
    type: str = ""
    title: str = ""

    def as_feedgen(self) -> dict[str, str]:
        found = {"href": xml_safe(self.href), "rel": self.rel}
        if self.type:
            found["type"] = self.type
        if self.title:
            found["title"] = xml_safe(self.title)
        return found


@dataclass(frozen=True)
class Entry:
    """One feed entry as plain values; `content` is HTML whose every interpolated text is escaped."""

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
        for node, link in zip(element.iterfind("link"), self.link() or ()):
            node.attrib.update(link)
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
    feed = _LinkedFeed()
    feed.id(xml_safe(head.id))
    feed.title(xml_safe(head.title))
    feed.subtitle(xml_safe(head.subtitle))
    feed.updated(head.updated)
    # feedgen takes the RSS channel link from the last link given: the web page goes last.
    alternate = Link(head.alternate, "alternate", "text/html")  # every string below goes through xml_safe
    feed.link([link.as_feedgen() for link in (*head.links, alternate)])
    feed.generator("scotimeline (python-feedgen)")
    for entry in entries:
        _add(feed, entry, format)
    if format is Format.RSS:
        return feed.rss_str(encoding="UTF-8")
    return feed.atom_str(encoding="UTF-8")


def _add(feed: FeedGenerator, entry: Entry, format: Format) -> None:
    item = feed.add_entry(_LinkedEntry(), order="append")
    item.id(xml_safe(entry.id))
    item.title(xml_safe(entry.title))
    item.updated(entry.updated)
    item.content(xml_safe(entry.content), type="html")
    links = [{"href": xml_safe(entry.link), "rel": "alternate", "type": "text/html"}]
    item.link(links + [link.as_feedgen() for link in entry.links])
    authors = [xml_safe(name) for name in entry.authors]
    item.author([{"name": name} for name in authors])
    for term, label in entry.categories:
        item.category(term=xml_safe(term), label=xml_safe(label))
    if format is Format.RSS:
        item.guid(xml_safe(entry.id), permalink=False)
        item.pubDate(entry.updated)
