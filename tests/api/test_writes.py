"""Append, correct and retract through the API: who may, what is refused and how, Idempotency-Key."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from events.models import Event, IdempotencyRecord
from tests.api.conftest import client_for, user_with


def new_event(**changes) -> dict:
    body = {
        "organisation": "sco", "kind": "membership.status", "subject": "china", "payload": {"status": "observer"},
        "date": "2024-07", "source": "news", "confidence": 0.6, "locator": "para 3",
    }
    body.update(changes)
    return body


def test_editor_appends_an_event_recorded_under_their_name(editor, world):
    response = editor.post("/api/events/", new_event(), format="json")
    assert response.status_code == 201, response.content
    document = response.json()
    assert response["Location"] == document["url"]
    assert (document["recorded_by"], document["date"], document["date_precision"]) == ("editor", "2024-07", "month")
    assert Event.objects.get(pk=document["id"]).recorded_by == "editor"


def test_recorded_by_cannot_be_supplied(editor, world):
    response = editor.post("/api/events/", new_event(recorded_by="someone-else"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"recorded_by": ["is not a field of this request"]}


@pytest.mark.parametrize("field", ["seq", "id", "recorded_at", "hash", "corrects", "retracts"])
def test_unknown_fields_are_refused_and_nothing_is_written(editor, world, field):
    before = Event.objects.count()
    response = editor.post("/api/events/", new_event(**{field: 1}), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"payload": {"status": "memeber"}}, "payload.status"),
        ({"payload": {"status": "member", "colour": "red"}}, "payload.colour"),
        ({"payload": ["member"]}, "payload"),
        ({"kind": "membership.joined"}, "kind"),
        ({"date": "June 2024"}, "date"),
        ({"date": "2024-02-30"}, "date"),
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": "high"}, "confidence"),
        ({"subject": "atlantis"}, "subject"),
        ({"subject": "vladimir-norov"}, "subject"),
        ({"source": "nowhere"}, "source"),
        ({"organisation": "nato"}, "organisation"),
    ],
)
def test_invalid_input_is_400_with_errors_per_field(editor, world, changes, field):
    before = Event.objects.count()
    response = editor.post("/api/events/", new_event(**changes), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert field in body["errors"], body
    assert field in body["detail"]
    assert Event.objects.count() == before


def test_missing_fields_are_each_named(editor, world):
    response = editor.post("/api/events/", {"kind": "membership.status"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"organisation", "subject", "payload", "date", "source", "confidence"}


def test_a_body_that_is_not_json_is_refused(editor, world):
    assert editor.post("/api/events/", "{not json", content_type="application/json").status_code == 400
    response = editor.post("/api/events/", {"kind": "x"})  # multipart form
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_anonymous_writes_are_401_with_the_scheme_to_use(client, world):
    response = client.post("/api/events/", new_event(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_token_is_401(world):
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert stranger.post("/api/events/", new_event(), format="json").status_code == 401


@pytest.mark.parametrize("action", ["", "correct/", "retract/"])
def test_users_without_the_permission_are_403(reader, world, action):
    url = f"/api/events/{world['events']['india_member'].id}/{action}" if action else "/api/events/"
    response = reader.post(url, {"note": "x", "reason": "x"} if action else new_event(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_each_write_needs_its_own_permission(world):
    appender = client_for(user_with("appender", "add_event"))
    target = world["events"]["india_member"].id
    assert appender.post("/api/events/", new_event(), format="json").status_code == 201
    assert appender.post(f"/api/events/{target}/retract/", {"reason": "x"}, format="json").status_code == 403
    retractor = client_for(user_with("retractor", "retract_event"))
    assert retractor.post(f"/api/events/{target}/retract/", {"reason": "x"}, format="json").status_code == 201


def test_session_authentication_works_with_csrf(world):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user_with("clerk", "add_event"))
    assert browser.post("/api/events/", new_event(), format="json").status_code == 403  # no CSRF token
    browser.get("/admin/login/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/events/", new_event(), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("who", ["client", "editor"])
def test_events_are_never_updated_or_deleted(request, world, method, who):
    api = request.getfixturevalue(who)
    url = f"/api/events/{world['events']['india_member'].id}/"
    response = getattr(api, method)(url, {"confidence": 0.1}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert getattr(api, method)("/api/events/", {}, format="json").status_code == 405


def test_post_to_a_read_only_collection_is_405(editor, world):
    assert editor.post("/api/sources/", {"key": "x"}, format="json").status_code == 405
    assert editor.post("/api/state/", {}, format="json").status_code == 405


def test_correct_replaces_the_event_and_keeps_the_rest(editor, world):
    target = world["events"]["india_observer"]
    response = editor.post(
        f"/api/events/{target.id}/correct/", {"date": "2005-07-05", "note": "the day is known"}, format="json"
    )
    assert response.status_code == 201, response.content
    document = response.json()
    assert (document["corrects"], document["date"], document["source"]["key"]) == (str(target.id), "2005-07-05", "news")
    assert document["recorded_by"] == "editor"


def test_correct_needs_a_note(editor, world):
    response = editor.post(f"/api/events/{world['events']['india_observer'].id}/correct/", {"date": "2005"}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]


def test_correcting_a_superseded_event_is_409(editor, world):
    target = world["events"]["india_observer"]
    assert editor.post(f"/api/events/{target.id}/correct/", {"note": "a", "confidence": 0.8}, format="json").status_code == 201
    response = editor.post(f"/api/events/{target.id}/correct/", {"note": "b", "confidence": 0.5}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and "already corrected" in body["detail"]


def test_retract_and_retracting_twice_is_409(editor, world):
    url = f"/api/events/{world['events']['summit'].id}/retract/"
    first = editor.post(url, {"reason": "no such summit"}, format="json")
    assert first.status_code == 201
    assert first.json()["retracts"] == str(world["events"]["summit"].id)
    again = editor.post(url, {"reason": "still none"}, format="json")
    assert again.status_code == 409
    assert "already retracted" in again.json()["detail"]


def test_retracting_a_retraction_is_409(editor, world):
    retraction = editor.post(f"/api/events/{world['events']['summit'].id}/retract/", {"reason": "x"}, format="json").json()
    assert editor.post(f"/api/events/{retraction['id']}/retract/", {"reason": "y"}, format="json").status_code == 409


def test_writes_to_an_unknown_event_are_404(editor, world):
    response = editor.post("/api/events/00000000-0000-0000-0000-000000000000/retract/", {"reason": "x"}, format="json")
    assert response.status_code == 404


class TestIdempotencyKey:
    def test_a_retry_replays_the_first_answer_and_appends_nothing(self, editor, world):
        first = editor.post("/api/events/", new_event(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        count = Event.objects.count()
        retry = editor.post("/api/events/", new_event(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert (first.status_code, retry.status_code) == (201, 201)
        assert retry.json() == first.json()
        assert retry["Idempotent-Replayed"] == "true" and retry["Location"] == first["Location"]
        assert Event.objects.count() == count

    def test_the_same_key_with_a_different_body_is_422(self, editor, world):
        editor.post("/api/events/", new_event(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        count = Event.objects.count()
        response = editor.post("/api/events/", new_event(confidence=0.7), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert Event.objects.count() == count

    def test_the_same_key_on_another_action_is_422(self, editor, world):
        url = f"/api/events/{world['events']['summit'].id}/retract/"
        editor.post(url, {"reason": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        other = f"/api/events/{world['events']['norov'].id}/retract/"
        assert editor.post(other, {"reason": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code == 422

    def test_a_retried_retraction_is_not_a_conflict(self, editor, world):
        url = f"/api/events/{world['events']['summit'].id}/retract/"
        first = editor.post(url, {"reason": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
        retry = editor.post(url, {"reason": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
        assert retry.status_code == 201 and retry.json()["id"] == first.json()["id"]

    def test_refusals_are_not_recorded_so_a_fixed_retry_goes_through(self, editor, world):
        refused = editor.post("/api/events/", new_event(confidence=2), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
        assert refused.status_code == 400 and not IdempotencyRecord.objects.exists()
        retry = editor.post("/api/events/", new_event(confidence=2), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
        assert retry.status_code == 400

    def test_keys_belong_to_their_user(self, editor, world):
        other = client_for(user_with("other-editor", "add_event"))
        editor.post("/api/events/", new_event(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
        response = other.post("/api/events/", new_event(confidence=0.5), format="json", HTTP_IDEMPOTENCY_KEY="shared")
        assert response.status_code == 201
        assert User.objects.get(username="other-editor").username == response.json()["recorded_by"]

    @pytest.mark.parametrize("key", ["", "x" * 256])
    def test_a_malformed_key_is_400(self, editor, world, key):
        response = editor.post("/api/events/", new_event(), format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
