"""What a feed says about one event: a readable title, the assertion with its date as written,
its source and confidence, and for a correction or a retraction what it changes and why. The
entry's body is templates/feeds/event_entry.html, given texts and autoescaped.

An entry depends only on its event and the events it amends, never on later events, so a
page of entries never changes once written (the feeds cache full pages for a year). The rows
come from events.queries.feeds.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.template.backends.django import Template
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse

from events.domain.dates import MONTH_NAMES, InvalidDate, PartialDate
from events.domain.kinds import FieldType, Kind, PayloadField, indefinite, kind_of
from events.queries.feeds import value_labels
from events.records import EventRow

from .documents import Entry, Link


class Labels:
    """The organisations' own words for the values events carry, loaded once for a page of events."""

    def __init__(self, events: Iterable[EventRow]):
        self._labels = value_labels(events)

    def show(self, spec: PayloadField, value: Any, organisation: str, article: bool = False) -> str:
        """A payload value as a reader wants it: the status's label, the place's name, the date as written."""
        if value is None:
            return "none"
        if spec.type is FieldType.BOOL:
            return "yes" if value else "no"
        if spec.type is FieldType.PARTIAL_DATE:
            try:
                return PartialDate.parse(value).display()
            except InvalidDate:
                return str(value)
        scope = None if spec.type is FieldType.PLACE else organisation
        label = self._labels.get((spec.type, scope, str(value)), str(value))
        return indefinite(label) if article and spec.type is FieldType.STATUS else label


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def assertion(event: EventRow, labels: Labels) -> str:
    """'India becomes a member': the kind's phrase with the event's subject and payload."""
    record = event.record
    kind = kind_of(record.kind)
    values = _Blank(subject=event.subject.name, label=kind.label)
    for spec in kind.fields:
        if spec.name in record.payload:
            values[spec.name] = labels.show(spec, record.payload[spec.name], record.organisation, article=True)
    text = kind.phrase_for(record.subject, record.payload).format_map(values)
    return text[:1].upper() + text[1:]


def headline(event: EventRow, labels: Labels) -> str:
    """'India becomes a member — 9 June 2017'."""
    return f"{assertion(event, labels)} — {event.record.date.display()}"


def path_of(viewname: str, *args: str) -> str:
    """reverse(), once per URLconf and script prefix: every feed document names the same few pages."""
    return _reversed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args)


@lru_cache(maxsize=1024)
def _reversed(urlconf: str, script_prefix: str, viewname: str, args: tuple[str, ...]) -> str:
    return reverse(viewname, args=args)


@dataclass(frozen=True)
class PageUrls:
    """Absolute web-page URLs, built from one reversed template instead of a reverse() per entry."""

    root: str  # scheme and host
    event_template: str  # path with {id}
    entity_template: str  # path with {slug}

    @classmethod
    def for_request(cls, request: HttpRequest) -> PageUrls:
        return cls(
            root=request.build_absolute_uri("/")[:-1],
            event_template=path_of("events:event", _SOME_ID).replace(_SOME_ID, "{id}"),
            entity_template=path_of("events:entity", _SOME_SLUG).replace(_SOME_SLUG, "{slug}"),
        )

    def event(self, event_id: UUID | str) -> str:
        return self.root + self.event_template.replace("{id}", str(event_id))

    def entity(self, slug: str) -> str:
        return self.root + self.entity_template.replace("{slug}", _path_segment(slug))


_SOME_ID = "00000000-0000-0000-0000-000000000000"
_SOME_SLUG = "some-slug-0"


@lru_cache(maxsize=4096)  # a page names the same few subjects over and over
def _path_segment(slug: str) -> str:
    return quote(slug, safe="")


def web_link(url: str) -> bool:
    """Only http(s) URLs become links: a stored 'javascript:' URL stays text."""
    return url.lower().startswith(("http://", "https://"))


class Amended(NamedTuple):
    """The event a correction or retraction amends, as its entry's body names it."""

    url: str
    seq: str
    headline: str


def event_entry(event: EventRow, labels: Labels, urls: PageUrls, template: Template) -> Entry:
    record = event.record
    kind = kind_of(record.kind)
    event_id = str(record.id)
    said = headline(event, labels)
    links: list[Link] = []
    for target, relation in ((event.corrects, "corrects"), (event.retracts, "retracts")):
        if target is not None:
            links.append(Link(urls.event(target.record.id), "related", "text/html", f"event {target.record.seq}, which this {relation}"))
    if web_link(event.source.url):
        links.append(Link(event.source.url, "via", "", event.source.title))
    if event.retracts is not None:
        title = f"Retracted: {headline(event.retracts, labels)}"
    elif event.corrects is not None:
        title = f"Correction: {said}"
    else:
        title = said
    return Entry(
        id=f"urn:uuid:{event_id}",
        title=title,
        link=urls.event(event_id),
        updated=record.recorded_at,
        content=template.render(body(event, said, labels, urls)),
        authors=(record.recorded_by,),
        categories=((record.kind, kind.label),),
        links=tuple(links),
    )


def body(event: EventRow, said: str, labels: Labels, urls: PageUrls) -> dict[str, Any]:
    """What templates/feeds/event_entry.html shows of an event: texts, which the template escapes."""
    record, corrects, retracts = event.record, event.corrects, event.retracts
    return {
        "said": said,
        "subject": event.subject.name,
        "subject_url": urls.entity(record.subject),
        "date": _date_as_written(record.date),
        "fields": [
            (_field_name(spec.name), labels.show(spec, record.payload[spec.name], record.organisation))
            for spec in kind_of(record.kind).fields
            if spec.name in record.payload
        ],
        "source": event.source.title,
        "source_url": event.source.url if web_link(event.source.url) else "",
        "locator": record.locator,
        "confidence": f"{record.confidence:.2f}",
        "recorded_by": record.recorded_by,
        "recorded_at": record.recorded_at.isoformat(" ", "seconds")[:19],
        "seq": str(record.seq),  # text: a number would be localized, at five times the cost
        "note": record.note,
        "corrects": _amended(corrects, labels, urls) if corrects is not None else None,
        "changes": "; ".join(corrected_fields(corrects, event, labels)) if corrects is not None else "",
        # Why is the retraction's reason, listed with its payload.
        "retracts": _amended(retracts, labels, urls) if retracts is not None else None,
    }


def _amended(event: EventRow, labels: Labels, urls: PageUrls) -> Amended:
    return Amended(urls.event(event.record.id), str(event.record.seq), headline(event, labels))


def corrected_fields(old: EventRow, new: EventRow, labels: Labels) -> list[str]:
    """'date: June 2017 → 9 June 2017' for each field a correction changes."""
    before, after = old.record, new.record
    pairs: list[tuple[str, str, str]] = [
        ("subject", old.subject.name, new.subject.name),
        ("date", _date_as_written(before.date), _date_as_written(after.date)),
    ]
    for spec in _fields(kind_of(before.kind), kind_of(after.kind)):
        pairs.append(
            (
                _field_name(spec.name).lower(),
                labels.show(spec, before.payload.get(spec.name), before.organisation),
                labels.show(spec, after.payload.get(spec.name), after.organisation),
            )
        )
    pairs += [
        ("source", old.source.title, new.source.title),
        ("locator", before.locator or "none", after.locator or "none"),
        ("confidence", f"{before.confidence:.2f}", f"{after.confidence:.2f}"),
    ]
    return [f"{name}: {was} → {now}" for name, was, now in pairs if was != now]


def _fields(*kinds: Kind) -> list[PayloadField]:
    return list({spec.name: spec for kind in kinds for spec in kind.fields}.values())


@lru_cache(maxsize=None)  # a declaration's name: a few dozen in all
def _field_name(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _date_as_written(date: PartialDate) -> str:
    shown = date.display()
    if date.earliest == date.latest:
        return shown
    first, last = date.earliest, date.latest
    return f"{shown} (between {first.day} {MONTH_NAMES[first.month]} {first.year} and {last.day} {MONTH_NAMES[last.month]} {last.year})"


def entries(events: Sequence[EventRow], urls: PageUrls) -> list[Entry]:
    labels = Labels(events)
    template = get_template("feeds/event_entry.html")  # compiled once: the cached loader keeps it
    return [event_entry(event, labels, urls, template) for event in events]
