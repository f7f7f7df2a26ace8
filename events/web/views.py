"""HTML pages: the timeline, the state on a date, an entity's history, an event with its provenance."""
from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from events import queries
from events.documents import state_document_at
from events.domain.dates import InvalidDate, parse_day
from events.feeds import declarations as feeds
from events.models import Entity, Event, Organisation


def _organisation(request) -> Organisation:
    slug = request.GET.get("org", "sco")
    try:
        return queries.organisation_by_slug(slug)
    except Organisation.DoesNotExist:
        raise Http404(f"no organisation {slug!r}") from None


def timeline(request):
    organisation = _organisation(request)
    page = Paginator(queries.timeline(organisation), 100).get_page(request.GET.get("page"))
    context = {"organisation": organisation, "page": page, "feeds": feeds.discovery()}
    return render(request, "events/timeline.html", context)


def state(request):
    organisation = _organisation(request)
    error = None
    at = date.today()
    if request.GET.get("at"):
        try:
            at = parse_day(request.GET["at"])
        except InvalidDate as exc:
            error = str(exc)
    document = state_document_at(organisation, at)
    statuses = [(s, document[s.plural]) for s in organisation.statuses.all()]
    offices = [(o, document[o.key]) for o in organisation.offices.all()]
    context = {
        "organisation": organisation, "at": at, "error": error, "statuses": statuses,
        "offices": offices, "conflicts": document["conflicts"], "feeds": feeds.discovery(),
    }
    return render(request, "events/state.html", context, status=400 if error else 200)


def entity_history(request, slug: str):
    entity = get_object_or_404(Entity.objects.select_related("country"), slug=slug)
    events = queries.timeline(entity=entity)
    context = {"entity": entity, "events": events, "feeds": feeds.discovery(entity)}
    return render(request, "events/entity.html", context)


def event_detail(request, event_id):
    event = get_object_or_404(
        Event.objects.with_relations().select_related("corrects", "retracts"), id=event_id
    )
    context = {
        "event": event,
        "corrections": event.corrections.with_relations(),
        "retractions": event.retractions.with_relations(),
        "feeds": feeds.discovery(event.subject),
    }
    return render(request, "events/event.html", context)
