"""Small builders for tests: a toy organisation with its vocabulary, entities, sources and events."""
from __future__ import annotations

from events import store
from events.models import Entity, MeetingType, Office, Organisation, Source, Status


def organisation(slug: str = "sco") -> Organisation:
    org, created = Organisation.objects.get_or_create(slug=slug, defaults={"name": f"{slug.upper()} organisation", "short_name": slug.upper()})
    if created:
        for order, (status, plural, label) in enumerate(
            [("member", "members", "member"), ("observer", "observers", "observer"),
             ("dialogue_partner", "dialogue_partners", "dialogue partner"), ("partner", "partners", "partner")]
        ):
            Status.objects.create(organisation=org, slug=status, plural=plural, label=label, label_plural=plural.replace("_", " "), order=order)
        Office.objects.create(organisation=org, slug="chair", key="chair", label="Chair", holder="state", order=0)
        Office.objects.create(organisation=org, slug="secretary_general", key="secretary_general", label="Secretary-General", holder="person", order=1)
        MeetingType.objects.create(organisation=org, slug="heads_of_state", label="Council of Heads of State")
    return org


def state(slug: str, iso3: str, name: str | None = None) -> Entity:
    entity, _ = Entity.objects.get_or_create(slug=slug, defaults={"type": "state", "iso3": iso3, "name": name or slug.title()})
    return entity


def entity(slug: str, type: str, name: str | None = None, country: Entity | None = None) -> Entity:
    found, _ = Entity.objects.get_or_create(slug=slug, defaults={"type": type, "name": name or slug.replace("-", " ").title(), "country": country})
    return found


def source(key: str = "test-source", reliability: float = 0.9, **fields) -> Source:
    found, _ = Source.objects.get_or_create(key=key, defaults={"title": f"Source {key}", "kind": "reference", "reliability": reliability, **fields})
    return found


def membership(subject: Entity, status: str | None, date: str, confidence: float = 0.9, org: Organisation | None = None, src: Source | None = None, **extra):
    return store.append(
        organisation=org or organisation(), kind="membership.status", subject=subject,
        payload={"status": status, **extra.pop("payload", {})}, date=date, source=src or source(),
        confidence=confidence, recorded_by=extra.pop("recorded_by", "tester"), **extra,
    )


def office(holder: Entity, office_slug: str, date: str, confidence: float = 0.9, org: Organisation | None = None, **extra):
    return store.append(
        organisation=org or organisation(), kind="office.assumed", subject=holder, payload={"office": office_slug},
        date=date, source=extra.pop("src", None) or source(), confidence=confidence,
        recorded_by=extra.pop("recorded_by", "tester"), **extra,
    )
