"""A prepared query compiles once, reads the database every run, and converts rows as the ORM does."""
from __future__ import annotations

from datetime import date

import pytest

from events import store
from events.models import Event
from events.prepared import PreparedQuery
from tests import builders

pytestmark = pytest.mark.django_db

FIELDS = ("id", "seq", "payload", "date_earliest", "recorded_at", "corrects_id", "subject__slug")


def _by_seq(seqs):
    return Event.objects.filter(seq__in=seqs).order_by("seq").values_list(*FIELDS)


def _log():
    india = builders.state("india", "IND", "India")
    first = builders.membership(india, "observer", "2005-07")
    store.correct(event=first, recorded_by="editor", note="day", date="2005-07-05")
    return india


def test_rows_come_back_as_the_orm_converts_them():
    _log()
    prepared = PreparedQuery(Event, _by_seq)

    assert prepared.rows([1, 2]) == list(_by_seq([1, 2]))


def test_every_run_reads_the_database_with_its_own_parameters():
    india = _log()
    prepared = PreparedQuery(Event, _by_seq)
    before = prepared.rows([3])
    builders.membership(india, "member", "2017-06-09")

    assert before == []
    assert [row[1] for row in prepared.rows([3])] == [3]
    assert [row[1] for row in prepared.rows([1])] == [1]


def test_the_queryset_is_built_once_per_number_of_parameters(django_assert_num_queries):
    _log()
    built = []
    prepared = PreparedQuery(Event, lambda seqs: built.append(len(seqs)) or _by_seq(seqs))

    with django_assert_num_queries(3):
        prepared.rows([1])
        prepared.rows([2])
        prepared.rows([1, 2])

    assert built == [1, 2]


def test_a_query_that_binds_other_parameters_than_those_given_fails_when_compiled():
    prepared = PreparedQuery(Event, lambda seqs: Event.objects.filter(seq__gt=seqs[0], confidence__gte=0.5).values_list("seq"))

    with pytest.raises(ValueError, match="not the 1 given"):
        prepared.rows([1])


def test_dates_and_strings_bind_as_the_orm_binds_them():
    _log()
    builders.membership(builders.state("china", "CHN", "China"), "member", "2001-06-15")

    def on_or_after(params):
        day, slug = params
        return Event.objects.filter(date_earliest__gte=day, subject__slug=slug).order_by("seq").values_list("seq")

    prepared = PreparedQuery(Event, on_or_after)
    assert prepared.rows([date(2005, 7, 2), "india"]) == list(on_or_after([date(2005, 7, 2), "india"])) == [(2,)]
    assert prepared.rows([date(2000, 1, 1), "china"]) == [(3,)]
    assert prepared.rows([date(2002, 1, 1), "china"]) == []


def test_a_parameter_of_another_type_is_refused():
    prepared = PreparedQuery(Event, lambda params: Event.objects.filter(confidence__gte=params[0]).values_list("seq"))

    with pytest.raises(TypeError, match="not float"):
        prepared.rows([0.5])
