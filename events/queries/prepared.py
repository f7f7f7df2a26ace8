"""Querysets compiled to SQL once per process and database, then run with new parameters.

For a small indexed read, compiling the queryset costs the ORM more than the database takes to
answer it: the fixed-shape reads of the state and the feeds (intervals in force, rows by seq,
the log's head, the vocabulary) pay it once. Nothing is cached but SQL text: every run queries the database, and the rows come back
converted as the ORM converts them (UUIDs, datetimes, JSON).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

Parameter = int | str | date | datetime


class PreparedQuery:
    """The values_list queryset `build(params)` returns, compiled once per database and parameter types.

    Parameters are whole numbers, strings, dates or aware datetimes. `build` must make them, in the order given,
    the query's only SQL parameters: compiling checks that with stand-ins of the same types, so
    a query that would bind them elsewhere fails at once instead of reading the wrong rows.
    """

    def __init__(self, model: type[Model], build: Callable[[Sequence[Parameter]], QuerySet]):
        self.model = model
        self.build = build
        self._compiled = lru_cache(maxsize=64)(self._compile)

    def rows(self, params: Sequence[Parameter] = ()) -> list[tuple[Any, ...]]:
        alias = router.db_for_read(self.model)
        sql, query, columns = self._compiled(alias, tuple(map(_type_of, params)))
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, [_bound(connection, value) for value in params])
            fetched = cursor.fetchall()
        # A compiler of this thread's connection, for the converters only: setting it up costs nothing.
        compiler = query.get_compiler(connection=connection)
        converters = compiler.get_converters(columns)
        if not converters:
            return fetched
        return [tuple(row) for row in compiler.apply_converters(fetched, converters)]

    def _compile(self, alias: str, types: tuple[type, ...]):
        stand_ins = [_STAND_INS[kind](position) for position, kind in enumerate(types, start=1)]
        queryset = self.build(stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [_bound(connections[alias], value) for value in stand_ins]:
            raise ValueError(f"{self.build!r}: the query's parameters {params!r} are not the {len(types)} given, in order")
        return sql, queryset.query, [column for column, _, _ in compiler.select[: compiler.col_count]]


_STAND_INS: dict[type, Callable[[int], Parameter]] = {
    int: lambda position: position,
    str: lambda position: f"stand-in {position}",
    date: lambda position: date(1900, 1, 1) + timedelta(days=position),
    datetime: lambda position: datetime(1900, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=position),
}


def _type_of(value: Parameter) -> type:
    kind = type(value)
    if kind not in _STAND_INS:
        raise TypeError(f"a prepared query takes whole numbers, strings, dates and datetimes, not {kind.__name__}")
    return kind


def _bound(connection, value: Parameter):
    """The value as the ORM binds it on this database (SQLite gets dates and datetimes as ISO text)."""
    if type(value) is date:
        return connection.ops.adapt_datefield_value(value)
    if type(value) is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value
