"""/api/periods/: each slot's periods from the projection, as JSON and CSV; with `at`, the state on a date."""
import csv
import io
from datetime import date

import pytest

from events import queries
from events.documents import state_document
from events.models import Organisation
from tests import builders


@pytest.fixture
def world(db):
    builders.organisation()
    india = builders.state("india", "IND", "India")
    china = builders.state("china", "CHN", "China")
    builders.membership(china, "member", "1996-04-26")
    builders.membership(india, "observer", "2005-07-05")
    builders.membership(india, "observer", "2013-01-01")  # a confirmation: the same period
    builders.membership(india, "member", "2017-06")
    builders.office(china, "chair", "2017-06-09")
    return india


def test_periods_merge_confirmations_and_end_where_the_next_value_starts(client, world):
    answer = client.get("/api/periods/").json()
    india = [(p["value"], p["start"], p["end"], p["since"]) for p in answer["periods"] if p["slot"] == "india"]
    assert india == [("observer", "2005-07-05", "2017-06-01", "2005-07-05"), ("member", "2017-06-01", None, "2017-06")]
    chair = next(p for p in answer["periods"] if p["family"] == "office")
    assert (chair["slot"], chair["holder"], chair["iso3"], chair["end"]) == ("chair", "china", "CHN", None)
    observer = next(p for p in answer["periods"] if p["slot"] == "india")
    assert len(observer["events"]) == 2 and observer["certain"] is None


def test_periods_on_a_day_are_the_state_on_that_day(client, world):
    answer = client.get("/api/periods/", {"at": "2017-06-10"}).json()
    sco = Organisation.objects.get(slug="sco")
    document = state_document(sco, queries.state_at(sco, date(2017, 6, 10)))
    members = sorted(p["holder"] for p in answer["periods"] if p["value"] == "member")
    assert members == sorted(m["slug"] for m in document["members"])
    india = next(p for p in answer["periods"] if p["holder"] == "india")
    assert india["certain"] is False and india["events"] == document["members"][1]["events"]


def test_periods_as_csv_have_one_row_each_with_the_same_columns(client, world):
    answer = client.get("/api/periods/", {"format": "csv", "at": "2017-06-10"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert {(r["holder"], r["value"], r["certain"]) for r in rows} == {
        ("china", "member", "true"), ("india", "member", "false"), ("china", "china", "true"),
    }
    assert len(next(r for r in rows if r["value"] == "member" and r["holder"] == "india")["events"].split()) == 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_periods_refuse_a_bad_date_with_400_naming_it(client, world, fmt):
    answer = client.get("/api/periods/", {"at": "2017-02-30", "format": fmt})
    assert answer.status_code == 400 and "not a date on the calendar" in answer.content.decode()


def test_periods_as_known_at_a_moment_before_the_log_are_none(client, world):
    answer = client.get("/api/periods/", {"known_at": "2000-01-01"}).json()
    assert answer["periods"] == [] and answer["known_at"].startswith("2000-01-01")


def test_periods_in_an_unknown_format_are_a_400_naming_the_formats(client, world):
    answer = client.get("/api/periods/", {"format": "xml"})
    assert answer.status_code == 400 and answer.json()["errors"] == {"format": ["'xml' is not a format here (json, csv)"]}


def test_the_api_root_links_the_periods(client, db):
    assert client.get("/api/").json()["periods"] == "http://testserver/api/periods/"
