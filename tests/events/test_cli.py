"""The stable CLI: `state` and `timeline`, their JSON shape, and exit code 2 on bad arguments."""
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events import store
from tests import builders


@pytest.fixture
def history(db):
    org = builders.organisation()
    india = builders.state("india", "IND", "India")
    china = builders.state("china", "CHN", "China")
    uzbekistan = builders.state("uzbekistan", "UZB", "Uzbekistan")
    norov = builders.entity("vladimir-norov", "person", "Vladimir Norov", country=uzbekistan)
    builders.membership(china, "member", "1996-04-26")
    builders.membership(india, "observer", "2005-07-05")
    joined = builders.membership(india, "member", "2017-06-09")
    builders.office(china, "chair", "2017-06-09")
    builders.office(norov, "secretary_general", "2019-01-01")
    return {"org": org, "joined": joined}


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_state_json_has_the_documented_keys_and_values(history):
    document = json.loads(run("state", "--at", "2019-06-01", "--format", "json"))
    assert set(document) >= {"at", "organisation", "members", "observers", "dialogue_partners", "chair", "secretary_general", "conflicts"}
    assert [m["iso3"] for m in document["members"]] == ["CHN", "IND"]
    india = document["members"][1]
    assert set(india) >= {"iso3", "name", "since", "certain", "confidence", "events"}
    assert (india["since"], india["certain"], india["events"]) == ("2017-06-09", True, [str(history["joined"].id)])
    assert document["observers"] == []
    assert {k: document["chair"][k] for k in ("iso3", "name", "since")} == {"iso3": "CHN", "name": "China", "since": "2017-06-09"}
    assert {k: document["secretary_general"][k] for k in ("name", "nationality", "since")} == {
        "name": "Vladimir Norov", "nationality": "UZB", "since": "2019-01-01"}


def test_state_known_at_shows_what_we_believed_then(history):
    joined = history["joined"]
    store.retract(event=joined, reason="wrong", recorded_by="editor")
    before = json.loads(run("state", "--at", "2019-06-01", "--known-at", (joined.recorded_at + timedelta(microseconds=1)).isoformat(), "--format", "json"))
    now = json.loads(run("state", "--at", "2019-06-01", "--format", "json"))
    assert "IND" in [m["iso3"] for m in before["members"]]
    assert "IND" not in [m["iso3"] for m in now["members"]]
    assert [o["iso3"] for o in now["observers"]] == ["IND"]


def test_state_text_lists_members_and_offices(history):
    text = run("state", "--at", "2019-06-01")
    assert "Members (2):" in text and "India" in text and "Chair: China (CHN) since 2017-06-09" in text


@pytest.mark.parametrize("args, message", [
    (["--at", "2017-02-30"], "not a date on the calendar"),
    (["--at", "2017-06"], "give a day"),
    (["--at", "yesterday"], "is not YYYY"),
    (["--at", "2017-06-10", "--known-at", "noon"], "--known-at"),
    (["--at", "2017-06-10", "--known-at", "2017-02-30T10:00"], "--known-at: '2017-02-30T10:00' is not a moment on the calendar"),
    (["--at", "2017-06-10", "--org", "nato"], "no organisation 'nato'"),
])
def test_state_bad_arguments_exit_2_with_a_clear_message(history, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        run("state", *args)
    assert refused.value.returncode == 2


def test_timeline_of_one_entity_by_iso3_in_date_order(history):
    lines = run("timeline", "--entity", "IND").strip().splitlines()
    assert [line.split()[0] for line in lines] == ["2005-07-05", "2017-06-09"]
    rows = [json.loads(line) for line in run("timeline", "--entity", "india", "--format", "json").splitlines()]
    assert [r["payload"]["status"] for r in rows] == ["observer", "member"]


def test_timeline_unknown_entity_exits_2(history):
    with pytest.raises(CommandError, match="no entity") as refused:
        run("timeline", "--entity", "XYZ")
    assert refused.value.returncode == 2


def test_verify_log_passes_on_an_intact_chain(history):
    assert "hash chain intact" in run("verify_log")
