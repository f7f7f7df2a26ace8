"""Plain-text and JSON-line renderings of states and events for the command line."""
from __future__ import annotations

from typing import Any

from .models import Event, Organisation


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
