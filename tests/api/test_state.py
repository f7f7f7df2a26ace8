"""GET /api/state/ is the CLI's JSON; GET /api/state/diff/ says who joined, left, changed and why."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events import store
from tests import builders


def cli_state(*args: str) -> dict:
    out = StringIO()
    call_command("state", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("at", ["2000-01-01", "2005-07-15", "2017-06-09", "2024-01-01"])
def test_state_is_exactly_what_the_cli_prints(client, world, at):
    response = client.get(f"/api/state/?at={at}")
    assert response.status_code == 200
    assert response.json() == cli_state("--at", at)


def test_state_as_known_at_a_past_moment_is_what_the_cli_prints(client, world):
    known_at = world["events"]["india_observer"].recorded_at.isoformat()
    response = client.get("/api/state/", {"at": "2024-01-01", "known_at": known_at})
    assert response.json() == cli_state("--at", "2024-01-01", "--known-at", known_at)
    assert [m["slug"] for m in response.json()["observers"]] == ["india"]


def test_known_at_may_be_a_day_meaning_its_end(client, world):
    assert client.get("/api/state/?at=2024-01-01&known_at=2000-01-01").json()["members"] == []


def test_a_date_inside_a_partial_window_is_not_certain(client, world):
    observer = client.get("/api/state/?at=2005-07-15").json()["observers"][0]
    assert (observer["since"], observer["certain"]) == ("2005-07", False)


def test_state_defaults_to_today(client, world):
    assert client.get("/api/state/").json()["at"] == timezone.now().date().isoformat()


@pytest.mark.parametrize(
    "query, field",
    [("at=2017", "at"), ("at=2017-02-30", "at"), ("known_at=yesterday", "known_at"), ("org=nato", "org")],
)
def test_bad_state_parameters_are_400_naming_them(client, world, query, field):
    response = client.get(f"/api/state/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_state_costs_a_bounded_number_of_queries(client, world, django_assert_num_queries):
    for n in range(10):
        builders.membership(builders.state(f"state-{n}", f"S{n:02d}"), "dialogue_partner", "2020")
    # organisation, log head; intervals (with their holders), conflicts, the events behind them (the
    # evidence is their seqs), statuses and offices.
    with django_assert_num_queries(6):
        assert len(client.get("/api/state/?at=2024-01-01").json()["dialogue_partners"]) == 10
    with django_assert_num_queries(2):  # asked again with no append since: organisation, log head
        assert len(client.get("/api/state/?at=2024-01-01").json()["dialogue_partners"]) == 10


def test_an_append_is_seen_at_once(client, world):
    assert client.get("/api/state/?at=2024-01-01").json()["observers"] == []
    builders.membership(builders.state("iran", "IRN", "Iran"), "observer", "2005-07-05")
    assert [o["slug"] for o in client.get("/api/state/?at=2024-01-01").json()["observers"]] == ["iran"]
    diff = client.get("/api/state/diff/?from=2000-01-01&to=2024-01-01").json()
    assert "iran" in [j["slug"] for j in diff["joined"]]


class TestDiff:
    def test_who_joined_left_and_changed_with_the_events_that_caused_it(self, client, world):
        pakistan = builders.state("pakistan", "PAK", "Pakistan")
        builders.membership(pakistan, "observer", "2005-07-05")
        joined = builders.membership(pakistan, "member", "2017-06-09")
        left = builders.membership(world["china"], None, "2020-01-01")
        body = client.get("/api/state/diff/?from=2010-01-01&to=2024-01-01").json()
        assert [(c["slug"], c["from"], c["to"]) for c in body["changed"]] == [
            ("india", "observer", "member"), ("pakistan", "observer", "member"),
        ]
        assert [c["events"][0]["id"] for c in body["changed"]][1] == str(joined.id)
        assert [(c["slug"], c["from"], c["to"]) for c in body["left"]] == [("china", "member", None)]
        assert body["left"][0]["events"][0]["id"] == str(left.id)
        assert body["joined"] == []

    def test_joining_from_no_status(self, client, world):
        body = client.get("/api/state/diff/?from=2000-01-01&to=2002-01-01").json()
        assert [(c["slug"], c["from"], c["to"], c["since"]) for c in body["joined"]] == [
            ("china", None, "member", "2001-06-15"),
        ]
        assert body["joined"][0]["events"][0] == {
            "id": str(world["events"]["china_member"].id), "kind": "membership.status",
            "date": "2001-06-15", "source": "official", "confidence": 0.9,
        }

    def test_offices_that_changed_hands(self, client, world):
        successor = builders.entity("zhang-ming", "person", "Zhang Ming", country=world["china"])
        handover = builders.office(successor, "secretary_general", "2022-01-01")
        body = client.get("/api/state/diff/?from=2020-01-01&to=2023-01-01").json()
        assert body["offices"] == [
            {
                "office": "secretary_general", "label": "Secretary-General",
                "from": {"slug": "vladimir-norov", "name": "Vladimir Norov", "nationality": "UZB"},
                "to": {"slug": "zhang-ming", "name": "Zhang Ming", "nationality": "CHN"},
                "since": "2022-01-01", "certain": True,
                "events": [{"id": str(handover.id), "kind": "office.assumed", "date": "2022-01-01", "source": "test-source", "confidence": 0.9}],
            }
        ]

    def test_a_change_undone_in_between_is_not_a_difference(self, client, world):
        builders.membership(world["china"], "observer", "2010-01-01")
        builders.membership(world["china"], "member", "2011-01-01")
        body = client.get("/api/state/diff/?from=2009-01-01&to=2012-01-01").json()
        assert body["changed"] == body["left"] == body["joined"] == []

    def test_diff_follows_known_at(self, client, world):
        store.retract(event=world["events"]["india_member"], reason="not yet", recorded_by="tester")
        now = client.get("/api/state/diff/?from=2010-01-01&to=2024-01-01").json()
        before_retraction = client.get(
            "/api/state/diff/",
            {"from": "2010-01-01", "to": "2024-01-01", "known_at": world["events"]["summit"].recorded_at.isoformat()},
        ).json()
        assert [c["slug"] for c in now["changed"]] == []
        assert [c["slug"] for c in before_retraction["changed"]] == ["india"]

    @pytest.mark.parametrize(
        "query, field",
        [("to=2020-01-01", "from"), ("from=2020-01-01", "to"), ("from=2020-01-01&to=2010-01-01", "to"), ("from=2020&to=2021-01-01", "from")],
    )
    def test_bad_diff_parameters_are_400(self, client, world, query, field):
        response = client.get(f"/api/state/diff/?{query}")
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_a_day_as_known_at_means_its_end_in_the_api_and_the_cli_alike(client, world):
    today = timezone.now().date().isoformat()  # the day every event of the world was recorded

    response = client.get("/api/state/", {"at": "2024-01-01", "known_at": today})

    assert response.json() == cli_state("--at", "2024-01-01", "--known-at", today)
    assert response.json()["members"] != []


@pytest.mark.parametrize("query, errors", [
    ("at=2017", {"at": ["give a day, YYYY-MM-DD (not '2017')"]}),
    ("at=2017-02-30", {"at": ["'2017-2-30' is not a date on the calendar"]}),
    ("known_at=noon", {"known_at": ["'noon' is not a day (YYYY-MM-DD) or a date and time (YYYY-MM-DDThh:mm[:ss][Z|+hh:mm])"]}),
])
def test_a_refused_date_says_why_as_the_cli_does(client, world, query, errors):
    assert client.get(f"/api/state/?{query}").json()["errors"] == errors
