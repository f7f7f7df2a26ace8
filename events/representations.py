"""The state on a date as plain JSON-ready data: the shape the CLI, the API and the pages share."""
from __future__ import annotations

from typing import Any

from .models import Entity, Organisation
from .queries import Holder, holders_of
from .replay import Conflict, EventRecord, Standing, State


def state_document(organisation: Organisation, state: State) -> dict[str, Any]:
    """One list per declared status (keyed by its plural), one entry per declared office, the conflicts."""
    entities = holders_of(state)
    document: dict[str, Any] = {
        "at": state.at.isoformat(),
        "known_at": state.known_at.isoformat() if state.known_at else None,
        "organisation": organisation.slug,
    }
    for status in organisation.statuses.all():
        members = sorted(state.with_value("membership", status.slug), key=lambda s: entities[s.holder].name)
        document[status.plural] = [_status_entry(s, entities[s.holder]) for s in members]
    for office in organisation.offices.all():
        standing = state.office(office.slug)
        document[office.key] = _office_entry(standing, entities[standing.holder]) if standing else None
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
