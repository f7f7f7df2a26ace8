"""Appends from many connections at once serialise: seq is gap-free commit order and the chain holds."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events.integrity import verify_chain
from events.models import Event
from tests import builders


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_get_consecutive_seq_and_an_intact_chain():
    builders.organisation()
    builders.source()
    states = [builders.state(f"state-{i}", f"Q{i:02d}") for i in range(8)]

    def append_many(state):
        try:
            for year in range(2000, 2010):
                builders.membership(state, "observer", str(year))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(append_many, states))
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 81))
    times = list(Event.objects.order_by("seq").values_list("recorded_at", flat=True))
    assert times == sorted(times)
    assert verify_chain().ok
