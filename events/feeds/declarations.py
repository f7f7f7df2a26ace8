"""The feeds, declared: what each lists, its title and its web page, in a few lines each.

Read by the engine (events.feeds.engine) as django.contrib.syndication's view reads a Feed's
hooks; routed in events.feeds.urls. `discovery` names the feeds a web page announces.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from events.domain.kinds import KINDS, Kind
from events.filters import EventFilterSet
from events.models import Entity
from events.queries import mentioning

from .documents import Format
from .engine import DEFAULT_LIMIT, MAX_LIMIT, ChangeListing, EventListing
from .entries import path_of


class EventFeed(EventListing):
    """The whole log."""

    title = "the event log"
    subtitle = (
        "Every recorded event, newest first by sequence number, corrections and retractions included. "
        "Filter with the parameters of /api/events/."
    )


class EntityFeed(EventFeed):
    subtitle = "Events about this entity, as subject or named in the payload, newest first."

    def get_object(self, slug: str) -> Entity:
        return get_object_or_404(Entity, slug=slug)

    def title_for(self, entity: Entity) -> str:
        return f"events about {entity.name}"

    def alternate(self, entity: Entity) -> str:
        return path_of("events:entity", entity.slug)

    def events(self, entity: Entity) -> Q:
        return mentioning(entity)  # as subject, or named in the payload


class KindFeed(EventFeed):
    subtitle = "Events of one kind, newest first."

    def get_object(self, kind: str) -> Kind:
        if kind not in KINDS:
            raise Http404(f"no kind {kind!r}")
        return KINDS[kind]

    def title_for(self, kind: Kind) -> str:
        return f"{kind.label} events"

    def events(self, kind: Kind) -> Q:
        return Q(kind=kind.name)


class ChangesFeed(ChangeListing):
    title = "changes"
    subtitle = (
        "Each change of the organisation's state as replayed from the events (who joined, left, "
        "took office), newest date first, with the events behind it."
    )

    def alternate(self, obj: None) -> str:
        return path_of("events:state")


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


@dataclass(frozen=True)
class Parameter:
    """A query parameter a feed takes, as the /feeds/ page explains it."""

    name: str
    help: str


@dataclass(frozen=True)
class Listing:
    """One feed on the /feeds/ page: what it holds, its URLs (Atom, RSS) and the parameters it takes."""

    title: str
    subtitle: str
    atom: str
    rss: str
    parameters: tuple[Parameter, ...]


_LOOKUP_WORDS = {"gte": "at or after", "lte": "at or before"}
PAGING_PARAMETERS = (
    Parameter("limit", f"Entries per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."),
    Parameter("before", "A seq: the newest entries below it (the `next` link of a page gives it)."),
    Parameter("after", "A seq: the oldest entries above it, newest first (a page's `previous` link)."),
)


def event_filters() -> tuple[Parameter, ...]:
    """The filters the event feeds share with /api/events/, read from EventFilterSet's declaration."""
    found = []
    for name, spec in EventFilterSet.base_filters.items():
        if name == "ordering":
            continue  # a feed is always newest first by seq
        help = spec.extra.get("help_text") or f"{spec.field_name} {_LOOKUP_WORDS.get(spec.lookup_expr, spec.lookup_expr)} this value."
        if name == "include_retracted":
            help = "Include events that have been retracted (default in a feed: true, it is the log as recorded)."
        found.append(Parameter(name, help))
    return tuple(found)


def catalogue(example: Entity | None) -> list[Listing]:
    """Every feed, for the /feeds/ page: the log, one entity's (`example`'s), one kind's, the changes."""
    paged = event_filters() + PAGING_PARAMETERS

    def urls(name: str, *args: str) -> tuple[str, str]:
        return tuple(reverse(name, args=[*args, form]) for form in (Format.ATOM, Format.RSS))

    found = [Listing("The event log", EventFeed.subtitle, *urls("feeds:events"), paged)]
    if example is not None:
        found.append(Listing(f"One entity, e.g. {example.name}", EntityFeed.subtitle, *urls("feeds:entity", example.slug), paged))
    found.append(Listing("One kind, e.g. membership status", KindFeed.subtitle, *urls("feeds:kind", "membership.status"), paged))
    found.append(Listing(
        "Changes", ChangesFeed.subtitle, *urls("feeds:changes"),
        (PAGING_PARAMETERS[0], Parameter("organisation", "Organisation slug (default: every organisation).")),
    ))
    return found
