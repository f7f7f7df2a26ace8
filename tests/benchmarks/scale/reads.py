"""The reads the scale benchmark times, and the floor each is held against: one indexed SQL query."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from .generator import LAST_DAY, World
from .timing import Timing, interleaved

_BITEMPORAL: dict[str, bool] = {}  # per database alias


def bitemporal() -> bool:
    """Whether the intervals carry the window of their belief (recorded_from, recorded_until) yet."""
    from django.db import connection

    if connection.alias not in _BITEMPORAL:
        with connection.cursor() as cursor:
            described = {c.name for c in connection.introspection.get_table_description(cursor, "events_slotinterval")}
        _BITEMPORAL[connection.alias] = {"recorded_from", "recorded_until"} <= described
    return _BITEMPORAL[connection.alias]


def floor_rows(organisation_id: int, day: date, known_at: datetime | None = None) -> list[tuple]:
    """The floor: the intervals in force on `day` for one organisation (as believed at `known_at`), with
    their holders, in one indexed query. With recorded_from/recorded_until the belief is a condition;
    without them, a past belief has no index to ask and this answers the present one."""
    from django.db import connection

    sql = (
        "SELECT i.family, i.name, i.value, i.since_earliest, i.since_latest, i.since_precision, i.confidence,"
        " i.evidence, h.slug, h.name, h.type, h.iso3, c.iso3"
        " FROM events_slotinterval i JOIN events_entity h ON h.id = i.holder_id LEFT JOIN events_entity c ON c.id = h.country_id"
        ' WHERE i.organisation_id = %s AND i.start <= %s AND (i."end" IS NULL OR i."end" > %s)'
    )
    params: list = [organisation_id, day, day]
    if bitemporal():
        if known_at is None:
            sql += " AND i.recorded_until IS NULL"
        else:
            sql += " AND i.recorded_from <= %s AND (i.recorded_until IS NULL OR i.recorded_until > %s)"
            params += [known_at, known_at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read_samples(world: World, seed: int, count: int) -> dict[str, list[tuple]]:
    """Random (organisation, day), (organisation, day, moment) and (organisation, day, day) samples over the
    organisations that have events: days in each one's history, moments before the last append."""
    from events.models import Event, Organisation

    rng = random.Random(seed)
    founded = {o.slug: o.founded for o in world.organisations}
    organisations = list(Organisation.objects.filter(events__isnull=False).distinct())
    head = Event.objects.order_by("-seq").values_list("seq", "recorded_at").first()
    moments = dict(Event.objects.filter(seq__in=[rng.randrange(1, head[0]) for _ in range(count)]).values_list("seq", "recorded_at"))
    past = sorted(m for m in moments.values() if m < head[1])

    def day(organisation) -> date:
        first = founded[organisation.slug]
        return first + timedelta(days=rng.randrange((LAST_DAY - first).days + 1))

    picks = [rng.choice(organisations) for _ in range(count)]
    return {
        "on a day": [(o, day(o)) for o in picks],
        "as known at": [(o, day(o), rng.choice(past)) for o in picks] if past else [],
        "diff": [(o, *sorted((day(o), day(o)))) for o in picks],
    }


def measure_reads(world: World, seed: int, count: int, budget: float) -> dict[str, Timing]:
    """Ours and the floor, interleaved, on `count` samples of each read (or what `budget` seconds allow)."""
    from events import queries
    from events.documents import diff_document, state_document_at
    from events.domain import diffs

    def diff(organisation, start, end):
        before, after = (queries.state_at(organisation, day) for day in (start, end))
        return diff_document(organisation, start, end, None, diffs.changes(before, after))

    samples = read_samples(world, seed, count)
    found = {}
    for name, ours, floor in (
        ("on a day", state_document_at, lambda o, day: floor_rows(o.pk, day)),
        ("as known at", state_document_at, lambda o, day, moment: floor_rows(o.pk, day, moment)),
        ("diff", diff, lambda o, start, end: (floor_rows(o.pk, start), floor_rows(o.pk, end))),
    ):
        if samples[name]:
            timed = interleaved(samples[name], {"ours": ours, "floor": floor}, budget)
            found[name], found[f"{name} floor"] = timed["ours"], timed["floor"]
    return found
