"""The materialised projection is a cache: it answers exactly as the pure replay does, and rebuilds from the log."""
import importlib
import random
from datetime import date, timedelta
from uuid import UUID

import pytest
from django.apps import apps as django_apps
from django.db import connection

from events import projections, queries, records, store
from events.models import Event, EventKey, ProjectedConflict, SlotInterval
from tests import builders


def comparable(state):
    return (
        sorted((s.slot, s.value, s.holder, str(s.since), s.certain, s.confidence, tuple(str(e.id) for e in s.events)) for s in state.standings),
        sorted((c.key, c.reason, tuple(str(e.id) for e in c.events)) for c in state.conflicts),
    )


def random_history(rng: random.Random, steps: int) -> None:
    org = builders.organisation()
    states = [builders.state(slug, iso3) for slug, iso3 in [("aland", "ALA"), ("bhutan", "BTN"), ("chad", "TCD")]]
    people = [builders.entity(f"person-{i}", "person") for i in range(3)]
    for _ in range(steps):
        day = date(2000, 1, 1) + timedelta(days=rng.randrange(0, 1500))
        precision = rng.choice([10, 7, 4])
        when = day.isoformat()[:precision]
        live = list(Event.objects.exclude(kind="retraction").filter(retractions__isnull=True, corrections__isnull=True))
        action = rng.random()
        if action < 0.1 and live:
            store.retract(event=rng.choice(live), reason="test", recorded_by="t")
        elif action < 0.2 and live:
            store.correct(event=rng.choice(live), date=when, confidence=rng.random(), recorded_by="t", note="test")
        elif action < 0.35:
            store.append(organisation=org, kind="office.assumed", subject=rng.choice(people), payload={"office": "secretary_general"},
                         date=when, source=builders.source(), confidence=round(rng.random(), 2), recorded_by="t")
        elif action < 0.45:
            store.append(organisation=org, kind="document.signed", subject=builders.entity("charter", "document"), payload={},
                         date=when, source=builders.source(), confidence=round(rng.random(), 2), recorded_by="t")
        else:
            sighting = {"observed": True} if rng.random() < 0.2 else {}
            builders.membership(rng.choice(states), rng.choice(["member", "observer", None]), when,
                                confidence=round(rng.random(), 2), payload=sighting)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_projection_agrees_with_replay_after_every_kind_of_append(seed):
    rng = random.Random(seed)
    random_history(rng, 40)
    org = builders.organisation()
    for offset in range(0, 1600, 37):
        at = date(2000, 1, 1) + timedelta(days=offset)
        assert comparable(queries.state_at(org, at)) == comparable(queries.replayed_state_at(org, at)), at


@pytest.mark.django_db
def test_rebuild_reproduces_the_incremental_projection():
    random_history(random.Random(42), 40)
    org = builders.organisation()
    before = sorted(SlotInterval.objects.values_list("family", "name", "start", "end", "value", "event_ids"))
    projections.rebuild(org)
    after = sorted(SlotInterval.objects.values_list("family", "name", "start", "end", "value", "event_ids"))
    assert before == after and before


@pytest.mark.django_db
def test_state_from_projection_uses_a_constant_number_of_queries(django_assert_max_num_queries):
    random_history(random.Random(7), 30)
    org = builders.organisation()
    with django_assert_max_num_queries(3):
        queries.state_at(org, date(2002, 1, 1))


@pytest.mark.django_db
def test_projection_evidence_is_the_logged_events_themselves():
    random_history(random.Random(11), 30)
    logged = {r.id: r for r in records.read(Event.objects.all())}
    rows = list(SlotInterval.objects.values_list("event_ids", "evidence")) + list(
        ProjectedConflict.objects.values_list("event_ids", "evidence")
    )
    assert rows
    for event_ids, evidence in rows:
        assert projections.records_from_evidence(evidence) == tuple(logged[UUID(i)] for i in event_ids)


@pytest.mark.django_db
def test_migration_0008_rebuilds_the_evidence_and_index_of_a_projection_built_before_it():
    random_history(random.Random(5), 30)
    expected = sorted(SlotInterval.objects.values_list("family", "name", "start", "evidence"))
    indexed = sorted(EventKey.objects.values_list("family", "name", "event_id"))
    SlotInterval.objects.update(evidence=[])  # as 0005 left it: the projection is a cache, not the log
    ProjectedConflict.objects.update(evidence=[])
    EventKey.objects.all().delete()  # as 0007 left it: no index
    migration = importlib.import_module("events.migrations.0008_projection_index")
    migration.rebuild_projections(django_apps, connection.schema_editor())
    assert sorted(SlotInterval.objects.values_list("family", "name", "start", "evidence")) == expected
    conflicts = list(ProjectedConflict.objects.values_list("evidence", flat=True))
    assert conflicts and all(conflicts)
    assert sorted(EventKey.objects.values_list("family", "name", "event_id")) == indexed and indexed


@pytest.mark.django_db
def test_a_belief_at_or_after_the_last_append_is_read_from_the_projection(django_assert_max_num_queries):
    random_history(random.Random(3), 30)
    org = builders.organisation()
    last = Event.objects.order_by("-recorded_at").first().recorded_at
    for at in (date(2000, 6, 1), date(2002, 1, 1), date(2004, 1, 1)):
        for known_at in (last, last + timedelta(days=1)):
            with django_assert_max_num_queries(3):  # the newest recording, intervals, conflicts
                projected = queries.state_at(org, at, known_at)
            assert projected.known_at == known_at
            assert comparable(projected) == comparable(queries.replayed_state_at(org, at, known_at))
    earlier = last - timedelta(microseconds=1)
    assert queries.is_present_belief(last) and not queries.is_present_belief(earlier)
