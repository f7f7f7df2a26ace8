"""Sources, entities (with an entity's history), organisations and kinds."""
from __future__ import annotations

import pytest

from events import store
from events.models import EntityAlias
from tests import builders


def keys(response, field: str) -> list[str]:
    assert response.status_code == 200, response.content
    return [item[field] for item in response.json()["results"]]


def test_sources_are_listed_by_key_with_their_partial_publication_date(client, world):
    builders.source("charter", title="SCO Charter", publisher="SCO Secretariat", kind="official",
                    published_earliest="2002-06-01", published_latest="2002-06-30", published_precision="month")
    response = client.get("/api/sources/")
    assert keys(response, "key") == ["charter", "news", "official", "test-source"]
    assert response.json()["results"][0]["published"] == "2002-06"


@pytest.mark.parametrize("query, expected", [("kind=official", ["charter"]), ("q=secretariat", ["charter"]),
                                             ("min_reliability=0.95", ["official"]), ("kind=news&kind=official", ["charter"])])
def test_source_filters(client, world, query, expected):
    builders.source("charter", title="SCO Charter", publisher="SCO Secretariat", kind="official", reliability=0.8)
    assert keys(client.get(f"/api/sources/?{query}"), "key") == expected


def test_one_source_by_key(client, world):
    assert client.get("/api/sources/official/").json()["reliability"] == 0.95
    assert client.get("/api/sources/nowhere/").status_code == 404


@pytest.mark.parametrize("query, expected", [("type=person", ["vladimir-norov"]), ("q=chin", ["china"]),
                                             ("q=Bharat", ["india"]), ("q=ind", ["india"]), ("type=place&type=person", ["astana", "vladimir-norov"])])
def test_entity_filters_and_search_through_aliases(client, world, query, expected):
    EntityAlias.objects.create(entity=world["india"], name="Bharat")
    assert keys(client.get(f"/api/entities/?{query}"), "slug") == expected


def test_entity_list_costs_two_queries(client, world, django_assert_num_queries):
    EntityAlias.objects.create(entity=world["india"], name="Bharat")
    with django_assert_num_queries(2):  # the page with countries, then the aliases
        body = client.get("/api/entities/").json()
    assert {e["slug"]: e["aliases"] for e in body["results"]}["india"] == ["Bharat"]


def test_one_entity_by_slug_or_iso3(client, world):
    assert client.get("/api/entities/uzb/").json()["slug"] == "uzbekistan"
    assert client.get("/api/entities/vladimir-norov/").json()["country"] == "uzbekistan"
    assert client.get("/api/entities/atlantis/").status_code == 404


def test_history_lists_the_events_about_an_entity_in_valid_time_order(client, world):
    body = client.get("/api/entities/IND/history/").json()
    assert body["entity"]["slug"] == "india"
    assert [e["date"] for e in body["results"]] == ["2005-07", "2017-06-09"]


def test_history_includes_events_naming_the_entity_in_the_payload(client, world):
    document = builders.entity("astana-declaration", "document")
    store.append(organisation=world["org"], kind="document.signed", subject=document, payload={"place": "astana"},
                 date="2017-06-09", source=builders.source("official"), confidence=0.9, recorded_by="tester")
    body = client.get("/api/entities/astana/history/").json()
    assert [e["kind"] for e in body["results"]] == ["meeting.held", "document.signed"]


def test_history_takes_the_event_filters_and_pages(client, world):
    assert keys(client.get("/api/entities/india/history/?occurred_after=2010-01-01"), "date") == ["2017-06-09"]
    assert keys(client.get("/api/entities/india/history/?ordering=-occurred"), "date") == ["2017-06-09", "2005-07"]
    first = client.get("/api/entities/india/history/?page_size=1").json()
    assert [e["date"] for e in client.get(first["next"]).json()["results"]] == ["2017-06-09"]
    assert client.get("/api/entities/india/history/?kind=nonsense").status_code == 400


def test_history_of_an_unknown_entity_is_404(client, world):
    assert client.get("/api/entities/atlantis/history/").status_code == 404


def test_history_costs_four_queries(client, world, django_assert_num_queries):
    with django_assert_num_queries(4):  # the log head, the entity, its aliases, the page
        client.get("/api/entities/india/history/")


def test_organisations_declare_their_vocabulary(client, world):
    organisation = client.get("/api/organisations/sco/").json()
    assert [s["plural"] for s in organisation["statuses"]] == ["members", "observers", "dialogue_partners", "partners"]
    assert [o["key"] for o in organisation["offices"]] == ["chair", "secretary_general"]
    assert keys(client.get("/api/organisations/"), "slug") == ["sco"]


def test_kinds_come_from_the_registry(client, world):
    kinds = {k["name"]: k for k in client.get("/api/kinds/").json()}
    assert kinds["membership.status"]["fields"][0] == {"name": "status", "type": "status", "required": True, "nullable": True}
    assert kinds["office.assumed"]["subject_types"] == ["person", "state"]


def test_source_list_costs_one_query(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(client.get("/api/sources/").json()["results"]) == 3
