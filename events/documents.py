"""The documents the CLI, the API, the pages and the feeds render: the state on a date, what changed
between two dates, an event; as JSON-ready data, and as text for the command line.

Which lists a state or a diff holds comes from the kind registry's slot families and the
organisation's declared roles, never from a family's name: a family whose roles are a vocabulary
(membership: statuses; office: offices) gets one key per role, any other one list under its plural.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from . import queries, records
from .domain import replay
from .domain.diffs import Change, Movement
from .domain.kinds import Family, families
from .domain.replay import Conflict, EventRecord, Standing, State
from .models import Entity, Event, Organisation
from .queries import Holder, Role
from .records import EntityRef, EventRow


def state_document_at(organisation: Organisation, at: date, known_at: datetime | None = None) -> dict[str, Any]:
    """The state document for `at` as believed at `known_at`: the CLI's, the API's and the state page's."""
    return state_document(organisation, *queries.projected_state_at(organisation, at, known_at))


def state_document(organisation: Organisation, state: State, holders: Mapping[str, Holder] | None = None) -> dict[str, Any]:
    """Per slot family: one list per declared status (keyed by its plural) or one entry per declared
    office (keyed by its key), or for a family without a vocabulary one list under its plural; then the conflicts."""
    entities = queries.holders_of({s.holder for s in state.standings}) if holders is None else holders
    document: dict[str, Any] = {
        "at": state.at.isoformat(),
        "known_at": state.known_at.isoformat() if state.known_at else None,
        "organisation": organisation.slug,
    }
    declared = queries.roles(organisation)
    for family in families():
        standings = [s for s in state.standings if s.slot[0] == family.name]
        roles = declared.get(family.roles) if family.roles else None
        if roles is None:
            ordered = sorted(standings, key=lambda s: (s.slot[1], entities[s.holder].name))
            document[family.plural] = [{"slot": s.slot[1], **standing_entry(s, entities[s.holder])} for s in ordered]
        elif family.value_is_role:
            for role in roles:
                holding = sorted((s for s in standings if s.value == role.slug), key=lambda s: entities[s.holder].name)
                document[role.key] = [standing_entry(s, entities[s.holder]) for s in holding]
        else:
            for role in roles:
                standing = next((s for s in standings if s.slot[1] == role.slug), None)
                document[role.key] = standing_entry(standing, entities[standing.holder]) if standing else None
    document["conflicts"] = [conflict_entry(c) for c in state.conflicts]
    return document


def identity(holder: Holder | None) -> dict[str, Any]:
    """How documents name an entity: slug and name, and a state's ISO3 or a person's nationality (ISO3)."""
    if holder is None:
        return {}
    named: dict[str, Any] = {"slug": holder.slug, "name": holder.name}
    if holder.type == Entity.Type.STATE:
        named["iso3"] = holder.iso3
    elif holder.type == Entity.Type.PERSON:
        named["nationality"] = holder.nationality
    return named


def standing_entry(standing: Standing, holder: Holder) -> dict[str, Any]:
    """Who holds the slot (or has the status), since when, how sure, and the events and sources behind it."""
    return {
        **identity(holder),
        "since": str(standing.since),
        "certain": standing.certain,
        "confidence": standing.confidence,
        "events": [str(e.id) for e in standing.events],
        "sources": sorted({e.source for e in standing.events}),
    }


def conflict_entry(conflict: Conflict) -> dict[str, Any]:
    return {
        "about": f"{conflict.key[0]}: {conflict.key[1]}",
        "reason": conflict.reason,
        "claims": [_claim(e) for e in conflict.events],
    }


def _claim(record: EventRecord) -> dict[str, Any]:
    claim = {"event": str(record.id), "date": str(record.date), "source": record.source, "confidence": record.confidence}
    value = replay.value_of(record)
    if value is not None:
        claim["value"] = value
    return claim


def diff_document(organisation: Organisation, before_at: date, after_at: date, known_at, changes: list[Change]) -> dict[str, Any]:
    """Who joined, left or changed a role that is a value (a status), and which roles that are slots (an
    office) changed hands, each with its causes; a family without a vocabulary lists its slots' changes."""
    holders = queries.holders_of({s.holder for change in changes for s in (change.before, change.after) if s is not None})
    declared = queries.roles(organisation)
    document: dict[str, Any] = {
        "organisation": organisation.slug,
        "from": before_at.isoformat(),
        "to": after_at.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        **{movement.value: [] for movement in Movement},
    }
    for family in families():
        if not family.value_is_role or not family.roles:
            document[family.plural] = []
    for change in changes:
        family = next((f for f in families() if f.name == change.family), None)
        if family is None:
            continue
        if family.value_is_role and family.roles:
            holder = holders[(change.after or change.before).holder]
            document[change.movement.value].append(
                {**_named(holder), "from": change.value_before, "to": change.value_after, **_cause_fields(change)}
            )
        else:
            document[family.plural].append(
                {**_slot_role(family, change.slot[1], declared), "from": _holder_of(change.before, holders),
                 "to": _holder_of(change.after, holders), **_cause_fields(change)}
            )
    return document


def _named(holder: Holder) -> dict[str, Any]:
    return {"slug": holder.slug, "iso3": holder.iso3, "name": holder.name}


def _slot_role(family: Family, slot: str, declared: Mapping) -> dict[str, Any]:
    """An office as a diff names it: its key and label (the slot's name, for a family without a vocabulary)."""
    if not family.roles:
        return {"slot": slot}
    role: Role | None = next((r for r in declared.get(family.roles, ()) if r.slug == slot), None)
    return {"office": role.key if role else slot, "label": role.label if role else slot}


def _holder_of(standing: Standing | None, holders: Mapping[str, Holder]) -> dict[str, Any] | None:
    return identity(holders[standing.holder]) if standing is not None else None


def _cause_fields(change: Change) -> dict[str, Any]:
    standing = change.after or change.before
    return {
        "since": str(standing.since),
        "certain": standing.certain,
        "events": [_cause(record) for record in change.causes],
    }


def _cause(record: EventRecord) -> dict[str, Any]:
    return {
        "id": str(record.id), "kind": record.kind, "date": str(record.date),
        "source": record.source, "confidence": record.confidence,
    }


# The event document of the API: every field as documents show it (records.shown), the references
# named, the date in its four forms, and the events that correct or retract it.
_NOT_PUBLISHED = ("seed_key",)  # the curated dataset's own bookkeeping


def event_document(row: EventRow, url: str, amendments: Mapping[str, list[UUID]]) -> dict[str, Any]:
    record = row.record
    document = {"id": str(record.id), "url": url, **records.shown(record, omit=_NOT_PUBLISHED)}
    document.update(
        subject=dict(zip(EntityRef._fields, row.subject)),
        source={"key": row.source.key, "title": row.source.title},
        date_earliest=record.date.earliest.isoformat(),
        date_latest=record.date.latest.isoformat(),
        date_precision=record.date.precision.value,
        corrected_by=[str(i) for i in amendments["corrected_by"]],
        retracted_by=[str(i) for i in amendments["retracted_by"]],
    )
    return document


def event_as_dict(event: Event) -> dict[str, Any]:
    """One line of `timeline --format json`: the event as documents show it, its subject's ISO3, the date's precision."""
    record = records.from_instance(event)
    return {
        **records.shown(record, omit=("organisation", "note", "seed_key")),
        "subject_iso3": event.subject.iso3,
        "precision": record.date.precision.value,
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


def state_as_text(organisation: Organisation, document: dict[str, Any]) -> str:
    known = f" (as known at {document['known_at']})" if document["known_at"] else ""
    lines = [f"{organisation.name} on {document['at']}{known}"]
    declared = queries.roles(organisation)
    listed = [(f, declared.get(f.roles) if f.roles else None) for f in families()]
    for family, roles in listed:
        for role in roles if roles is not None and not family.value_is_role else ():
            holder = document[role.key]
            lines.append(f"{role.label}: {_holder_line(holder) if holder else 'none recorded'}")
    for family, roles in listed:
        if roles is not None and family.value_is_role:
            for role in roles:
                lines += _entry_lines(role.label_plural, document[role.key], lambda e: e.get("iso3") or "---")
        elif roles is None:
            lines += _entry_lines(family.plural.replace("_", " "), document[family.plural], lambda e: e["slot"])
    if document["conflicts"]:
        lines.append(f"Conflicts ({len(document['conflicts'])}):")
        for conflict in document["conflicts"]:
            claims = "; ".join(
                f"{c['date']}{' ' + str(c['value']) if 'value' in c else ''} per {c['source']} ({c['confidence']})"
                for c in conflict["claims"]
            )
            lines.append(f"  {conflict['about']} — different {conflict['reason']}: {claims}")
    return "\n".join(lines)


def _holder_line(holder: dict[str, Any]) -> str:
    return f"{holder['name']} ({holder.get('iso3') or holder.get('nationality') or '?'}) since {holder['since']}"


def _entry_lines(title: str, entries: Iterable[dict[str, Any]], tag) -> list[str]:
    entries = list(entries)
    lines = [f"{title[:1].upper()}{title[1:]} ({len(entries)}):"]
    lines.extend(
        f"  {tag(e)}  {e['name']:<28} since {e['since']:<10}  confidence {e['confidence']:.2f}"
        + ("" if e["certain"] else "  (not certain on this date)")
        for e in entries
    )
    return lines
