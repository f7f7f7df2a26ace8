"""PostgreSQL connection set-up: a faster reader of timestamptz text.

Django registers its own timestamptz loader on psycopg connections: psycopg's parser, then the
connection's time zone put on the result. It costs about 4 µs a value, most of what reading a
page of events costs the client (a feed page holds 50 to 150 timestamps). PostgreSQL writes
timestamptz in ISO form with its offset ('2017-06-09 10:00:00.5+00'), which the C
datetime.fromisoformat reads in a fraction of that. Anything it does not read (infinity, BC,
years past 9999, another DateStyle) goes to the loader Django would have used, unchanged.
"""
from __future__ import annotations

from datetime import datetime, timezone

from django.db.backends.signals import connection_created
from psycopg.types.datetime import TimestamptzLoader

UTC = timezone.utc


class IsoTimestamptzLoader(TimestamptzLoader):
    # Django compares this with the connection's zone before each cursor, and registers its own
    # loader again on a mismatch.
    timezone = UTC

    def load(self, data) -> datetime:
        try:
            value = datetime.fromisoformat(bytes(data).decode())
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            return super().load(data).replace(tzinfo=UTC)  # what Django's loader returns
        return value.astimezone(UTC)


def install() -> None:
    connection_created.connect(_use_iso_timestamptz_loader, dispatch_uid="events.queries.postgres.iso_timestamptz")


def _use_iso_timestamptz_loader(sender, connection, **kwargs) -> None:
    # The loader answers in UTC, as Django's does with USE_TZ and TIME_ZONE = "UTC".
    if connection.vendor == "postgresql" and connection.timezone == UTC:
        connection.connection.adapters.register_loader("timestamptz", IsoTimestamptzLoader)
