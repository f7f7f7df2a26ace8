"""The admin's own pages: add, correct and retract events, an event's page, the state on a date, conflicts.

Thin: parse the request with a form from events.admin.forms, call events.store or events.queries,
render a template under templates/admin/events/.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as BadValue
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from events import queries, records
from events.documents import conflict_entry, state_document
from events.domain import replay
from events.domain.kinds import get_kind
from events.models import Entity, Event, Organisation

from .forms import EventForm, KindChoiceForm, RetractForm, StateQueryForm, payload_display


def _render(request: HttpRequest, model_admin, template: str, title: str, **context: Any) -> TemplateResponse:
    context = {**model_admin.admin_site.each_context(request), "opts": Event._meta, "title": title, **context}
    return TemplateResponse(request, f"admin/events/event/{template}", context)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def event_url(event_id) -> str:
    return reverse("admin:events_event_change", args=[event_id])


def _recorded(request: HttpRequest, model_admin, events: list[Event], what: str) -> None:
    for event in events:
        model_admin.log_addition(request, event, [{"added": {}}])
    shown = ", ".join(f"#{e.seq}" for e in events)
    messages.success(request, f"Recorded {what} {shown}, by {request.user.username}.")


def add_event(request: HttpRequest, model_admin) -> HttpResponse:
    """Pick a kind, then fill in that kind's form; the event is appended through the store."""
    _require(model_admin.has_add_permission(request))
    choice = KindChoiceForm(request.GET if "kind" in request.GET else None, initial={"organisation": Organisation.objects.first()})
    if not choice.is_valid():
        return _render(request, model_admin, "kind_choice.html", "Add event: choose its kind", form=choice)
    kind, organisation = get_kind(choice.cleaned_data["kind"]), choice.cleaned_data["organisation"]
    form = EventForm(request.POST or None, kind=kind, organisation=organisation, admin_site=model_admin.admin_site)
    if request.method == "POST" and form.is_valid():
        event = form.record(recorded_by=request.user.username)
        if event is not None:
            _recorded(request, model_admin, [event], "event")
            return redirect(event_url(event.pk))
    return _render(
        request, model_admin, "event_form.html", f"Add {kind.label} event to {organisation}",
        form=form, kind=kind, organisation=organisation, media=model_admin.media + form.media,
    )


def correct_event(request: HttpRequest, model_admin, object_id: str) -> HttpResponse:
    """A form prefilled from the event; saving it appends an event that corrects it."""
    _require(model_admin.has_correct_permission(request))
    event = get_object_or_404(Event.objects.with_relations(), pk=object_id)
    kind = get_kind(event.kind)
    form = EventForm(
        request.POST or None, kind=kind, organisation=event.organisation,
        admin_site=model_admin.admin_site, correcting=event,
    )
    if request.method == "POST" and form.is_valid():
        correction = form.record(recorded_by=request.user.username)
        if correction is not None:
            _recorded(request, model_admin, [correction], f"correction of #{event.seq}:")
            return redirect(event_url(correction.pk))
    return _render(
        request, model_admin, "event_form.html", f"Correct event #{event.seq}",
        form=form, kind=kind, organisation=event.organisation, correcting=event,
        media=model_admin.media + form.media,
    )


def retract_url(events) -> str:
    return reverse("admin:events_event_retract") + "?" + urlencode([("ids", str(e.pk)) for e in events])


def retract_events(request: HttpRequest, model_admin) -> HttpResponse:
    """Asks why, then retracts every event named by `ids` in one transaction."""
    _require(model_admin.has_retract_permission(request))
    ids = request.GET.getlist("ids")
    try:
        events = list(Event.objects.with_relations().filter(pk__in=ids).order_by("seq"))
    except (ValueError, BadValue) as exc:
        raise Http404(str(exc)) from None
    if not events:
        raise Http404("no events to retract")
    form = RetractForm(request.POST or None, events=events, admin_site=model_admin.admin_site)
    if request.method == "POST" and form.is_valid():
        retractions = form.record(recorded_by=request.user.username)
        if retractions is not None:
            _recorded(request, model_admin, retractions, "retraction")
            return redirect(event_url(events[0].pk) if len(events) == 1 else reverse("admin:events_event_changelist"))
    return _render(
        request, model_admin, "retract.html", "Retract events", form=form, events=events,
        brought_back=brought_back(events), media=model_admin.media + form.media,
    )


@dataclass(frozen=True)
class BroughtBack:
    """What retracting a correction does to the event it replaced: that event is in force again,
    unless it is retracted already or in the same retraction."""

    correction: Event
    replaced: Event
    stays_withdrawn: str  # why the replaced event does not come back; empty when it does


def brought_back(events: list[Event]) -> list[BroughtBack]:
    corrections = [event for event in events if event.corrects_id is not None]
    if not corrections:
        return []
    replaced = Event.objects.with_relations().annotate(
        retracted=Exists(Event.objects.filter(retracts=OuterRef("pk")))
    ).in_bulk([event.corrects_id for event in corrections])
    retracting = {event.pk for event in events}
    found = []
    for correction in corrections:
        target = replaced[correction.corrects_id]
        why = "it is retracted already" if target.retracted else "it is retracted with it" if target.pk in retracting else ""
        found.append(BroughtBack(correction, target, why))
    return found


@dataclass(frozen=True)
class SlotReading:
    """What replay answers for an event's slot on a day, and whether the event is behind the answer."""

    at: date
    standing: replay.Standing | None
    holder: Entity | None
    includes_event: bool


def _slot_reading(event: Event, slot, at: date) -> SlotReading:
    state = queries.state_at(event.organisation, at)
    standing = next((s for s in state.standings if s.slot == slot), None)
    holder = Entity.objects.filter(slug=standing.holder).first() if standing else None
    included = standing is not None and any(r.id == event.pk for r in standing.events)
    return SlotReading(at, standing, holder, included)


def all_conflicts(organisation: Organisation, known_at: datetime | None = None) -> tuple[replay.Conflict, ...]:
    # A conflict shows from its first date on, so on the last day there is every conflict.
    return queries.state_at(organisation, date.max, known_at).conflicts


def event_page(request: HttpRequest, model_admin, object_id: str) -> HttpResponse:
    """An event as recorded, its corrections and retractions, and what replay makes of it. Read-only."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    try:
        event = Event.objects.with_relations().select_related("corrects", "retracts").get(pk=object_id)
    except (Event.DoesNotExist, BadValue):
        raise Http404(f"no event {object_id!r}") from None
    _require(model_admin.has_view_permission(request, event))
    corrections = list(event.corrections.with_relations())
    retractions = list(event.retractions.with_relations())
    standing_corrections = [c for c in corrections if not c.retractions.exists()]
    slot = replay.slot_of(records.from_instance(event))
    readings = [] if slot is None else [
        _slot_reading(event, slot, event.date_earliest), _slot_reading(event, slot, timezone.localdate())
    ]
    in_force = event.retracts_id is None and not retractions and not standing_corrections
    context = {
        "event": event, "kind": get_kind(event.kind), "corrections": corrections, "retractions": retractions,
        "payload": payload_display(get_kind(event.kind), event.organisation, event.payload),
        "in_force": in_force, "standing_corrections": standing_corrections, "slot": slot, "readings": readings,
        "conflicts": _numbered_conflicts(c for c in all_conflicts(event.organisation) if any(r.id == event.pk for r in c.events)),
        "can_correct": in_force and model_admin.has_correct_permission(request),
        "can_retract": not retractions and event.retracts_id is None and model_admin.has_retract_permission(request),
        "retract_url": retract_url([event]),
    }
    return _render(request, model_admin, "view.html", f"Event #{event.seq}", **context)


def _question(request: HttpRequest, model_admin) -> tuple[StateQueryForm, Organisation | None, dict[str, Any]]:
    """The organisation, day and known-at a timeline page is asked about (today, now, the first organisation by default)."""
    _require(model_admin.has_view_permission(request))
    data = {"org": request.GET.get("org") or getattr(Organisation.objects.first(), "slug", None),
            "at": request.GET.get("at") or timezone.localdate().isoformat(),
            "known_at": request.GET.get("known_at", "")}
    form = StateQueryForm(data)
    organisation = form.cleaned_data.get("org") if form.is_valid() else None
    return form, organisation, {"form": form, "organisation": organisation}


def _seqs(ids) -> dict[str, int]:
    """Event id (as text) -> seq, to label links to events with their number, in one query."""
    return {str(i): seq for i, seq in Event.objects.filter(id__in=list(ids)).values_list("id", "seq")}


def _numbered_conflicts(conflicts) -> list[dict[str, Any]]:
    """conflict_entry documents whose claims also carry their event's seq."""
    entries = [conflict_entry(c) for c in conflicts]
    seqs = _seqs(claim["event"] for entry in entries for claim in entry["claims"])
    for claim in (claim for entry in entries for claim in entry["claims"]):
        claim["seq"] = seqs[claim["event"]]
    return entries


def state_page(request: HttpRequest, model_admin) -> HttpResponse:
    """Members, observers, ... (whatever statuses the organisation declares) and office holders on a day."""
    form, organisation, context = _question(request, model_admin)
    if organisation is not None:
        at, known_at = form.cleaned_data["at"], form.cleaned_data["known_at"]
        state = queries.state_at(organisation, at, known_at)
        document = state_document(organisation, state)
        statuses = [(s, document[s.plural]) for s in organisation.statuses.all()]
        offices = [(o, document[o.key]) for o in organisation.offices.all()]
        standings = [e for _, entries in statuses for e in entries] + [h for _, h in offices if h]
        seqs = _seqs(i for entry in standings for i in entry["events"])
        for entry in standings:
            entry["numbered"] = [(i, seqs[i]) for i in entry["events"]]
        context.update(statuses=statuses, offices=offices, conflicts=_numbered_conflicts(state.conflicts), at=at)
    return _render(request, model_admin, "state.html", "State on a date", **context)


def conflicts_page(request: HttpRequest, model_admin) -> HttpResponse:
    """Every conflict replay sees in the log (as known at a moment, optionally), with the competing events."""
    form, organisation, context = _question(request, model_admin)
    if organisation is not None:
        context["conflicts"] = _numbered_conflicts(all_conflicts(organisation, form.cleaned_data["known_at"]))
    return _render(request, model_admin, "conflicts.html", "Conflicts", **context)
