"""The scale benchmark's generator (tests/benchmarks/scale/generator.py): the same log for a seed, every
batch accepted by the store, and the shape it promises (many organisations, amendments, partial dates)."""
from collections import Counter

import pytest

from events.domain.kinds import KINDS
from events.integrity import verify_chain
from events.models import Event, Organisation, ProjectedConflict
from tests.benchmarks.scale.generator import STATES, Stream, World, Writer

EVENTS, BATCH = 1_000, 100


def planned_log(seed: int) -> list:
    stream = Stream(World.planned(EVENTS, seed), seed)
    return [planned for _ in range(EVENTS // BATCH) for planned in stream.next_batch(BATCH)]


def test_the_same_seed_plans_the_same_log_and_another_seed_another():
    assert planned_log(7) == planned_log(7)
    assert planned_log(7) != planned_log(8)


def test_an_amendment_comes_in_a_later_batch_than_the_event_it_amends():
    log = planned_log(7)
    batch_of = {planned.ordinal: n // BATCH for n, planned in enumerate(log)}
    amendments = [p for p in log if p.corrects or p.retracts]
    assert amendments
    assert all(batch_of[p.corrects or p.retracts] < batch_of[p.ordinal] for p in amendments)
    targets = [p.corrects or p.retracts for p in amendments]
    assert len(targets) == len(set(targets))  # each event is amended at most once


@pytest.mark.django_db
def test_every_batch_is_accepted_by_the_store_and_the_log_has_the_promised_shape():
    world = World.planned(EVENTS, 7)
    writer, stream = Writer(world), Stream(world, 7)
    writer.create_world()
    for _ in range(EVENTS // BATCH):
        writer.append_many(stream.next_batch(BATCH))

    assert Event.objects.count() == EVENTS and verify_chain().ok
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    assert set(kinds) == set(KINDS)
    assert 0.01 * EVENTS <= Event.objects.filter(corrects__isnull=False).count() <= 0.035 * EVENTS
    assert 0.003 * EVENTS <= kinds["retraction"] <= 0.02 * EVENTS
    precisions = Counter(Event.objects.values_list("date_precision", flat=True))
    assert precisions["day"] > precisions["month"] > 0 and precisions["year"] > 0
    assert Event.objects.filter(payload__observed=True).exists()
    with_events = Organisation.objects.filter(events__isnull=False).distinct()
    assert with_events.count() >= 5
    assert all(org.statuses.count() and org.offices.count() and org.meeting_types.count() >= 5 for org in with_events)
    subjects = Event.objects.filter(kind="membership.status").values_list("organisation", "subject")
    assert max(Counter(subjects).values()) <= 40  # realistic histories: a size grows by more slots, not longer ones
    assert len({iso3 for iso3 in Event.objects.filter(subject__type="state").values_list("subject__iso3", flat=True)}) <= STATES
    assert ProjectedConflict.objects.exists()  # sources disagree, as they do
