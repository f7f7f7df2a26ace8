"""The feeds, declared: what each is about, its title and its web page, in a few lines each.

One engine reads the declarations, in the spirit of django.contrib.syndication: event feeds
filter through EventFilterSet (the API's), page by seq (RFC 5005: `before`/`after` keys, never
offsets) and derive the HTTP validators from the log's head in one query, so a 304 costs
one indexed read. The README's "Feeds" section states the paging and caching contract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse

from events.domain.kinds import KINDS
from events.filters import EventFilterSet
from events.models import Entity, Event, Organisation
from events.queries import feeds as page_reads
from events.queries import mentioning, newest_event, organisation_by_slug

from . import entries as feed_entries
from .changes import ChangeEntries
from .documents import EPOCH, Format, Head, Link, render
from .entries import path_of

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Part of every ETag: bump it when what the feeds say changes, so cached copies revalidate.
RENDERING = "1"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PAGING = ("limit", "before", "after")

_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


class FeedRequestError(ValueError):
    """A request a feed cannot answer (bad limit, bad filter value): the view answers 400 with this text."""


@dataclass(frozen=True)
class Window:
    """Which entries a document holds: at most `limit`, older than `before` or newer than `after` (seq)."""

    limit: int = DEFAULT_LIMIT
    before: int | None = None
    after: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> Window:
        limit = _whole_number(query, "limit") or DEFAULT_LIMIT
        if limit > MAX_LIMIT:
            raise FeedRequestError(f"limit: {limit} is more than {MAX_LIMIT}")
        before, after = _whole_number(query, "before"), _whole_number(query, "after")
        if before is not None and after is not None:
            raise FeedRequestError("before, after: give one of them, not both")
        return cls(limit, before, after)


def _whole_number(query: QueryDict, name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not _WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise FeedRequestError(f"{name}: {raw[:40]!r} is not a whole number from 1 up")
    return int(raw)


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None
    cache_control: str


@dataclass(frozen=True)
class FeedQuery:
    """A parsed feed request: the feed's object (an entity, a kind), the window and what to filter."""

    request: HttpRequest
    obj: Any
    window: Window
    filterset: EventFilterSet | None = None  # None when the request filters nothing
    organisation: Organisation | None = None

    @property
    def url(self) -> str:
        return self.request.build_absolute_uri()

    def url_with(self, **paging: int) -> str:
        """This feed's URL with its filters and limit, and the paging keys given (none: the head)."""
        return self._url(("before", "after"), paging)

    @property
    def feed_id(self) -> str:
        """One id for every page and limit of a feed: its head URL without paging keys."""
        return self._url(PAGING, {})

    def _url(self, dropped: tuple[str, ...], added: dict[str, int]) -> str:
        params = self.request.GET.copy()
        for name in dropped:
            params.pop(name, None)
        params.update({name: str(value) for name, value in added.items()})
        query = params.urlencode()
        return self.request.build_absolute_uri(self.request.path + (f"?{query}" if query else ""))

    @property
    def hides_retracted(self) -> bool:
        return self.filterset is not None and self.filterset.form.cleaned_data.get("include_retracted") is False


def _etag(*parts: object) -> str:
    return '"%s"' % blake2b("|".join(map(str, (RENDERING, *parts))).encode(), digest_size=16).hexdigest()


_NO_SEQ = 2**63 - 1  # above every seq: "before" for the head document


def _log_head_validators(query: FeedQuery) -> Validators:
    """The document may change with any append: its validators follow the log's newest event."""
    seq, recorded_at = newest_event()
    return Validators(_etag(query.url, seq), recorded_at, REVALIDATE)


_SOME_ID = "00000000-0000-0000-0000-000000000000"
_SOME_SLUG = "some-slug-0"


def page_urls(request: HttpRequest) -> feed_entries.PageUrls:
    return feed_entries.PageUrls(
        root=request.build_absolute_uri("/")[:-1],
        event_template=path_of("events:event", _SOME_ID).replace(_SOME_ID, "{id}"),
        entity_template=path_of("events:entity", _SOME_SLUG).replace(_SOME_SLUG, "{slug}"),
    )


class Feed:
    """A feed declaration. Subclasses say what the feed is about; the engine methods do the rest."""

    title = "scotimeline"
    subtitle = ""

    def get_object(self, **kwargs: Any) -> Any:
        """What the URL names (an entity, a kind); raise Http404 when it names nothing."""
        return None

    def title_for(self, obj: Any) -> str:
        return self.title

    def alternate(self, obj: Any) -> str:
        """The path of the web page this feed mirrors."""
        return path_of("events:timeline")

    # The engine: parse, validate, render.

    def query(self, request: HttpRequest, **kwargs: Any) -> FeedQuery:
        raise NotImplementedError

    def validators(self, query: FeedQuery) -> Validators:
        raise NotImplementedError

    def document(self, query: FeedQuery, format: Format, validators: Validators) -> bytes:
        raise NotImplementedError

    def _head(self, query: FeedQuery, format: Format, updated: datetime, links: list[Link]) -> Head:
        return Head(
            id=query.feed_id,
            title=f"scotimeline: {self.title_for(query.obj)}",
            subtitle=self.subtitle,
            updated=updated,
            links=(Link(query.url, "self", format.media_type), *links),
            alternate=query.request.build_absolute_uri(self.alternate(query.obj)),
        )


class EventFeed(Feed):
    """The event log, newest first by seq, one entry per event, corrections and retractions included."""

    title = "the event log"
    subtitle = (
        "Every recorded event, newest first by sequence number, corrections and retractions included. "
        "Filter with the parameters of /api/events/."
    )

    def events(self, obj: Any) -> QuerySet[Event]:
        return Event.objects.filter(**self.plain_filter(obj))

    def plain_filter(self, obj: Any) -> dict[str, str] | None:
        """The feed's events as lookups on EventRow fields (field=value, strings), or None when they take more."""
        return {}

    def query(self, request: HttpRequest, **kwargs: Any) -> FeedQuery:
        window = Window.from_query(request.GET)
        obj = self.get_object(**kwargs)
        if not set(request.GET).intersection(EventFilterSet.base_filters):
            # Nothing to filter: skip building the FilterSet's form, most of an unfiltered 304's cost.
            return FeedQuery(request, obj, window)
        params = request.GET.copy()
        for name in PAGING:
            params.pop(name, None)
        # A feed is the log as recorded: retracted events and the retractions both stay in it.
        params.setdefault("include_retracted", "true")
        filterset = EventFilterSet(params, queryset=self.events(obj))
        if not filterset.is_valid():
            raise FeedRequestError(
                "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
            )
        return FeedQuery(request, obj, window, filterset)

    def validators(self, query: FeedQuery) -> Validators:
        before = query.window.before
        if before is not None and not query.hides_retracted:
            bound = page_reads.newest_below(before)
            if bound is not None and bound[0] == before - 1:
                # Every seq below `before` is taken and new events get higher ones: this page is final.
                return Validators(_etag(query.url), bound[1], IMMUTABLE)
        return _log_head_validators(query)

    def page(self, query: FeedQuery) -> tuple[list[page_reads.EventRow], bool]:
        """The window's events, newest first, and whether older ones match too."""
        window = query.window
        lookups = self.plain_filter(query.obj) if query.filterset is None else None
        if lookups is not None and window.after is None:
            # The head of the log or of a kind, what most subscribers poll: by SQL compiled once.
            rows = page_reads.newest(lookups, window.before or _NO_SEQ, window.limit + 1)
            return rows[: window.limit], len(rows) > window.limit
        events = query.filterset.qs if query.filterset is not None else self.events(query.obj)
        if window.after is not None:
            rows = page_reads.load(events.filter(seq__gt=window.after).order_by("seq")[: window.limit])
            rows.reverse()
            return rows, events.filter(seq__lte=window.after).exists()
        if window.before is not None:
            events = events.filter(seq__lt=window.before)
        rows = page_reads.load(events.order_by("-seq")[: window.limit + 1])
        return rows[: window.limit], len(rows) > window.limit

    def document(self, query: FeedQuery, format: Format, validators: Validators) -> bytes:
        rows, older = self.page(query)
        media_type = format.media_type
        links = [Link(query.url_with(), "first", media_type)]
        if older:
            oldest = rows[-1].seq if rows else query.window.after + 1
            links.append(Link(query.url_with(before=oldest), "next", media_type))
        if rows:
            links.append(Link(query.url_with(after=rows[0].seq), "previous", media_type))
        elif query.window.after is not None:
            links.append(Link(query.url, "previous", media_type))  # caught up: poll this page again
        updated = rows[0].recorded_at if rows else validators.last_modified or EPOCH
        entries = feed_entries.entries(rows, page_urls(query.request))
        return render(self._head(query, format, updated, links), entries, format)


class EntityFeed(EventFeed):
    subtitle = "Events about this entity, as subject or named in the payload, newest first."

    def get_object(self, slug: str) -> Entity:
        return get_object_or_404(Entity, slug=slug)

    def title_for(self, entity: Entity) -> str:
        return f"events about {entity.name}"

    def alternate(self, entity: Entity) -> str:
        return path_of("events:entity", entity.slug)

    def events(self, entity: Entity) -> QuerySet[Event]:
        return Event.objects.filter(mentioning(entity))

    def plain_filter(self, entity: Entity) -> None:
        return None  # subject or payload, by entity type


class KindFeed(EventFeed):
    subtitle = "Events of one kind, newest first."

    def get_object(self, kind: str):
        if kind not in KINDS:
            raise Http404(f"no kind {kind!r}")
        return KINDS[kind]

    def title_for(self, kind) -> str:
        return f"{kind.label} events"

    def plain_filter(self, kind) -> dict[str, str]:
        return {"kind": kind.name}


class ChangesFeed(Feed):
    """Derived changes of the replayed state, newest date first; not paged (`limit` only)."""

    title = "changes"
    subtitle = (
        "Each change of the organisation's state as replayed from the events (who joined, left, "
        "took office), newest date first, with the events behind it."
    )

    def alternate(self, obj: Any) -> str:
        return path_of("events:state")

    def query(self, request: HttpRequest, **kwargs: Any) -> FeedQuery:
        window = Window.from_query(request.GET)
        if window.before is not None or window.after is not None:
            raise FeedRequestError("before, after: the changes feed is not paged; use limit")
        organisation = None
        if request.GET.get("organisation"):
            try:
                organisation = organisation_by_slug(request.GET["organisation"])
            except Organisation.DoesNotExist:
                raise FeedRequestError(f"organisation: {request.GET['organisation'][:40]!r} is not an organisation") from None
        return FeedQuery(request, None, window, organisation=organisation)

    def validators(self, query: FeedQuery) -> Validators:
        return _log_head_validators(query)

    def document(self, query: FeedQuery, format: Format, validators: Validators) -> bytes:
        if query.organisation is not None:
            organisations = [query.organisation.pk]
        else:
            organisations = page_reads.organisation_ids()
        found = page_reads.recent_changes(organisations, query.window.limit)
        entries = ChangeEntries(found, query.request, page_urls(query.request)).entries()
        updated = max((e.updated for e in entries), default=validators.last_modified or EPOCH)
        return render(self._head(query, format, updated, []), entries, format)


@dataclass(frozen=True)
class Discovery:
    """A feed a web page announces with <link rel="alternate">."""

    title: str
    href: str
    type: str


def discovery(entity: Entity | None = None) -> list[Discovery]:
    """The feeds a page advertises: the log (Atom, RSS), the changes and, on an entity's page, its own."""
    found = [
        Discovery("scotimeline: the event log (Atom)", reverse("feeds:events", args=[Format.ATOM]), Format.ATOM.media_type),
        Discovery("scotimeline: the event log (RSS)", reverse("feeds:events", args=[Format.RSS]), Format.RSS.media_type),
        Discovery("scotimeline: changes (Atom)", reverse("feeds:changes", args=[Format.ATOM]), Format.ATOM.media_type),
    ]
    if entity is not None:
        found.insert(
            0,
            Discovery(
                f"scotimeline: events about {entity.name} (Atom)",
                reverse("feeds:entity", args=[entity.slug, Format.ATOM]),
                Format.ATOM.media_type,
            ),
        )
    return found
