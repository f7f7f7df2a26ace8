"""HTML pages: home, the timeline, the state on a date and between two dates, the membership chart,
entities (index, search, one entity), sources and events. Thin: parse, call the reads, render."""
from __future__ import annotations

from datetime import date
from itertools import groupby
from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from events import queries
from events.domain import diffs
from events.domain.dates import InvalidDate, parse_day, parse_moment
from events.domain.kinds import KINDS, kind_of
from events.feeds import declarations as feeds
from events.feeds.entries import web_link
from events.filters import EntityFilterSet, EventFilterSet
from events.models import Entity, Event, Organisation, Source
from events.queries import feeds as reads
from events.queries.periods import holders, periods, role_words

from . import sentences
from .chart import membership_chart
from .statepage import state_page

EVENT_PAGE = 100  # the timeline's, an entity's and a source's events
ENTITY_PAGE = 200


class BadInput(ValueError):
    """A query parameter the page cannot read: answered 400 with the page and the message."""


def _organisation(request) -> Organisation:
    slug = request.GET.get("org", "sco")
    try:
        return queries.organisation_by_slug(slug)
    except Organisation.DoesNotExist:
        raise Http404(f"no organisation {slug!r}") from None


def _read(request, name: str, parse, default=None):
    """A query parameter read by `parse` (a day, a moment); BadInput naming it when it cannot be read."""
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    try:
        return parse(text)
    except InvalidDate as exc:
        raise BadInput(f"{name}: {exc}") from None


def _page(request, template: str, context: dict, error: str = ""):
    context = {"feeds": feeds.discovery(), "error": error, **context}
    return render(request, template, context, status=400 if error else 200)


def _event_page(request, events):
    """The requested page of an ordered queryset of events, and its events in words."""
    page = Paginator(events, EVENT_PAGE).get_page(request.GET.get("page"))
    rows = reads.load(page.object_list)
    return page, sentences.event_lines(rows, queries.amendments_of([row.record.id for row in rows]))


def _chart(organisation: Organisation, today: date):
    found = periods(organisation)
    first = min((p.start for p in found), default=today)  # the organisation's own first day, never a constant
    return membership_chart(found, role_words(organisation), date(first.year, 1, 1), today)


def home(request):
    organisation = _organisation(request)
    today = timezone.now().date()
    context = {
        "organisation": organisation, "today": today, "state": state_page(organisation, today),
        "changes": sentences.recent_changes(organisation), "chart": _chart(organisation, today),
    }
    return _page(request, "events/home.html", context)


def chart(request):
    organisation = _organisation(request)
    return _page(request, "events/chart.html", {"organisation": organisation, "chart": _chart(organisation, timezone.now().date())})


def timeline(request):
    organisation = _organisation(request)
    params = request.GET.copy()
    params.setdefault("ordering", "occurred")
    params.setdefault("include_retracted", "true")  # shown as retracted, not hidden
    chosen = EventFilterSet(params, queryset=queries.timeline(organisation).order_by())
    error = "" if chosen.is_valid() else "; ".join(f"{name}: {' '.join(errors)}" for name, errors in chosen.errors.items())
    if not error and params.get("entity") and queries.entity_by_reference(params["entity"]) is None:
        error = f"entity: no entity {params['entity']!r} (give a slug or an ISO3 code)"
    events = chosen.qs if not error else Event.objects.none()
    page, lines = _event_page(request, events)
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "organisation": organisation, "page": page, "years": sentences.by_year(lines), "kinds": KINDS.values(),
        "entities": holders(organisation),
        "chosen": {"kind": request.GET.getlist("kind"), "entity": request.GET.get("entity", ""),
                   "min_confidence": request.GET.get("min_confidence", "")},
        "query": kept.urlencode(),
    }
    return _page(request, "events/timeline.html", context, error)


def state(request):
    organisation = _organisation(request)
    try:
        at, known_at = _read(request, "at", parse_day, timezone.now().date()), _read(request, "known_at", parse_moment)
    except BadInput as exc:
        return _page(request, "events/state.html", {"organisation": organisation, "page": None}, str(exc))
    context = {"organisation": organisation, "page": state_page(organisation, at, known_at), "at": at, "known_at": known_at}
    return _page(request, "events/state.html", context)


def state_diff(request):
    organisation = _organisation(request)
    context = {"organisation": organisation, "lines": None}
    try:
        start, end = _read(request, "from", parse_day), _read(request, "to", parse_day)
        known_at = _read(request, "known_at", parse_moment)
        if (start is None) != (end is None):
            raise BadInput("give both dates, from and to")
        if start is not None and start > end:
            raise BadInput("to: is before from")
    except BadInput as exc:
        return _page(request, "events/diff.html", context, str(exc))
    context.update(start=start, end=end, known_at=known_at)
    if start is not None:
        before, after = (queries.state_at(organisation, day, known_at) for day in (start, end))
        context["lines"] = sentences.differences(organisation, diffs.changes(before, after))
    return _page(request, "events/diff.html", context)


_PLURALS = {Entity.Type.PERSON: "People", Entity.Type.BODY: "Bodies"}  # the index's headings; the rest add an s


def entity_index(request):
    found = EntityFilterSet(request.GET, queryset=Entity.objects.prefetch_related("aliases").order_by("type", "name"))
    page = Paginator(found.qs if found.is_valid() else Entity.objects.none(), ENTITY_PAGE).get_page(request.GET.get("page"))
    groups = [(_PLURALS.get(kind, f"{Entity.Type(kind).label}s"), list(members)) for kind, members in groupby(page, key=lambda e: e.type)]
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {"groups": groups, "page": page, "q": request.GET.get("q", ""), "query": kept.urlencode()}
    return _page(request, "events/entities.html", context)


def entity(request, slug: str):
    found = Entity.objects.select_related("country").filter(slug=slug).first()
    if found is None:
        by_code = queries.entity_by_reference(slug)
        if by_code is None:
            raise Http404(f"no entity {slug!r}")
        return redirect("events:entity", by_code.slug, permanent=True)
    organisation = _organisation(request)
    page, lines = _event_page(request, queries.timeline(entity=found))
    context = {
        "entity": found, "aliases": found.aliases.order_by("kind", "name"),
        "summary": sentences.held(periods(organisation, about=found), role_words(organisation)),
        "page": page, "lines": lines, "query": "", "feeds": feeds.discovery(found),
    }
    return _page(request, "events/entity.html", context)


def source(request, key: str):
    found = get_object_or_404(Source, key=key)
    page, lines = _event_page(request, Event.objects.filter(source=found).order_by("date_earliest", "seq"))
    host = urlsplit(found.url).netloc if web_link(found.url) else ""
    return _page(request, "events/source.html", {"source": found, "page": page, "lines": lines, "host": host, "query": ""})


def event_detail(request, event_id):
    event = get_object_or_404(Event.objects.with_relations().select_related("corrects", "retracts"), id=event_id)
    [row] = reads.load(Event.objects.filter(pk=event.pk))
    [line] = sentences.event_lines([row], queries.amendments_of([event.id]))
    context = {
        "event": event, "line": line, "kind": kind_of(event.kind),
        "corrections": event.corrections.with_relations(),
        "retractions": event.retractions.with_relations(),
        "feeds": feeds.discovery(event.subject),
    }
    return _page(request, "events/event.html", context)
