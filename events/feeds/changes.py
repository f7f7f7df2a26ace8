"""The changes feed's entries: each derived change's sentence, who moved, and the events behind it.

The entry's body is templates/feeds/change_entry.html, given texts and autoescaped.
"""
from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode
from uuid import NAMESPACE_URL, uuid5

from django.http import HttpRequest
from django.template.loader import get_template

from events.domain import changes
from events.queries import feeds as page_reads

from .documents import EPOCH, Entry, Link
from .entries import PageUrls, path_of


class Moved(NamedTuple):
    """One holder a change moves, as its entry's body lists it."""

    url: str  # the holder's page
    name: str
    was: str  # the holder or role before, "" when none
    events: list[Link]  # the events behind the move


class ChangeEntries:
    """Entries for derived changes, with what they need loaded once: names, labels, the events behind."""

    def __init__(self, found: list[changes.Change], request: HttpRequest, urls: PageUrls):
        self.found = found
        self.request = request
        self.urls = urls
        self.events = page_reads.event_stamps({seq for change in found for seq in change.events})
        self.names = page_reads.entity_names(
            {s for change in found for t in change.transitions for s in (t.holder, t.previous_holder) if s}
        )
        organisations = {change.organisation for change in found}
        self.slugs = page_reads.organisation_slugs(organisations)
        self.roles = page_reads.role_labels(organisations)
        self.template = get_template("feeds/change_entry.html")

    def entries(self) -> list[Entry]:
        return [self.entry(change) for change in self.found if change.events]

    def entry(self, change: changes.Change) -> Entry:
        said = changes.sentence(change, self.names, self.roles)
        behind = [self.events[seq] for seq in change.events if seq in self.events]
        organisation = self.slugs.get(change.organisation, "")
        at = f"{path_of('events:state')}?{urlencode({'org': organisation, 'at': change.since.latest.isoformat()})}"
        return Entry(
            id=f"urn:uuid:{uuid5(NAMESPACE_URL, f'scotimeline:change:{organisation}:{change.key}')}",
            title=f"{change.since.display()}: {said}",
            link=self.request.build_absolute_uri(at),
            updated=max((event.recorded_at for event in behind), default=EPOCH),
            content=self.template.render(
                {"since": change.since.display(), "said": said, "holders": [self._moved(t) for t in change.transitions]}
            ),
            authors=tuple(dict.fromkeys(event.recorded_by for event in behind)),
            categories=((change.family, change.family),),
            links=tuple(self._link(event) for event in behind),
        )

    def _moved(self, transition: changes.Transition) -> Moved:
        was = ""
        if transition.previous_holder and transition.previous_holder != transition.holder:
            was = self.names.get(transition.previous_holder, transition.previous_holder)
        elif transition.previous:
            label = self.roles.get((transition.organisation, transition.family, transition.previous))
            was = label.one if label else transition.previous
        return Moved(
            url=self.urls.entity(transition.holder),
            name=self.names.get(transition.holder, transition.holder),
            was=was,
            events=[self._link(self.events[seq]) for seq in transition.events if seq in self.events],
        )

    def _link(self, event: page_reads.EventStamp) -> Link:
        return Link(self.urls.event(event.id), "related", "text/html", f"event {event.seq}")
