"""The timestamptz loader events.queries.postgres installs reads what Django's reads, faster, and falls back for the rest."""
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from psycopg import DataError
from psycopg.types.datetime import TimestamptzLoader

from events.queries.postgres import IsoTimestamptzLoader

UTC = timezone.utc


def _load(text: str) -> datetime:
    return IsoTimestamptzLoader(0).load(text.encode())


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2017-06-09 10:00:00+00", datetime(2017, 6, 9, 10, tzinfo=UTC)),
        ("2017-06-09 10:00:00.5+00", datetime(2017, 6, 9, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2017-06-09 10:00:00.60934+00", datetime(2017, 6, 9, 10, 0, 0, 609340, tzinfo=UTC)),
        ("2017-06-09 15:30:00+05:30", datetime(2017, 6, 9, 10, tzinfo=UTC)),
        ("2017-06-09 07:00:00-03", datetime(2017, 6, 9, 10, tzinfo=UTC)),
        ("2017-06-09 10:00:15+00:00:15", datetime(2017, 6, 9, 10, tzinfo=UTC)),
    ],
)
def test_iso_text_is_read_as_utc(text, expected):
    loaded = _load(text)
    assert loaded == expected and loaded.tzinfo is UTC


@pytest.mark.parametrize("text", ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC"])
def test_what_fromisoformat_cannot_read_goes_to_psycopgs_loader(text):
    with pytest.raises(DataError) as ours:
        _load(text)
    with pytest.raises(DataError) as psycopgs:
        TimestamptzLoader(0).load(text.encode())
    assert str(ours.value) == str(psycopgs.value)


@pytest.mark.postgres
def test_postgresql_connections_read_timestamps_with_it(db):
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(
        connection.connection.adapters.types["timestamptz"].oid, 0  # text format
    )
    assert loader is IsoTimestamptzLoader
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '2017-06-09 10:00:00.5+00'::timestamptz, '2017-06-09 15:30+05:30'::timestamptz, now()"
        )
        exact, offset, now = cursor.fetchone()
    assert exact == datetime(2017, 6, 9, 10, 0, 0, 500000, tzinfo=UTC)
    assert offset == datetime(2017, 6, 9, 10, tzinfo=UTC)
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=5)
