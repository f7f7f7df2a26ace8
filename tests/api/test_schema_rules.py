"""The OpenAPI document states the rules schemathesis checks the API against (.ci/run, --checks all)."""
from __future__ import annotations

import pytest

from tests import builders


@pytest.fixture
def schema(client, db) -> dict:
    builders.organisation("sco")
    builders.organisation("toy")
    builders.source("official")
    builders.state("india", "IND")
    return client.get("/api/schema/?format=json").json()


def parameter(schema: dict, path: str, name: str, method: str = "get") -> dict:
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


def test_org_and_organisation_name_the_organisations_that_exist(schema):
    assert parameter(schema, "/api/state/", "org")["schema"]["enum"] == ["sco", "toy"]
    assert parameter(schema, "/api/state/diff/", "org")["schema"]["enum"] == ["sco", "toy"]
    assert parameter(schema, "/api/events/", "organisation")["schema"]["enum"] == ["sco", "toy"]
    assert parameter(schema, "/api/events/", "source")["schema"]["enum"] == ["official"]


def test_the_cursor_is_described_as_opaque_base64url(schema):
    cursor = parameter(schema, "/api/events/", "cursor")

    assert cursor["schema"]["pattern"] == "^[A-Za-z0-9_-]*$"
    assert "next" in cursor["description"] and "400" in cursor["description"]


def test_the_idempotency_key_rule_is_in_the_schema_and_enforced(schema, client, db):
    from tests.api.conftest import client_for, user_with

    key = parameter(schema, "/api/events/", "Idempotency-Key", "post")["schema"]
    assert (key["minLength"], key["maxLength"], key["pattern"]) == (1, 255, "^[!-~]+$")
    editor = client_for(user_with("editor", "add_event"))
    body = {"organisation": "sco", "kind": "membership.status", "subject": "india", "payload": {"status": "member"},
            "date": "2017-06-09", "source": "official", "confidence": 0.9}
    for refused in ["with space", "é", "k" * 256]:
        response = editor.post("/api/events/", body, format="json", HTTP_IDEMPOTENCY_KEY=refused)
        assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]


def test_write_bodies_refuse_undeclared_fields_and_name_what_exists(schema):
    body = schema["components"]["schemas"]["AppendRequestRequest"]

    assert body["additionalProperties"] is False
    assert body["properties"]["subject"]["enum"] == ["india"]
    assert body["properties"]["confidence"]["minimum"] == 0 and body["properties"]["confidence"]["maximum"] == 1
    assert "retraction" not in body["properties"]["kind"]["enum"]


@pytest.mark.parametrize("value, status", [("true", 200), ("0", 200), ("", 200), ("null", 400), ("maybe", 400)])
def test_include_retracted_takes_true_or_false_only(client, db, value, status):
    assert client.get(f"/api/events/?include_retracted={value}").status_code == status
