"""Derived changes: the replayed state's changes as sentences, grouped, agreeing with the pure replay."""
from __future__ import annotations

import pytest

from events import records, store
from events.domain import replay
from events.domain.changes import Change, RoleLabel, Transition, group, sentence
from events.domain.dates import PartialDate
from events.models import Event, Organisation, SlotInterval
from events.queries.feeds import _transitions, recent_changes
from tests import builders
from tests.feeds.subscriber import moment, read

NAMES = {"india": "India", "pakistan": "Pakistan", "iran": "Iran", "alimov": "Rashid Alimov", "norov": "Vladimir Norov"}
ROLES = {
    (1, "membership", "member"): RoleLabel("a member", "members"),
    (1, "membership", "observer"): RoleLabel("an observer", "observers"),
    (1, "office", "secretary_general"): RoleLabel("Secretary-General", "Secretary-General"),
}


def _t(name, since, value, previous=None, family="membership", holder=None, previous_holder=None, seqs=(1,)):
    return Transition(
        organisation=1, family=family, name=name, since=PartialDate.parse(since), value=value,
        holder=holder or name, previous=previous, previous_holder=previous_holder or (None if family == "office" else name),
        events=seqs,
    )


def _said(transitions) -> list[str]:
    return [f"{c.since.display()}: {sentence(c, NAMES, ROLES)}" for c in group(transitions)]


def test_states_taking_the_same_status_on_the_same_date_are_one_change():
    said = _said([_t("india", "2017-06-09", "member", "observer"), _t("pakistan", "2017-06-09", "member", "observer")])

    assert said == ["9 June 2017: India and Pakistan become members"]


def test_different_statuses_or_dates_are_different_changes_newest_first():
    said = _said([
        _t("india", "2005-07-05", "observer"),
        _t("pakistan", "2005-07-05", "observer"),
        _t("iran", "2005-07-05", "member"),
        _t("india", "2017-06-09", "member", "observer"),
    ])

    assert said == [
        "9 June 2017: India becomes a member",
        "5 July 2005: Iran becomes a member",  # one date: by family, then role
        "5 July 2005: India and Pakistan become observers",
    ]


def test_a_new_office_holder_succeeds_the_previous_one():
    said = _said([
        _t("secretary_general", "2019-01-01", "norov", "alimov", family="office", holder="norov", previous_holder="alimov"),
        _t("secretary_general", "2016-01-01", "alimov", family="office", holder="alimov"),
    ])

    assert said == [
        "1 January 2019: Vladimir Norov succeeds Rashid Alimov as Secretary-General",
        "1 January 2016: Rashid Alimov becomes Secretary-General",
    ]


def test_leaving_reads_as_ceasing_to_be_what_it_was():
    said = _said([_t("india", "2020", None, "member"), _t("iran", "2020", None, "member"), _t("pakistan", "2020", None, "observer")])

    assert said == ["2020: India and Iran cease to be members", "2020: Pakistan ceases to be an observer"]


def test_undeclared_labels_fall_back_to_the_slug():
    change = Change(2, "membership", PartialDate.parse("2001"), "founding_member", None, (_t("china", "2001", "founding_member"),))

    assert sentence(change, {}, {}) == "china becomes founding member"


def test_a_change_key_is_stable_and_ignores_who_is_in_it():
    one = group([_t("india", "2017-06-09", "member")])[0]
    two = group([_t("india", "2017-06-09", "member"), _t("pakistan", "2017-06-09", "member")])[0]

    assert one.key == two.key


# Through the database and the feed.



def _sco_history():
    india, pakistan = builders.state("india", "IND", "India"), builders.state("pakistan", "PAK", "Pakistan")
    alimov = builders.entity("rashid-alimov", "person", "Rashid Alimov")
    norov = builders.entity("vladimir-norov", "person", "Vladimir Norov")
    events = {
        "india-observer": builders.membership(india, "observer", "2005-07"),
        "india": builders.membership(india, "member", "2017-06-09"),
        "pakistan": builders.membership(pakistan, "member", "2017-06-09"),
        "pakistan-again": builders.membership(pakistan, "member", "2017-06", payload={"observed": True}),
        "alimov": builders.office(alimov, "secretary_general", "2016-01-01"),
        "norov": builders.office(norov, "secretary_general", "2019-01-01", recorded_by="editor"),
    }
    return events


@pytest.mark.django_db
def test_changes_feed_reads_like_the_history(client):
    events = _sco_history()

    _, feed = read(client, "/feeds/changes.atom")

    assert [e.title for e in feed.entries] == [
        "1 January 2019: Vladimir Norov succeeds Rashid Alimov as Secretary-General",
        "9 June 2017: India and Pakistan become members",
        "1 January 2016: Rashid Alimov becomes Secretary-General",
        "July 2005: India becomes an observer",
    ]
    norov = feed.entries[0]
    assert norov.author == "editor"
    assert moment(norov.updated) == events["norov"].recorded_at
    assert norov.link == "http://testserver/state/?org=sco&at=2019-01-01"
    assert [l.href for l in norov.links if l.rel == "related"] == [f"http://testserver/events/{events['norov'].id}/"]
    assert "Vladimir Norov</a> (previously Rashid Alimov)" in norov.content[0].value
    members = feed.entries[1]
    related = {l.href for l in members.links if l.rel == "related"}
    assert {f"http://testserver/events/{events[k].id}/" for k in ("india", "pakistan", "pakistan-again")} == related
    assert "India</a> (previously an observer)" in members.content[0].value
    assert moment(feed.feed.updated) == events["norov"].recorded_at


@pytest.mark.django_db
def test_a_change_keeps_its_id_when_another_state_joins_it(client):
    india = builders.state("india", "IND", "India")
    builders.membership(india, "member", "2017-06-09")
    _, before = read(client, "/feeds/changes.atom")

    later = builders.membership(builders.state("pakistan", "PAK", "Pakistan"), "member", "2017-06-09")
    _, after = read(client, "/feeds/changes.atom")

    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert after.entries[0].title == "9 June 2017: India and Pakistan become members"
    assert moment(after.entries[0].updated) == later.recorded_at


@pytest.mark.django_db
def test_corrections_and_retractions_reshape_the_changes(client):
    india = builders.state("india", "IND", "India")
    joined = builders.membership(india, "member", "2017-06")
    wrong = builders.membership(india, "observer", "2019-01-01")

    store.correct(event=joined, recorded_by="editor", note="day known", date="2017-06-09")
    store.retract(event=wrong, reason="never happened", recorded_by="editor")
    _, feed = read(client, "/feeds/changes.atom")

    assert [e.title for e in feed.entries] == ["9 June 2017: India becomes a member"]


@pytest.mark.django_db
def test_limit_keeps_the_newest_whole_changes(client):
    _sco_history()

    _, feed = read(client, "/feeds/changes.atom?limit=2")

    assert [e.title for e in feed.entries] == [
        "1 January 2019: Vladimir Norov succeeds Rashid Alimov as Secretary-General",
        "9 June 2017: India and Pakistan become members",
    ]


@pytest.mark.django_db
def test_organisation_parameter_keeps_one_organisation(client):
    _sco_history()
    other = builders.organisation("csto")
    builders.membership(builders.state("armenia", "ARM", "Armenia"), "member", "2002-10-07", org=other)

    _, sco = read(client, "/feeds/changes.atom?organisation=sco")
    _, csto = read(client, "/feeds/changes.rss?organisation=csto")

    assert len(sco.entries) == 4
    assert [e.title for e in csto.entries] == ["7 October 2002: Armenia becomes a member"]


@pytest.mark.django_db
def test_changes_from_the_projection_are_the_changes_of_the_pure_replay():
    events = _sco_history()
    iran = builders.state("iran", "IRN", "Iran")
    builders.membership(iran, "observer", "2005")
    builders.membership(iran, "observer", "2005-07-05")  # a more precise account of the same change
    builders.membership(iran, "member", "2023-07-04")
    builders.membership(iran, None, "2024")
    store.retract(event=events["alimov"], reason="test", recorded_by="editor")

    projected = {
        (t.family, t.name, t.since, t.value, t.previous)
        for change in recent_changes(Organisation.objects.values_list("pk", flat=True), limit=1000)
        for t in change.transitions
    }

    expected = set()
    for_slot: dict = {}
    for interval in sorted(replay.all_slot_intervals(replay.effective_events(records.read(Event.objects.all()))), key=lambda i: i.start):
        previous = for_slot.get(interval.slot)
        if interval.standing.value != previous:
            expected.add((*interval.slot, interval.standing.since, interval.standing.value, previous))
        for_slot[interval.slot] = interval.standing.value
    assert projected == expected
    assert len(projected) == 7


@pytest.mark.django_db
def test_reading_the_projection_in_small_slices_splits_no_date():
    _sco_history()
    iran = builders.state("iran", "IRN", "Iran")
    builders.membership(iran, "member", "2017-06-09")
    builders.membership(iran, None, "2019-01-01")
    intervals = SlotInterval.objects.filter(organisation=builders.organisation())

    whole = list(_transitions(intervals, chunk=200))
    sliced = list(_transitions(intervals, chunk=2))

    assert sorted(sliced, key=repr) == sorted(whole, key=repr)
    assert [t.since for t in sliced] == sorted((t.since for t in sliced), key=lambda d: d.earliest, reverse=True)
