"""GET /api/events/: every filter (partial dates by overlap), ordering, the detail's links, query counts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from events import store
from events.api.serializers import EventDocument
from events.filters import EventFilterSet
from events.models import Event
from events.queries import mentioning
from tests import builders


def seqs(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [event["seq"] for event in response.json()["results"]]


def seq_of(world, *names) -> list[int]:
    return [world["events"][name].seq for name in names]


def test_list_shows_every_standing_event_in_seq_order(client, world):
    response = client.get("/api/events/")
    assert seqs(response) == [1, 2, 3, 4, 5]
    first = response.json()["results"][0]
    assert first["subject"] == {"slug": "china", "name": "China", "type": "state", "iso3": "CHN"}
    assert (first["date"], first["date_precision"], first["source"]["key"]) == ("2001-06-15", "day", "official")


def test_document_has_exactly_the_fields_the_schema_declares(client, world):
    document = client.get("/api/events/").json()["results"][0]
    assert set(document) == set(EventDocument().fields)
    assert set(document["subject"]) == set(EventDocument().fields["subject"].fields)


def test_kind_filter_takes_several_kinds(client, world):
    assert seqs(client.get("/api/events/?kind=office.assumed&kind=meeting.held")) == seq_of(world, "norov", "summit")
    assert client.get("/api/events/?kind=membership.joined").status_code == 400


@pytest.mark.parametrize("reference", ["india", "IND", "ind"])
def test_entity_filter_takes_a_slug_or_an_iso3_code(client, world, reference):
    assert seqs(client.get(f"/api/events/?entity={reference}")) == seq_of(world, "india_observer", "india_member")


def test_entity_filter_matches_entities_named_in_the_payload(client, world):
    document = builders.entity("astana-declaration", "document")
    signed = store.append(
        organisation=world["org"], kind="document.signed", subject=document, payload={"place": "astana"},
        date="2017-06-09", source=builders.source("official"), confidence=0.9, recorded_by="tester",
    )
    assert seqs(client.get("/api/events/?entity=astana")) == [*seq_of(world, "summit"), signed.seq]


def test_entity_filter_reads_payloads_only_for_the_types_payloads_name(world):
    # Only places are named in payloads; for a state the (subject, seq) index answers alone.
    def sql(entity) -> str:
        return str(Event.objects.filter(mentioning(entity)).values("pk").query)

    assert "payload" not in sql(world["india"]) and "payload" not in sql(world["norov"])
    assert "payload" in sql(world["astana"])


def test_unknown_entity_matches_nothing(client, world):
    assert seqs(client.get("/api/events/?entity=atlantis")) == []


def test_organisation_filter(client, world):
    other = builders.organisation("csto")
    builders.membership(world["india"], "observer", "2020", org=other)
    assert len(seqs(client.get("/api/events/?organisation=csto"))) == 1
    assert len(seqs(client.get("/api/events/?organisation=sco"))) == 5
    response = client.get("/api/events/?organisation=nato")
    assert response.status_code == 400 and "organisation" in response.json()["errors"]


def test_a_year_meets_a_day_inside_it_from_both_sides(client, world):
    """The summit is dated 2017 (2017-01-01..2017-12-31): it may have happened on 2017-06-01, so both bounds keep it."""
    after = seqs(client.get("/api/events/?occurred_after=2017-06-01"))
    before = seqs(client.get("/api/events/?occurred_before=2017-06-01"))
    assert world["events"]["summit"].seq in after
    assert world["events"]["summit"].seq in before


def test_a_month_is_left_out_only_when_its_whole_window_is_outside(client, world):
    """India became an observer in 2005-07 (2005-07-01..2005-07-31)."""
    observer = world["events"]["india_observer"].seq
    assert observer in seqs(client.get("/api/events/?occurred_after=2005-07-31"))
    assert observer not in seqs(client.get("/api/events/?occurred_after=2005-08-01"))
    assert observer in seqs(client.get("/api/events/?occurred_before=2005-07-01"))
    assert observer not in seqs(client.get("/api/events/?occurred_before=2005-06-30"))


def test_occurred_window_on_both_sides(client, world):
    found = seqs(client.get("/api/events/?occurred_after=2017-06-09&occurred_before=2017-06-09"))
    assert found == seq_of(world, "india_member", "summit")


def test_malformed_dates_are_refused_naming_the_parameter(client, world):
    response = client.get("/api/events/?occurred_after=2017-06")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["occurred_after"]


def test_recorded_filters_cut_by_transaction_time(client, world):
    cut = world["events"]["india_member"].recorded_at
    later = seqs(client.get("/api/events/", {"recorded_after": cut.isoformat()}))
    earlier = seqs(client.get("/api/events/", {"recorded_before": cut.isoformat()}))
    assert later[0] == world["events"]["india_member"].seq and earlier[-1] == world["events"]["india_member"].seq
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert seqs(client.get("/api/events/", {"recorded_after": future})) == []


def test_min_confidence(client, world):
    assert seqs(client.get("/api/events/?min_confidence=0.85")) == seq_of(world, "china_member", "india_member", "norov")


def test_source_filter(client, world):
    assert seqs(client.get("/api/events/?source=news")) == seq_of(world, "india_observer")
    assert client.get("/api/events/?source=nowhere").status_code == 400


@pytest.mark.parametrize("text", ["astana summit", "ASTANA", "all the record gives"])
def test_text_search_looks_in_subject_payload_and_note(client, world, text):
    assert seqs(client.get("/api/events/", {"q": text})) == seq_of(world, "summit")


def test_retracted_events_are_hidden_unless_asked_for(client, world):
    retraction = store.retract(event=world["events"]["india_observer"], reason="wrong", recorded_by="tester")
    hidden = seqs(client.get("/api/events/"))
    assert world["events"]["india_observer"].seq not in hidden and retraction.seq in hidden
    assert world["events"]["india_observer"].seq in seqs(client.get("/api/events/?include_retracted=true"))
    assert world["events"]["india_observer"].seq not in seqs(client.get("/api/events/?include_retracted=false"))


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("seq", ["china_member", "india_observer", "india_member", "norov", "summit"]),
        ("-seq", ["summit", "norov", "india_member", "india_observer", "china_member"]),
        # The summit (2017) sorts by its window's first day, before India's membership (2017-06-09).
        ("occurred", ["china_member", "india_observer", "summit", "india_member", "norov"]),
        ("-occurred", ["norov", "india_member", "summit", "india_observer", "china_member"]),
    ],
)
def test_ordering(client, world, ordering, expected):
    assert seqs(client.get(f"/api/events/?ordering={ordering}")) == seq_of(world, *expected)


def test_unknown_ordering_is_refused(client, world):
    assert client.get("/api/events/?ordering=subject").status_code == 400


def test_detail_links_a_correction_both_ways(client, world):
    original = world["events"]["india_observer"]
    correction = store.correct(event=original, recorded_by="tester", note="the day is known", date="2005-07-05")
    original_doc = client.get(f"/api/events/{original.id}/").json()
    correction_doc = client.get(f"/api/events/{correction.id}/").json()
    assert original_doc["corrected_by"] == [str(correction.id)]
    assert correction_doc["corrects"] == str(original.id)
    assert correction_doc["url"].endswith(f"/api/events/{correction.id}/")


def test_detail_links_a_retraction_both_ways(client, world):
    original = world["events"]["summit"]
    retraction = store.retract(event=original, reason="no such summit", recorded_by="tester")
    assert client.get(f"/api/events/{original.id}/").json()["retracted_by"] == [str(retraction.id)]
    document = client.get(f"/api/events/{retraction.id}/").json()
    assert (document["retracts"], document["kind"], document["payload"]) == (str(original.id), "retraction", {"reason": "no such summit"})


def test_a_retracted_event_is_still_shown_by_its_address(client, world):
    original = world["events"]["summit"]
    store.retract(event=original, reason="no such summit", recorded_by="tester")
    assert client.get(f"/api/events/{original.id}/").status_code == 200


def test_unknown_event_is_404_in_the_error_shape(client, world):
    response = client.get("/api/events/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_costs_two_queries_whatever_the_page_size(client, world, django_assert_num_queries):
    for day in range(1, 29):
        builders.membership(world["china"], "member", f"2002-02-{day:02d}", payload={"observed": True})
    # The log head (the cache key), then the page with its joins and whether each event was amended.
    with django_assert_num_queries(2):
        assert len(client.get("/api/events/?page_size=30").json()["results"]) == 30
    with django_assert_num_queries(2):
        assert len(client.get("/api/events/?page_size=5&ordering=occurred").json()["results"]) == 5


def test_a_page_asked_again_before_any_append_costs_only_the_log_head(client, world, django_assert_num_queries):
    first = client.get("/api/events/?page_size=3").json()
    with django_assert_num_queries(1):
        assert client.get("/api/events/?page_size=3").json() == first


def test_an_append_is_listed_at_once(client, world):
    assert len(client.get("/api/events/").json()["results"]) == 5
    store.retract(event=world["events"]["summit"], reason="no", recorded_by="tester")
    body = client.get("/api/events/?include_retracted=true").json()
    assert len(body["results"]) == 6
    assert client.get("/api/events/").json()["results"][-1]["kind"] == "retraction"


def test_amended_events_on_a_page_cost_one_more_query_together(client, world, django_assert_num_queries):
    for name in ("india_observer", "china_member"):
        store.correct(event=world["events"][name], recorded_by="tester", note="fix", confidence=0.5)
    store.retract(event=world["events"]["summit"], reason="no", recorded_by="tester")
    with django_assert_num_queries(3):
        body = client.get("/api/events/?include_retracted=true&page_size=100").json()
    assert sum(bool(e["corrected_by"] or e["retracted_by"]) for e in body["results"]) == 3


def test_filters_add_only_their_own_lookups(client, world, django_assert_num_queries):
    # the log head; entity and source each resolve their reference once; then the page.
    with django_assert_num_queries(4):
        client.get("/api/events/?entity=IND&source=official&kind=membership.status&occurred_after=2000-01-01")


def test_detail_costs_one_query(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(f"/api/events/{world['events']['norov'].id}/")


def test_filtersets_in_turn_each_filter_with_their_own_values(world):
    # Each FilterSet owns its filters and form fields, bound to itself.
    india, china = (EventFilterSet(QueryDict(f"entity={name}"), queryset=Event.objects.all()) for name in ("IND", "CHN"))
    assert india.filters["entity"].parent is india and china.filters["entity"].parent is china
    assert not hasattr(EventFilterSet.base_filters["entity"], "parent")  # the declaration stays unbound
    assert sorted(e.seq for e in india.qs) == seq_of(world, "india_observer", "india_member")
    assert sorted(e.seq for e in china.qs) == seq_of(world, "china_member")
    assert india.form is not china.form and india.form.fields["entity"] is not china.form.fields["entity"]
