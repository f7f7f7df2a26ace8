"""The state on a date as plain JSON-ready data: the shape the CLI, the API and the pages share."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from . import queries
from .models import Entity, Organisation
from .queries import Holder
from .replay import Conflict, EventRecord, Standing, State


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
