"""The feed engine: parses a request for a declared feed (events.feeds.declarations), derives its
HTTP validators and writes the document, as django.contrib.syndication's Feed view does for its hooks.

Event feeds filter through EventFilterSet (the API's), page by seq (RFC 5005: `before`/`after`
keys, never offsets) and derive the HTTP validators from the log's head in one query, so a 304
costs one indexed read. The README's "Feeds" section states the paging and caching contract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from hashlib import blake2b
from typing import Any

from django.db.models import CharField, IntegerField, Q, TextField
from django.http import Http404, HttpRequest, QueryDict

from events.filters import EventFilterSet
from events.models import Event, Organisation
from events.queries import feeds as page_reads
from events.queries import entity_by_reference, newest_event, organisation_by_slug
from events.records import EventRow

from . import entries as feed_entries
from .changes import ChangeEntries
from .documents import EPOCH, Format, Head, Link, render
from .entries import PageUrls, path_of

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Part of every ETag: bump it when what the feeds say changes, so cached copies revalidate.
RENDERING = "3"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PAGING = ("limit", "before", "after")

_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
_NO_SEQ = 2**63 - 1  # above every seq: "before" for the head document


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
    """A parsed feed request: the feed's object (an entity, a kind), the events it lists, the window
    and what to filter."""

    request: HttpRequest
    obj: Any
    window: Window
    events: Q = Q()  # what the feed's declaration lists for `obj`
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


def _log_head_validators(query: FeedQuery) -> Validators:
    """The document may change with any append: its validators follow the log's newest event."""
    seq, recorded_at = newest_event()
    return Validators(_etag(query.url, seq), recorded_at, REVALIDATE)


class Feed:
    """What every feed declares: its title, subtitle and web page, and the object its URL names.

    A feed lists events (EventListing) or derived changes (ChangeListing). Subclasses declare the
    hooks; the engine's steps (`query`, `validators`, `document`, which the view calls) read them
    and are not hooks.
    """

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

    # The engine's steps.

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


class EventListing(Feed):
    """A feed of events, newest first by seq, one entry per event, corrections and retractions included.

    A subclass declares which events with `events(obj)`, and only there: every page, older or newer,
    filtered or not, lists what it says.
    """

    def events(self, obj: Any) -> Q:
        """The events this feed lists for `obj`, as a filter on Event; every event unless declared.

        A filter of plain field=value lookups on Event's own columns (`Q(kind=...)`) is read by SQL
        compiled once (events.queries.feeds.newest); any other through the ORM. The engine picks.
        """
        return Q()

    def query(self, request: HttpRequest, **kwargs: Any) -> FeedQuery:
        window = Window.from_query(request.GET)
        obj = self.get_object(**kwargs)
        events = self.events(obj)
        if not set(request.GET).intersection(EventFilterSet.base_filters):
            # Nothing to filter: skip building the FilterSet's form, most of an unfiltered 304's cost.
            return FeedQuery(request, obj, window, events)
        params = request.GET.copy()
        for name in PAGING:
            params.pop(name, None)
        # A feed is the log as recorded: retracted events and the retractions both stay in it.
        params.setdefault("include_retracted", "true")
        filterset = EventFilterSet(params, queryset=Event.objects.filter(events))
        if not filterset.is_valid():
            raise FeedRequestError(
                "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
            )
        entity = filterset.form.cleaned_data.get("entity")
        if entity and entity_by_reference(entity) is None:
            # As /feeds/entities/<slug>.atom answers: an entity that does not exist has no feed.
            raise Http404(f"no entity {entity[:40]!r}")
        return FeedQuery(request, obj, window, events, filterset)

    def validators(self, query: FeedQuery) -> Validators:
        before = query.window.before
        if before is not None and not query.hides_retracted:
            bound = page_reads.newest_below(before)
            if bound is not None and bound[0] == before - 1:
                # Every seq below `before` is taken and new events get higher ones: this page is final.
                return Validators(_etag(query.url), bound[1], IMMUTABLE)
        return _log_head_validators(query)

    def document(self, query: FeedQuery, format: Format, validators: Validators) -> bytes:
        page = _page(query)
        rows, media_type = page.rows, format.media_type
        # RFC 5005: `first` is the head (newest events), `next` the older page, `previous` the newer one.
        # The head has no `previous` (a validator calls that a link past the end): subscribers poll
        # the head with its ETag, and a reader walking back up stops at the newest page.
        links = [Link(query.url_with(), "first", media_type)]
        if page.older:
            oldest = rows[-1].record.seq if rows else query.window.after + 1
            links.append(Link(query.url_with(before=oldest), "next", media_type))
        newest = rows[0].record.seq if rows else (query.window.before or 1) - 1
        if page.newer and newest > 0:  # `before=1` holds nothing, and nothing is newer than seq 0 but the log
            links.append(Link(query.url_with(after=newest), "previous", media_type))
        updated = rows[0].record.recorded_at if rows else validators.last_modified or EPOCH
        entries = feed_entries.entries(rows, PageUrls.for_request(query.request))
        return render(self._head(query, format, updated, links), entries, format)


@dataclass(frozen=True)
class Page:
    """A window's events, newest first, and whether to link older and newer pages. A `before` page
    always links the newer one: it may be cached for good, and newer events may match later. An
    `after` page links it when more events match than it holds; the head never does."""

    rows: list[EventRow]
    older: bool
    newer: bool


def _page(query: FeedQuery) -> Page:
    window = query.window
    lookups = plain_lookups(query.events) if query.filterset is None else None
    if lookups is not None and window.after is None:
        # The head of the log or of a kind, what most subscribers poll: by SQL compiled once.
        rows = page_reads.newest(lookups, window.before or _NO_SEQ, window.limit + 1)
        return Page(rows[: window.limit], len(rows) > window.limit, newer=window.before is not None)
    events = query.filterset.qs if query.filterset is not None else Event.objects.filter(query.events)
    if window.after is not None:
        rows = page_reads.load(events.filter(seq__gt=window.after).order_by("seq")[: window.limit + 1])
        newer = len(rows) > window.limit
        rows = rows[: window.limit]
        rows.reverse()
        return Page(rows, events.filter(seq__lte=window.after).exists(), newer)
    if window.before is not None:
        events = events.filter(seq__lt=window.before)
    rows = page_reads.load(events.order_by("-seq")[: window.limit + 1])
    return Page(rows[: window.limit], len(rows) > window.limit, newer=window.before is not None)


def plain_lookups(events: Q) -> dict[str, str | int] | None:
    """`events` as the field=value lookups events.queries.feeds.newest reads, or None when it says more:
    an AND of equalities, each on a different text or whole-number column of Event (by attname), with a
    value of that type. `Q()` (every event) is `{}`."""
    if events.negated or (len(events.children) > 1 and events.connector != Q.AND):
        return None
    lookups: dict[str, str | int] = {}
    for child in events.children:
        if not isinstance(child, tuple):
            return None  # a nested Q
        name, value = child
        if name in lookups or type(value) is not _row_columns().get(name):
            return None
        lookups[name] = value
    return lookups


@cache
def _row_columns() -> dict[str, type]:
    """Event's own text and whole-number columns (by attname), with the type their values take."""
    found: dict[str, type] = {}
    for field in Event._meta.concrete_fields:
        column = field.target_field if field.is_relation else field
        if isinstance(column, (CharField, TextField)):
            found[field.attname] = str
        elif isinstance(column, IntegerField):
            found[field.attname] = int
    return found


class ChangeListing(Feed):
    """A feed of the derived changes of the replayed state, newest date first; not paged (`limit` only)."""

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
        return FeedQuery(request, self.get_object(**kwargs), window, organisation=organisation)

    def validators(self, query: FeedQuery) -> Validators:
        return _log_head_validators(query)

    def document(self, query: FeedQuery, format: Format, validators: Validators) -> bytes:
        if query.organisation is not None:
            organisations = [query.organisation.pk]
        else:
            organisations = page_reads.organisation_ids()
        found = page_reads.recent_changes(organisations, query.window.limit)
        entries = ChangeEntries(found, query.request, PageUrls.for_request(query.request)).entries()
        updated = max((e.updated for e in entries), default=validators.last_modified or EPOCH)
        return render(self._head(query, format, updated, []), entries, format)
