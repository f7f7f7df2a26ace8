"""The pure replay: precedence, partial dates, amendments, bitemporality, conflicts, and its invariants."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from events.domain import replay as replay_module
from events.domain.dates import PartialDate
from events.domain.replay import (
    Conflict,
    EventRecord,
    Interval,
    _by_slot,
    _intervals,
    _standing,
    effective_events,
    slot_conflicts,
    state_at,
)

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


class Log:
    """Builds EventRecords with increasing seq and recorded_at."""

    def __init__(self):
        self.records: list[EventRecord] = []

    def add(self, kind, subject, payload, when, confidence=0.9, **links) -> EventRecord:
        seq = len(self.records) + 1
        record = EventRecord(uuid4(), seq, kind, subject, payload, PartialDate.parse(when), confidence,
                             T0 + timedelta(hours=seq), source=f"s{seq}", **links)
        self.records.append(record)
        return record

    def status(self, subject, status, when, confidence=0.9, **extra):
        return self.add("membership.status", subject, {"status": status, **extra}, when, confidence)

    def office(self, holder, office, when, confidence=0.9):
        return self.add("office.assumed", holder, {"office": office}, when, confidence)

    def retract(self, target):
        return self.add("retraction", target.subject, {"reason": "wrong"}, str(target.date), 1.0, retracts=target.id)

    def correct(self, target, **changes):
        fields = {"payload": target.payload, "when": str(target.date), "confidence": target.confidence, **changes}
        return self.add(target.kind, target.subject, fields["payload"], fields["when"], fields["confidence"], corrects=target.id)


def members(state):
    return sorted(s.holder for s in state.with_value("membership", "member"))


def test_latest_assertion_on_or_before_the_date_wins():
    log = Log()
    log.status("india", "observer", "2005-07-05")
    log.status("india", "member", "2017-06-09")
    assert members(state_at(log.records, date(2017, 6, 8))) == []
    assert members(state_at(log.records, date(2017, 6, 9))) == ["india"]


def test_tie_on_the_same_date_goes_to_higher_confidence_then_later_seq():
    log = Log()
    log.status("iran", "member", "2023-07-04", confidence=0.95)
    log.status("iran", "observer", "2023-07-04", confidence=0.4)
    state = state_at(log.records, date(2023, 7, 5))
    assert members(state) == ["iran"]
    log.status("iran", "dialogue_partner", "2023-07-04", confidence=0.95)
    assert state_at(log.records, date(2023, 7, 5)).with_value("membership", "dialogue_partner")[0].holder == "iran"


def test_partial_date_window_containing_the_day_is_uncertain():
    log = Log()
    log.status("belarus", "member", "2024-07")
    inside = state_at(log.records, date(2024, 7, 10)).with_value("membership", "member")[0]
    after = state_at(log.records, date(2024, 8, 1)).with_value("membership", "member")[0]
    assert (inside.certain, after.certain) == (False, True)
    assert str(inside.since) == "2024-07"
    assert members(state_at(log.records, date(2024, 6, 30))) == []


def test_vague_assertion_takes_the_date_of_a_precise_one_of_the_same_value_in_its_window():
    log = Log()
    log.status("iran", "observer", "2005-07-05")
    precise = log.status("iran", "member", "2023-07-04", confidence=0.95)
    vague = log.status("iran", "member", "2023", confidence=0.7)
    before = state_at(log.records, date(2023, 3, 1))
    after = state_at(log.records, date(2023, 7, 4)).with_value("membership", "member")[0]
    assert [s.holder for s in before.with_value("membership", "observer")] == ["iran"]
    assert (str(after.since), after.certain) == ("2023-07-04", True)
    assert {e.id for e in after.events} == {precise.id, vague.id}
    assert before.conflicts == ()


def test_reassertion_of_the_same_value_keeps_since_at_the_first_assertion():
    log = Log()
    log.status("india", "member", "2017-06-09")
    log.status("india", "member", "2018-01-01", confidence=0.7)
    assert str(state_at(log.records, date(2019, 1, 1)).with_value("membership", "member")[0].since) == "2017-06-09"


def test_observation_confirms_a_status_without_moving_since():
    log = Log()
    log.status("mongolia", "observer", "2004-06-17")
    sighting = log.status("mongolia", "observer", "2010-05-01", observed=True)
    standing = state_at(log.records, date(2012, 1, 1)).with_value("membership", "observer")[0]
    assert str(standing.since) == "2004-06-17"
    assert sighting.id in {e.id for e in standing.events}


def test_contradicting_sighting_is_a_conflict_and_does_not_change_the_status():
    log = Log()
    log.status("belarus", "observer", "2015-07-10")
    log.status("belarus", "dialogue_partner", "2017-03-20", confidence=0.25, observed=True)
    state = state_at(log.records, date(2018, 1, 1))
    assert [s.holder for s in state.with_value("membership", "observer")] == ["belarus"]
    assert [(c.reason, len(c.events)) for c in state.conflicts] == [("values", 2)]


def test_sighting_alone_gives_the_status():
    log = Log()
    log.status("laos", "partner", "2025-09-01", observed=True)
    assert [s.holder for s in state_at(log.records, date(2025, 9, 2)).with_value("membership", "partner")] == ["laos"]


def test_retracted_event_is_ignored_after_retraction_time():
    log = Log()
    wrong = log.status("turkey", "member", "2012-06-07")
    retraction = log.retract(wrong)
    before = state_at(log.records, date(2013, 1, 1), known_at=retraction.recorded_at - timedelta(seconds=1))
    after = state_at(log.records, date(2013, 1, 1), known_at=retraction.recorded_at)
    assert members(before) == ["turkey"] and members(after) == []


def test_correction_replaces_its_target_and_retracting_the_correction_restores_it():
    log = Log()
    original = log.status("india", "member", "2017-06-10")
    correction = log.correct(original, when="2017-06-09")
    assert str(state_at(log.records, date(2018, 1, 1)).with_value("membership", "member")[0].since) == "2017-06-09"
    assert members(state_at(log.records, date(2017, 6, 9), known_at=correction.recorded_at - timedelta(seconds=1))) == []
    log.retract(correction)
    assert str(state_at(log.records, date(2018, 1, 1)).with_value("membership", "member")[0].since) == "2017-06-10"


def test_office_passes_to_the_next_holder():
    log = Log()
    log.office("rashid-alimov", "secretary_general", "2016-01-01")
    log.office("vladimir-norov", "secretary_general", "2019-01-01")
    assert state_at(log.records, date(2018, 12, 31)).standing(("office", "secretary_general")).holder == "rashid-alimov"
    assert state_at(log.records, date(2019, 1, 1)).standing(("office", "secretary_general")).holder == "vladimir-norov"
    assert state_at(log.records, date(2015, 12, 31)).standing(("office", "secretary_general")) is None


def test_two_dates_for_one_happening_are_a_conflict_from_the_first_date():
    log = Log()
    log.add("document.signed", "sco-charter", {}, "2002-06-07", 0.95)
    log.add("document.signed", "sco-charter", {}, "2002-07-07", 0.3)
    assert state_at(log.records, date(2002, 6, 6)).conflicts == ()
    conflict = state_at(log.records, date(2002, 6, 8)).conflicts[0]
    assert (conflict.key, conflict.reason, len(conflict.events)) == (("document.signed", "sco-charter"), "dates", 2)


def test_overlapping_dates_are_no_conflict_but_different_values_are():
    log = Log()
    log.status("india", "member", "2017-06-09")
    log.status("india", "member", "2017-06")
    assert state_at(log.records, date(2018, 1, 1)).conflicts == ()
    log.status("india", "observer", "2017-06-09", confidence=0.2)
    conflicts = state_at(log.records, date(2018, 1, 1)).conflicts
    assert [c.reason for c in conflicts] == ["values"]


def test_same_change_with_disjoint_dates_is_a_dates_conflict():
    log = Log()
    log.status("india", "member", "2017-06-09")
    log.status("india", "member", "2016-06-24", confidence=0.3)
    assert [c.reason for c in state_at(log.records, date(2018, 1, 1)).conflicts] == ["dates"]


# --- invariants -------------------------------------------------------------

SUBJECTS = ["a", "b", "c"]
STATUSES = ["member", "observer", None]
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2003, 12, 31))


@st.composite
def logs(draw):
    """A random log of assertions, corrections and retractions, in seq order."""
    log = Log()
    for _ in range(draw(st.integers(0, 25))):
        action = draw(st.sampled_from(["status", "status", "office", "retract", "correct"]))
        standing = [r for r in log.records if r.kind != "retraction"]
        if action == "retract" and standing:
            target = draw(st.sampled_from(standing))
            if not any(r.retracts == target.id for r in log.records):
                log.retract(target)
        elif action == "correct" and standing:
            log.correct(draw(st.sampled_from(standing)), when=draw(DAYS).isoformat())
        elif action == "office":
            log.office(draw(st.sampled_from(SUBJECTS)), "chair", draw(DAYS).isoformat(), draw(st.floats(0, 1)))
        else:
            when = draw(DAYS)
            precision = draw(st.sampled_from(["day", "month", "year"]))
            text = {"day": when.isoformat(), "month": when.isoformat()[:7], "year": when.isoformat()[:4]}[precision]
            extra = {"observed": True} if draw(st.booleans()) and draw(st.booleans()) else {}
            log.status(draw(st.sampled_from(SUBJECTS)), draw(st.sampled_from(STATUSES)), text, draw(st.floats(0, 1)), **extra)
    return log.records


def summary(state):
    return (
        sorted((s.slot, s.value, s.holder, str(s.since), s.certain, tuple(e.id for e in s.events)) for s in state.standings),
        sorted((c.key, c.reason, tuple(e.id for e in c.events)) for c in state.conflicts),
    )


@settings(max_examples=200, deadline=None)
@given(logs(), DAYS, st.integers(0, 30))
def test_events_recorded_after_known_at_never_change_the_answer(records, at, cut):
    known_at = T0 + timedelta(hours=cut, minutes=30)
    known = [r for r in records if r.recorded_at <= known_at]
    assert summary(state_at(records, at, known_at)) == summary(state_at(known, at, known_at))


@settings(max_examples=200, deadline=None)
@given(logs(), DAYS)
def test_a_retracted_event_is_as_if_never_recorded(records, at):
    retracted = {r.retracts for r in records if r.kind == "retraction"}
    retractions = {r.id for r in records if r.kind == "retraction"}
    without = [r for r in records if r.id not in retracted and r.id not in retractions]
    # a correction of a retracted event still stands on its own: keep it, minus the link
    without = [r._replace(corrects=None) if r.corrects in retracted else r for r in without]
    assert summary(state_at(records, at)) == summary(state_at(without, at))


@settings(max_examples=200, deadline=None)
@given(logs(), DAYS, st.randoms())
def test_insertion_order_does_not_matter_beyond_seq(records, at, rng):
    shuffled = list(records)
    rng.shuffle(shuffled)
    assert summary(state_at(records, at)) == summary(state_at(shuffled, at))


@settings(max_examples=100, deadline=None)
@given(logs())
def test_effective_events_never_include_retractions_or_superseded_events(records):
    effective = effective_events(records)
    ids = {r.id for r in effective}
    assert all(r.kind != "retraction" for r in effective)
    assert not any(r.corrects in ids for r in effective)
    assert all(isinstance(r.id, UUID) for r in effective)


# --- the one-pass slot replay and the bounded conflict search against their definitions ----------


def _intervals_by_definition(slot, ordered):
    """Each answer is the standing of exactly the assertions in effect at its start (the definition)."""
    found = []
    for i, record in enumerate(ordered):
        start = record.effective.earliest
        if i + 1 < len(ordered) and ordered[i + 1].effective.earliest == start:
            continue
        end = ordered[i + 1].effective.earliest if i + 1 < len(ordered) else None
        found.append(Interval(slot, start, end, _standing(slot, ordered[: i + 1], start)))
    return found


def _slot_conflicts_by_definition(slot, ordered):
    """Every pair compared: the conflicts as DESIGN.md states them."""
    value = replay_module._value
    conflicts = []
    changes = [r for r in ordered if not r.payload.get("observed")]
    runs = []
    for record in changes:
        if runs and value(runs[-1][-1]) == value(record):
            runs[-1].append(record)
        else:
            runs.append([record])
    for run in runs:
        if any(not a.date.overlaps(b.date) for i, a in enumerate(run) for b in run[i + 1 :]):
            conflicts.append(Conflict(slot, "dates", tuple(run)))
    for i, first in enumerate(changes):
        rivals = [r for r in changes[i + 1 :] if r.date.overlaps(first.date) and value(r) != value(first)]
        if rivals and not any(value(p) != value(first) and p.date.overlaps(first.date) for p in changes[:i]):
            conflicts.append(Conflict(slot, "values", (first, *rivals)))
    for sighting in (r for r in ordered if r.payload.get("observed")):
        before = [r for r in changes if r.effective.earliest <= sighting.effective.earliest]
        if before and value(before[-1]) != value(sighting):
            conflicts.append(Conflict(slot, "values", (before[-1], sighting)))
    return conflicts


@settings(max_examples=300, deadline=None)
@given(logs())
def test_one_pass_slot_intervals_equal_the_standing_of_each_prefix(records):
    for slot, ordered in _by_slot(effective_events(records)).items():
        assert _intervals(slot, ordered) == _intervals_by_definition(slot, ordered)


@settings(max_examples=300, deadline=None)
@given(logs())
def test_bounded_conflict_search_finds_what_comparing_every_pair_finds(records):
    for slot, ordered in _by_slot(effective_events(records)).items():
        assert slot_conflicts(slot, ordered) == _slot_conflicts_by_definition(slot, ordered)


def test_a_vague_claim_anchored_later_still_conflicts_with_a_rival_inside_its_window():
    log = Log()
    log.status("b", "observer", "2017-03-01")
    log.status("b", "member", "2017-06-09")
    vague = log.status("b", "member", "2017")  # takes effect on 9 June, but may have happened on 1 March
    [conflict] = [c for c in state_at(log.records, date(2018, 1, 1)).conflicts if c.reason == "values"]
    assert [e.id for e in conflict.events][-1] == vague.id
    for slot, ordered in _by_slot(effective_events(log.records)).items():
        assert slot_conflicts(slot, ordered) == _slot_conflicts_by_definition(slot, ordered)
