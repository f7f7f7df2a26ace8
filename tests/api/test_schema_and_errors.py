"""The OpenAPI document describes every endpoint and error; every error has the one JSON shape."""
from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

ERROR_KEYS = {"status", "code", "detail", "errors"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():  # the schema names the organisations, sources and entities the database holds
        document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)
    return document


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_endpoint_of_the_issue_is_in_the_schema(schema):
    assert {
        "/api/events/", "/api/events/{id}/", "/api/events/{id}/correct/", "/api/events/{id}/retract/",
        "/api/sources/", "/api/entities/", "/api/entities/{slug}/history/", "/api/state/", "/api/state/diff/",
    } <= set(schema["paths"])
    assert set(schema["paths"]["/api/events/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/events/{id}/"]) == {"get"}


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        if path == "/api/schema/":
            continue
        assert "429" in responses, (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)
        if operation.get("parameters") and any(p["in"] == "query" for p in operation["parameters"]):
            assert "400" in responses, (path, method)
        if method == "post":
            assert {"400", "401", "403", "409", "415", "422"} <= set(responses), path
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_writes_need_credentials_and_reads_do_not(schema):
    assert {} not in schema["paths"]["/api/events/"]["post"]["security"]
    assert {} in schema["paths"]["/api/events/"]["get"]["security"]


def test_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["info"]["title"] == "scotimeline API"
    assert b"swagger-ui" in client.get("/api/docs/").content
    assert client.get("/api/docs/redoc/").status_code == 200


def assert_error_shape(response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status
    assert set(body) == ERROR_KEYS
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_unknown_paths_under_api_are_404_in_the_error_shape(client, db):
    assert_error_shape(client.get("/api/nothing-here/"), 404, "not_found")
    assert_error_shape(client.delete("/api/events/not-a-uuid/"), 404, "not_found")
    body = assert_error_shape(client.get("/api/events"), 404, "not_found")
    assert "end with a slash" in body["detail"]


def test_405_in_the_error_shape(client, db):
    assert_error_shape(client.put("/api/state/"), 405, "method_not_allowed")


def test_validation_errors_in_the_error_shape(client, db):
    body = assert_error_shape(client.get("/api/events/?occurred_after=soon"), 400, "invalid")
    assert body["detail"].startswith("occurred_after: ")


def test_anonymous_clients_are_throttled_in_the_error_shape(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    statuses = [client.get("/api/kinds/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/kinds/")
    assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_editors_are_not_held_by_the_anonymous_throttle(editor, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/minute"}}
    assert [editor.get("/api/kinds/").status_code for _ in range(3)] == [200, 200, 200]


def test_an_unexpected_error_is_a_500_in_the_error_shape(client, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("events.queries.projected_state_at", broken)
    body = assert_error_shape(client.get("/api/state/"), 500, "server_error")
    assert "bug" not in body["detail"]
