"""The materialised projection is a cache: it answers exactly as the pure replay does, and rebuilds from the log."""
import importlib
import random
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection

from events import projections, queries, store
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


ROWS = {
    SlotInterval: ("family", "name", "start", "end", "value", "holder_id", "since_earliest", "since_latest",
                   "since_precision", "confidence", "evidence", "recorded_from", "recorded_until"),
    ProjectedConflict: ("family", "name", "reason", "first_date", "evidence", "recorded_from", "recorded_until"),
    EventKey: ("family", "name", "event_id"),
}


def projection_rows() -> dict:
    """Every row of the projection, its history included, without surrogate ids."""
    return {model: sorted(map(repr, model.objects.values_list(*columns))) for model, columns in ROWS.items()}


@pytest.mark.django_db
def test_rebuild_reproduces_the_incremental_projection():
    random_history(random.Random(42), 40)
    org = builders.organisation()
    before = projection_rows()
    projections.rebuild(org)
    after = projection_rows()
    assert before == after and all(before.values())
    assert SlotInterval.objects.exclude(recorded_until=None).exists()  # a history, not only the present


@pytest.mark.django_db
def test_state_from_projection_uses_a_constant_number_of_queries(django_assert_max_num_queries):
    random_history(random.Random(7), 30)
    org = builders.organisation()
    with django_assert_max_num_queries(3):  # intervals, conflicts, the events behind them
        queries.state_at(org, date(2002, 1, 1))


@pytest.mark.django_db
def test_projection_evidence_names_logged_events_by_seq():
    random_history(random.Random(11), 30)
    logged = set(Event.objects.values_list("seq", flat=True))
    intervals = list(SlotInterval.objects.values_list("evidence", flat=True))
    conflicts = list(ProjectedConflict.objects.values_list("evidence", flat=True))
    assert intervals and all(intervals) and conflicts and all(conflicts)
    assert all(set(evidence) <= logged for evidence in intervals + conflicts)
    assert all(evidence == sorted(evidence) for evidence in intervals)  # a standing's events, oldest first


@pytest.mark.django_db
def test_migration_0009_rebuilds_a_projection_built_before_it():
    random_history(random.Random(5), 30)
    expected = projection_rows()
    SlotInterval.objects.all().delete()  # whatever the tables held before, the projection is a cache
    ProjectedConflict.objects.update(evidence=[])
    EventKey.objects.all().delete()
    migration = importlib.import_module("events.migrations.0009_bitemporal_projection")
    migration.rebuild_projections(django_apps, connection.schema_editor())
    assert projection_rows() == expected


@pytest.mark.django_db
def test_a_belief_at_or_after_the_last_append_is_read_from_the_projection(django_assert_max_num_queries):
    random_history(random.Random(3), 30)
    org = builders.organisation()
    last = Event.objects.order_by("-recorded_at").first().recorded_at
    for at in (date(2000, 6, 1), date(2002, 1, 1), date(2004, 1, 1)):
        for known_at in (last, last + timedelta(days=1)):
            with django_assert_max_num_queries(4):  # the newest recording, intervals, conflicts, their events
                projected = queries.state_at(org, at, known_at)
            assert projected.known_at == known_at
            assert comparable(projected) == comparable(queries.replayed_state_at(org, at, known_at))
    earlier = last - timedelta(microseconds=1)
    assert queries.is_present_belief(last) and not queries.is_present_belief(earlier)
