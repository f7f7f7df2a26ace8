"""The bitemporal projection answers every (day, moment) as the pure replay of what was recorded by then,
and a cold rebuild writes exactly the rows the appends wrote, their history included.

Random logs: several organisations, appends of several events at once, partial dates, ties, sightings,
offices, happenings, corrections of corrections and retractions of corrections.
"""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from events import projections, queries, store
from events.models import Event, EventKey, Organisation, ProjectedConflict, SlotInterval
from tests import builders

STATES = ("aland", "bhutan", "chad")
PEOPLE = ("person-0", "person-1")
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2004, 12, 31))
PARTIAL = st.tuples(DAYS, st.sampled_from([10, 7, 4])).map(lambda pair: pair[0].isoformat()[: pair[1]])
CONFIDENCE = st.sampled_from([0.3, 0.6, 0.9])

ASSERTION = st.one_of(
    st.tuples(st.just("status"), st.sampled_from(STATES), st.sampled_from(["member", "observer", None]), st.booleans()),
    st.tuples(st.just("office"), st.sampled_from(PEOPLE), st.sampled_from(["chair", "secretary_general"]), st.just(False)),
    st.tuples(st.just("signed"), st.just("charter"), st.none(), st.just(False)),
)
OPERATION = st.one_of(
    st.tuples(st.just("assert"), st.sampled_from(["sco", "csto"]), ASSERTION, PARTIAL, CONFIDENCE),
    st.tuples(st.just("correct"), st.integers(0, 1000), PARTIAL, CONFIDENCE),
    st.tuples(st.just("retract"), st.integers(0, 1000)),
)
APPENDS = st.lists(st.lists(OPERATION, min_size=1, max_size=3), min_size=1, max_size=12)


def comparable(state):
    return (
        sorted((s.slot, s.value, s.holder, str(s.since), s.certain, s.confidence, tuple(e.id for e in s.events)) for s in state.standings),
        sorted((c.key, c.reason, tuple(e.id for e in c.events)) for c in state.conflicts),
    )


ROWS = {
    SlotInterval: ("organisation_id", "family", "name", "start", "end", "value", "holder_id", "since_earliest",
                   "since_latest", "since_precision", "confidence", "evidence", "recorded_from", "recorded_until"),
    ProjectedConflict: ("organisation_id", "family", "name", "reason", "first_date", "evidence", "recorded_from", "recorded_until"),
    EventKey: ("organisation_id", "family", "name", "event_id"),
}


def projection_rows() -> dict:
    return {model: sorted(map(repr, model.objects.values_list(*columns))) for model, columns in ROWS.items()}


class BitemporalProjection(TestCase):
    def setUp(self):
        self.organisations = {slug: builders.organisation(slug) for slug in ("sco", "csto")}
        self.entities = {slug: builders.state(slug, slug[:3].upper()) for slug in STATES}
        self.entities.update({slug: builders.entity(slug, "person") for slug in PEOPLE})
        self.entities["charter"] = builders.entity("charter", "document")
        self.source = builders.source()

    def request(self, operation, live: list[Event]) -> store.NewEvent | None:
        common = {"source": self.source, "recorded_by": "tester"}
        if operation[0] == "assert":
            _, organisation, (kind, subject, value, observed), when, confidence = operation
            kind, payload = {
                "status": ("membership.status", {"status": value, **({"observed": True} if observed else {})}),
                "office": ("office.assumed", {"office": value}),
                "signed": ("document.signed", {}),
            }[kind]
            return store.NewEvent(organisation=self.organisations[organisation], kind=kind, subject=self.entities[subject],
                                  payload=payload, date=when, confidence=confidence, **common)
        if not live:
            return None
        target = live[operation[1] % len(live)]
        if operation[0] == "correct":
            return store.NewEvent(organisation=target.organisation, kind=target.kind, subject=target.subject, payload=target.payload,
                                  date=operation[2], confidence=operation[3], note="corrected", corrects=target, **common)
        return store.NewEvent(organisation=target.organisation, kind="retraction", subject=target.subject,
                              payload={"reason": "wrong"}, date=target.date, confidence=1.0, retracts=target, **common)

    def live(self) -> list[Event]:
        """Events a correction or a retraction may still name (corrections included: they can be amended too)."""
        return list(
            Event.objects.with_relations().exclude(kind="retraction")
            .filter(retractions__isnull=True, corrections__isnull=True).order_by("seq")
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(APPENDS, st.lists(st.tuples(DAYS, st.integers(0, 30)), min_size=6, max_size=6))
    def test_the_projection_answers_every_day_and_moment_as_the_replay(self, appends, questions):
        moments = []
        for operations in appends:
            requests, used = [], set()
            live = self.live()
            for operation in operations:
                request = self.request(operation, live)
                target = request and (request.corrects or request.retracts)
                if request is None or (target is not None and target.pk in used):
                    continue  # one amendment of an event per append
                used.add(target.pk if target is not None else None)
                requests.append(request)
            if requests:
                moments.append(store.append_many(requests)[0].recorded_at)
        if not moments:
            return
        candidates = [moments[0] - timedelta(seconds=1)] + [m + delta for m in moments for delta in (timedelta(0), -timedelta(microseconds=1))]
        for (day, pick), organisation in zip(questions, [*self.organisations.values()] * 3):
            known_at = candidates[pick % len(candidates)]
            for moment in (known_at, None):
                self.assertEqual(
                    comparable(queries.state_at(organisation, day, moment)),
                    comparable(queries.replayed_state_at(organisation, day, moment)),
                    (day, moment),
                )
        incremental = projection_rows()
        for organisation in Organisation.objects.all():
            projections.rebuild(organisation)
        self.assertEqual(projection_rows(), incremental)
