"""A feed is one declaration of what it lists: the head page, older and newer pages and filtered
requests all list exactly that, whichever read the engine picks for it."""
from __future__ import annotations

import pytest
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import include, path

from events import store
from events.feeds import urls  # noqa: F401  registers the feed format converter the routes use
from events.feeds.declarations import EventFeed
from events.feeds.engine import plain_lookups
from events.feeds.views import serve
from events.models import Event, Source
from tests import builders
from tests.feeds.subscriber import link, path_of, read


class SourceFeed(EventFeed):
    """Events citing one source: a filter the prepared page read does not answer (a relation, not a column)."""

    def get_object(self, key: str) -> Source:
        return get_object_or_404(Source, key=key)

    def title_for(self, source: Source) -> str:
        return f"events citing {source.title}"

    def events(self, source: Source) -> Q:
        return Q(source=source)


class RecorderFeed(EventFeed):
    """Events one editor recorded: plain field=value lookups, which the prepared page read answers."""

    def get_object(self, name: str) -> str:
        return name

    def events(self, name: str) -> Q:
        return Q(recorded_by=name)


urlpatterns = [
    path("feeds/sources/<slug:key>.<feedformat:format>", serve(SourceFeed()), name="source-feed"),
    path("feeds/recorders/<slug:name>.<feedformat:format>", serve(RecorderFeed()), name="recorder-feed"),
    path("", include("scotimeline.urls")),
]


def _log() -> None:
    """Twelve events alternating between two sources and two recorders; a correction cites the other source."""
    builders.organisation()
    states = [builders.state(slug, iso3) for slug, iso3 in (("india", "IND"), ("iran", "IRN"), ("laos", "LAO"))]
    charter, treaty = builders.source("charter"), builders.source("treaty")
    events = [
        builders.membership(states[i % 3], ("observer", "member")[i % 2], f"{2000 + i}-06", confidence=0.3 + i / 20,
                            src=(charter, treaty)[i % 2], recorded_by=("alice", "bob")[i % 2])
        for i in range(12)
    ]
    store.correct(event=events[0], recorded_by="bob", note="the day", date="2000-06-15", source=treaty)


def _walk(client, url: str) -> tuple[list[str], list[str]]:
    """The ids on the head page, and on every page after it, by following `next` (before=)."""
    _, head = read(client, url)
    older: list[str] = []
    page = head
    while link(page.feed, "next"):
        assert "before=" in link(page.feed, "next")
        _, page = read(client, path_of(link(page.feed, "next")))
        older += [e.id for e in page.entries]
    return [e.id for e in head.entries], older


def _urns(events) -> list[str]:
    return [f"urn:uuid:{e.id}" for e in events.order_by("-seq")]


def _ids(feed) -> list[str]:
    return [e.id for e in feed.entries]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("format", ["atom", "rss"])
def test_a_source_feed_lists_that_sources_events_on_every_page_and_with_filters(client, format):
    _log()
    citing_events = Event.objects.filter(source__key="charter")
    seqs = sorted(citing_events.values_list("seq", flat=True), reverse=True)
    citing = _urns(citing_events)
    assert len(citing) == 6

    head, older = _walk(client, f"/feeds/sources/charter.{format}?limit=4")
    _, whole = read(client, f"/feeds/sources/charter.{format}")
    _, filtered = read(client, f"/feeds/sources/charter.{format}?min_confidence=0")
    _, filtered_older = read(client, f"/feeds/sources/charter.{format}?min_confidence=0&limit=2&before={seqs[2]}")
    _, newer = read(client, f"/feeds/sources/charter.{format}?after={seqs[-1]}")

    assert head == citing[:4] and older == citing[4:]
    assert _ids(whole) == _ids(filtered) == citing
    assert _ids(filtered_older) == citing[3:5]
    assert _ids(newer) == citing[:-1]
    assert whole.feed.title == "scotimeline: events citing Source charter"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_feed_of_plain_lookups_lists_the_same_events_by_the_prepared_read_and_by_the_orm(client):
    _log()
    recorded = _urns(Event.objects.filter(recorded_by="bob"))
    assert len(recorded) == 7

    head, older = _walk(client, "/feeds/recorders/bob.atom?limit=3")
    _, filtered = read(client, "/feeds/recorders/bob.atom?min_confidence=0")

    assert head + older == recorded
    assert [e.id for e in filtered.entries] == recorded


@pytest.mark.parametrize(
    "events, lookups",
    [
        (Q(), {}),
        (Q(kind="membership.status"), {"kind": "membership.status"}),
        (Q(kind="office.assumed", recorded_by="alice"), {"kind": "office.assumed", "recorded_by": "alice"}),
        (Q(kind="office.assumed") & Q(organisation_id=3), {"kind": "office.assumed", "organisation_id": 3}),
    ],
)
def test_plain_field_value_lookups_on_event_columns_take_the_prepared_read(events, lookups):
    assert plain_lookups(events) == lookups


@pytest.mark.parametrize(
    "events",
    [
        Q(source=3),  # a relation, not a column's attname
        Q(subject__slug="india"),  # through a join
        Q(kind__in=["membership.status"]),  # not an equality
        ~Q(kind="retraction"),
        Q(kind="retraction") | Q(kind="membership.status"),
        Q(kind="retraction") & Q(kind="membership.status"),  # one field twice
        Q(Q(kind="retraction") | Q(recorded_by="alice")),
        Q(confidence=0.5),  # a float column
        Q(seq="12"),  # a value of another type than the column's
        Q(organisation_id=True),
        Q(payload={"status": "member"}),
        Q(corrects=None),
    ],
)
def test_any_other_filter_takes_the_orm(events):
    assert plain_lookups(events) is None
