"""SQL compiled once per process and database: fixed-shape reads (PreparedQuery) and the inserts of
the one write path (PreparedInsert), run with new parameters each time.

For a small indexed read, compiling the queryset costs the ORM more than the database takes to
answer it: the fixed-shape reads of the state and the feeds (intervals in force, rows by seq,
the log's head, the vocabulary) pay it once. For an insert of many rows the ORM builds a model
instance and compiles every value of every row: an append of a thousand events wrote about
forty thousand values that way. Nothing is cached but SQL text: every run goes to the database,
rows come back converted as the ORM converts them and values go in as their fields prepare them.
Imported by events.queries (reads), events.store and events.projections (writes), nowhere else.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import CharField, FloatField, IntegerField, Model, QuerySet, TextField

Parameter = int | str | date | datetime


class PreparedQuery:
    """The values_list queryset `build(params)` returns, compiled once per database and parameter types.

    Parameters are whole numbers, strings, dates or aware datetimes. `build` must make them, in the order given,
    the query's only SQL parameters: compiling checks that with stand-ins of the same types, so
    a query that would bind them elsewhere fails at once instead of reading the wrong rows.

    `primary=True` reads where writes go, never a replica (events.replicas): for the log's head.
    """

    def __init__(self, model: type[Model], build: Callable[[Sequence[Parameter]], QuerySet], *, primary: bool = False):
        self.model = model
        self.build = build
        self.primary = primary
        self._compiled = lru_cache(maxsize=64)(self._compile)

    def rows(self, params: Sequence[Parameter] = ()) -> list[tuple[Any, ...]]:
        alias = router.db_for_write(self.model) if self.primary else router.db_for_read(self.model)
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

    def rows_for_each(
        self, fixed: Sequence[Parameter], values: Sequence[Parameter], nothing: Parameter, page: int = 100
    ) -> list[tuple[Any, ...]]:
        """rows() for the parameters `fixed` then `values`, in runs of 1, 4, 16, 64 or `page` values, the
        last run filled up with `nothing` (a value no row has): for a query whose last parameters are an
        IN list, a handful of compiled queries serve any number of values (compiling a long IN list
        costs more than running it), and a short list stays short (a long one of mostly `nothing` can
        lead PostgreSQL to a worse plan).
        """
        found: list[tuple[Any, ...]] = []
        for i in range(0, len(values), page):
            run = list(values[i : i + page])
            size = next(size for size in (*_RUNS, page) if size >= len(run))
            found += self.rows([*fixed, *run, *[nothing] * (size - len(run))])
        return found

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


class PreparedInsert:
    """INSERTs of one model's rows, given as tuples of its columns' values (by attname, in `columns`'
    order): SQL written once per database, values prepared as the fields prepare them
    (`get_db_prep_save`, what the ORM itself does), sent with executemany. No model instance,
    no per-row compiling; nothing is returned (ids are the caller's, or the database's own).
    """

    def __init__(self, model: type[Model], columns: Sequence[str]):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns]
        # Whole numbers, text and floats go in as they are (the ORM would only check their type again):
        # a rebuild writes about a million values, most of them these.
        self.as_is = [isinstance(getattr(field, "target_field", field), _AS_IS) for field in self.fields]
        self._sql = lru_cache(maxsize=8)(self._compile)

    def rows(self, rows: Iterable[Sequence[Any]]) -> int:
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        prepared = [(as_is, field.get_db_prep_save) for as_is, field in zip(self.as_is, self.fields)]
        values = [
            [value if as_is else prepare(value, connection) for (as_is, prepare), value in zip(prepared, row)]
            for row in rows
        ]
        if values:
            with connection.cursor() as cursor:
                cursor.executemany(self._sql(alias), values)
        return len(values)

    def _compile(self, alias: str) -> str:
        quote = connections[alias].ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        return f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(self.fields))})"


_AS_IS = (IntegerField, CharField, TextField, FloatField)  # AutoFields are IntegerFields
_RUNS = (1, 4, 16, 64)
