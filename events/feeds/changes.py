"""The changes feed's entries: each derived change's sentence, who moved, and the events behind it."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode
from uuid import NAMESPACE_URL, uuid5

from django.http import HttpRequest

from events.domain import changes
from events.domain.kinds import indefinite
from events.models import Entity, Event, Office, Organisation, Status

from .documents import EPOCH, Entry, Link
from .entries import PageUrls, path_of


class ChangeEntries:
    """Entries for derived changes, with what they need loaded once: names, labels, the events behind."""

    def __init__(self, found: list[changes.Change], request: HttpRequest, urls: PageUrls):
        self.found = found
        self.request = request
        self.urls = urls
        ids = {i for change in found for i in change.event_ids}
        self.events = {
            str(row[0]): row for row in Event.objects.filter(id__in=ids).values_list("id", "seq", "recorded_at", "recorded_by")
        }
        slugs = {s for change in found for t in change.transitions for s in (t.holder, t.previous_holder) if s}
        self.names = dict(Entity.objects.filter(slug__in=slugs).values_list("slug", "name"))
        organisations = {change.organisation for change in found}
        self.slugs = dict(Organisation.objects.filter(id__in=organisations).values_list("id", "slug"))
        self.roles = _role_labels(organisations)

    def entries(self) -> list[Entry]:
        return [self.entry(change) for change in self.found if change.event_ids]

    def entry(self, change: changes.Change) -> Entry:
        said = changes.sentence(change, self.names, self.roles)
        behind = [self.events[i] for i in change.event_ids if i in self.events]
        organisation = self.slugs.get(change.organisation, "")
        at = f"{path_of('events:state')}?{urlencode({'org': organisation, 'at': change.since.latest.isoformat()})}"
        items = "".join(self._transition(t) for t in change.transitions)
        return Entry(
            id=f"urn:uuid:{uuid5(NAMESPACE_URL, f'scotimeline:change:{organisation}:{change.key}')}",
            title=f"{change.since.display()}: {said}",
            link=self.request.build_absolute_uri(at),
            updated=max((row[2] for row in behind), default=EPOCH),
            content=f"<p>{escape(change.since.display())}: {escape(said)}.</p><ul>{items}</ul>",
            authors=tuple(dict.fromkeys(row[3] for row in behind)),
            categories=((change.family, change.family),),
            links=tuple(Link(self.urls.event(row[0]), "related", "text/html", f"event {row[1]}") for row in behind),
        )

    def _transition(self, transition: changes.Transition) -> str:
        name = self.names.get(transition.holder, transition.holder)
        events = ", ".join(
            f'<a href="{escape(self.urls.event(i))}">event {self.events[i][1]}</a>'
            for i in transition.event_ids
            if i in self.events
        )
        was = ""
        if transition.previous_holder and transition.previous_holder != transition.holder:
            was = self.names.get(transition.previous_holder, transition.previous_holder)
        elif transition.previous:
            label = self.roles.get((transition.organisation, transition.family, transition.previous))
            was = label.one if label else transition.previous
        was = f" (previously {escape(was)})" if was else ""
        entity = escape(self.urls.entity(transition.holder))
        return f'<li><a href="{entity}">{escape(name)}</a>{was}; from {events}</li>'


def _role_labels(organisations: set[int]) -> dict[tuple[int, str, str], changes.RoleLabel]:
    """What each family's roles are called: membership takes a status ("a member", "members"), office an office."""
    roles = {
        (org, "membership", slug): changes.RoleLabel(indefinite(label), plural)
        for org, slug, label, plural in Status.objects.filter(organisation_id__in=organisations).values_list(
            "organisation_id", "slug", "label", "label_plural"
        )
    }
    roles.update(
        ((org, "office", slug), changes.RoleLabel(label, label))
        for org, slug, label in Office.objects.filter(organisation_id__in=organisations).values_list("organisation_id", "slug", "label")
    )
    return roles
