"""The state on a date as plain JSON-ready data: the shape the CLI, the API and the pages share."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from . import queries
from .domain.replay import Conflict, EventRecord, Standing, State
from .models import Entity, Organisation
from .queries import Holder


def state_document_at(organisation: Organisation, at: date, known_at: datetime | None = None) -> dict[str, Any]:
    """The state document for `at` as believed at `known_at`: the CLI's, the API's and the state page's."""
    if queries.is_present_belief(known_at):
        return state_document(organisation, *queries.projected_state_at(organisation, at, known_at))
    return state_document(organisation, queries.replayed_state_at(organisation, at, known_at))


def state_document(organisation: Organisation, state: State, holders: Mapping[str, Holder] | None = None) -> dict[str, Any]:
    """One list per declared status (keyed by its plural), one entry per declared office, the conflicts."""
    entities = queries.holders_of(state) if holders is None else holders
    document: dict[str, Any] = {
        "at": state.at.isoformat(),
        "known_at": state.known_at.isoformat() if state.known_at else None,
        "organisation": organisation.slug,
    }
    statuses, offices = queries.declared_keys(organisation)
    for status, plural in statuses:
        members = sorted(state.with_value("membership", status), key=lambda s: entities[s.holder].name)
        document[plural] = [_status_entry(s, entities[s.holder]) for s in members]
    for office, key in offices:
        standing = state.office(office)
        document[key] = _office_entry(standing, entities[standing.holder]) if standing else None
    document["conflicts"] = [conflict_entry(c) for c in state.conflicts]
    return document


def _status_entry(standing: Standing, entity: Holder) -> dict[str, Any]:
    return {
        "iso3": entity.iso3,
        "slug": entity.slug,
        "name": entity.name,
        "since": str(standing.since),
        "certain": standing.certain,
        "confidence": standing.confidence,
        "events": [str(e.id) for e in standing.events],
        "sources": sorted({e.source for e in standing.events}),
    }


def _office_entry(standing: Standing, holder: Holder) -> dict[str, Any]:
    entry: dict[str, Any] = {"slug": holder.slug, "name": holder.name}
    if holder.type == Entity.Type.STATE:
        entry["iso3"] = holder.iso3
    else:
        entry["nationality"] = holder.nationality
    entry.update(
        since=str(standing.since),
        certain=standing.certain,
        confidence=standing.confidence,
        events=[str(e.id) for e in standing.events],
        sources=sorted({e.source for e in standing.events}),
    )
    return entry


def conflict_entry(conflict: Conflict) -> dict[str, Any]:
    return {
        "about": f"{conflict.key[0]}: {conflict.key[1]}",
        "reason": conflict.reason,
        "claims": [_claim(e) for e in conflict.events],
    }


def _claim(record: EventRecord) -> dict[str, Any]:
    value = record.payload.get("status", record.payload.get("office"))
    claim = {"event": str(record.id), "date": str(record.date), "source": record.source, "confidence": record.confidence}
    if value is not None:
        claim["value"] = value
    return claim

def state_as_text(organisation: Organisation, document: dict[str, Any]) -> str:
    lines = [f"{organisation.name} on {document['at']}" + (f" (as known at {document['known_at']})" if document["known_at"] else "")]
    for office in organisation.offices.all():
        holder = document[office.key]
        shown = "none recorded" if holder is None else f"{holder['name']} ({holder.get('iso3') or holder.get('nationality') or '?'}) since {holder['since']}"
        lines.append(f"{office.label}: {shown}")
    for status in organisation.statuses.all():
        entries = document[status.plural]
        lines.append(f"{status.label_plural[:1].upper()}{status.label_plural[1:]} ({len(entries)}):")
        lines.extend(
            f"  {e['iso3'] or '---'}  {e['name']:<28} since {e['since']:<10}  confidence {e['confidence']:.2f}"
            + ("" if e["certain"] else "  (not certain on this date)")
            for e in entries
        )
    if document["conflicts"]:
        lines.append(f"Conflicts ({len(document['conflicts'])}):")
        for conflict in document["conflicts"]:
            claims = "; ".join(
                f"{c['date']}{' ' + str(c['value']) if 'value' in c else ''} per {c['source']} ({c['confidence']})"
                for c in conflict["claims"]
            )
            lines.append(f"  {conflict['about']} — different {conflict['reason']}: {claims}")
    return "\n".join(lines)


def event_as_dict(event: Event) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "seq": event.seq,
        "kind": event.kind,
        "subject": event.subject.slug,
        "subject_iso3": event.subject.iso3,
        "payload": event.payload,
        "date": str(event.date),
        "precision": event.date_precision,
        "source": event.source.key,
        "locator": event.locator,
        "confidence": event.confidence,
        "recorded_at": event.recorded_at.isoformat(),
        "recorded_by": event.recorded_by,
        "corrects": str(event.corrects_id) if event.corrects_id else None,
        "retracts": str(event.retracts_id) if event.retracts_id else None,
    }


def event_as_line(event: Event) -> str:
    payload = " ".join(f"{k}={v}" for k, v in event.payload.items())
    amends = ""
    if event.corrects_id:
        amends = f"  [corrects #{event.corrects.seq}]"
    elif event.retracts_id:
        amends = f"  [retracts #{event.retracts.seq}]"
    return (
        f"{str(event.date):<10}  {event.kind:<20} {event.subject.name:<26} {payload:<40} "
        f"conf {event.confidence:.2f}  {event.source.key}{amends}"
    )
