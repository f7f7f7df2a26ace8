"""Querysets compiled to SQL once per process and database, then run with new parameters.

For a small indexed read, compiling the queryset costs the ORM more than the database takes to
answer it: the feeds' fixed-shape reads (rows by seq, the log's head, the vocabularies) pay it
once. Nothing is cached but SQL text: every run queries the database, and the rows come back
converted as the ORM converts them (UUIDs, datetimes, JSON).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet


class PreparedQuery:
    """The values_list queryset `build(params)` returns, compiled once per database and number of params.

    `build` must make its parameters, in the order given, the query's only SQL parameters:
    compiling checks that with stand-ins, so a query that would bind them elsewhere fails at
    once instead of reading the wrong rows.
    """

    def __init__(self, model: type[Model], build: Callable[[Sequence[int]], QuerySet]):
        self.model = model
        self.build = build
        self._compiled = lru_cache(maxsize=64)(self._compile)

    def rows(self, params: Sequence[int] = ()) -> list[tuple[Any, ...]]:
        alias = router.db_for_read(self.model)
        sql, query, columns = self._compiled(alias, len(params))
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            fetched = cursor.fetchall()
        # A compiler of this thread's connection, for the converters only: setting it up costs nothing.
        compiler = query.get_compiler(connection=connection)
        converters = compiler.get_converters(columns)
        if not converters:
            return fetched
        return [tuple(row) for row in compiler.apply_converters(fetched, converters)]

    def _compile(self, alias: str, count: int):
        stand_ins = list(range(1, count + 1))
        queryset = self.build(stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != stand_ins:
            raise ValueError(f"{self.build!r}: the query's parameters {params!r} are not the {count} given, in order")
        return sql, queryset.query, [column for column, _, _ in compiler.select[: compiler.col_count]]
