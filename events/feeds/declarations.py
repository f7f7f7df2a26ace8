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
from events.models import Entity
from events.queries import mentioning

from .documents import Format
from .engine import ChangeListing, EventListing
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
