"""The changes feed's entries: each derived change's sentence, who moved, and the events behind it."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode
from uuid import NAMESPACE_URL, uuid5

from django.http import HttpRequest

from events.domain import changes
from events.queries import feeds as page_reads

from .documents import EPOCH, Entry, Link
from .entries import PageUrls, path_of


class ChangeEntries:
    """Entries for derived changes, with what they need loaded once: names, labels, the events behind."""

    def __init__(self, found: list[changes.Change], request: HttpRequest, urls: PageUrls):
        self.found = found
        self.request = request
        self.urls = urls
        self.events = page_reads.event_stamps({i for change in found for i in change.event_ids})
        self.names = page_reads.entity_names(
            {s for change in found for t in change.transitions for s in (t.holder, t.previous_holder) if s}
        )
        organisations = {change.organisation for change in found}
        self.slugs = page_reads.organisation_slugs(organisations)
        self.roles = page_reads.role_labels(organisations)

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
            updated=max((event.recorded_at for event in behind), default=EPOCH),
            content=f"<p>{escape(change.since.display())}: {escape(said)}.</p><ul>{items}</ul>",
            authors=tuple(dict.fromkeys(event.recorded_by for event in behind)),
            categories=((change.family, change.family),),
            links=tuple(Link(self.urls.event(event.id), "related", "text/html", f"event {event.seq}") for event in behind),
        )

    def _transition(self, transition: changes.Transition) -> str:
        name = self.names.get(transition.holder, transition.holder)
        events = ", ".join(
            f'<a href="{escape(self.urls.event(i))}">event {self.events[i].seq}</a>'
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

