"""The kind registry drives everything kind-specific: a kind registered only here, whose slot is named
by a payload field, is projected as replay answers and shows in the state document, the API and the
changes feed, with no other module touched."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from events import queries, store
from events.documents import state_document_at
from events.domain.kinds import (
    KINDS,
    EntityType,
    Family,
    FieldType,
    Kind,
    PayloadField,
    Slot,
    payload_field,
    the_subject,
)
from events.models import Event
from tests import builders
from tests.feeds.subscriber import read

HEAD = Family("head", value_is_role=False, plural="heads", taken=("{who} becomes head of {role}", "{who} become heads of {role}"))
BODY_HEADED = Kind(
    "body.headed",
    "body headed",
    frozenset({EntityType.PERSON}),
    (PayloadField("body", FieldType.TEXT),),
    slot=Slot(HEAD, name=payload_field("body"), value=the_subject),
    phrase="{subject} heads {body}",
)


@pytest.fixture
def heads(monkeypatch):
    """The kind registered for this test only; two people head one body in turn (2010, then 2015)."""
    monkeypatch.setitem(KINDS, BODY_HEADED.name, BODY_HEADED)
    organisation = builders.organisation()
    first, second = (builders.entity(slug, "person", name) for slug, name in (("first", "Ann First"), ("second", "Bo Second")))
    for person, day in ((first, "2010-03-01"), (second, "2015-05-01")):
        store.append(organisation=organisation, kind=BODY_HEADED.name, subject=person, payload={"body": "rats"},
                     date=day, source=builders.source(), confidence=0.9, recorded_by="tester")
    return organisation


def comparable(state):
    return sorted((s.slot, s.value, s.holder, str(s.since), s.certain, tuple(str(e.id) for e in s.events)) for s in state.standings)


@pytest.mark.django_db
def test_a_payload_keyed_slot_is_projected_as_replay_answers(heads):
    for offset in range(0, 9 * 365, 61):
        at = date(2009, 1, 1) + timedelta(days=offset)
        assert comparable(queries.state_at(heads, at)) == comparable(queries.replayed_state_at(heads, at)), at
    standing = queries.state_at(heads, date(2012, 1, 1)).standings
    assert [(s.slot, s.holder) for s in standing] == [(("head", "rats"), "first")]


@pytest.mark.django_db
def test_a_correction_moving_the_slot_refreshes_both_slots(heads):
    second = store_event("second")
    store.correct(event=second, payload={"body": "secretariat"}, recorded_by="tester", note="another body")
    at = date(2016, 1, 1)
    assert comparable(queries.state_at(heads, at)) == comparable(queries.replayed_state_at(heads, at))
    assert sorted((s.slot[1], s.holder) for s in queries.state_at(heads, at).standings) == [("rats", "first"), ("secretariat", "second")]


def store_event(subject: str) -> Event:
    return Event.objects.with_relations().get(kind=BODY_HEADED.name, subject__slug=subject)


@pytest.mark.django_db
def test_the_state_document_and_the_api_list_the_family_under_its_plural(client, heads):
    document = state_document_at(heads, date(2012, 1, 1))
    assert [(head["slot"], head["slug"], head["nationality"], head["since"]) for head in document["heads"]] == [
        ("rats", "first", None, "2010-03-01")
    ]
    assert document["members"] == [] and document["chair"] is None
    answer = client.get("/api/state/?at=2016-01-01").json()
    assert [(head["slot"], head["name"]) for head in answer["heads"]] == [("rats", "Bo Second")]
    diff = client.get("/api/state/diff/?from=2012-01-01&to=2016-01-01").json()
    assert [(d["slot"], d["from"]["slug"], d["to"]["slug"]) for d in diff["heads"]] == [("rats", "first", "second")]


@pytest.mark.django_db
def test_the_changes_feed_says_who_took_the_slot(client, heads):
    _, feed = read(client, "/feeds/changes.atom")
    titles = [entry.title for entry in feed.entries]
    assert titles == ["1 May 2015: Bo Second becomes head of rats", "1 March 2010: Ann First becomes head of rats"]
