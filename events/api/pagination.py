"""Keyset (cursor) pagination over a queryset's own ordering, whose last field must be unique.

A cursor names the ordering values of the last (or first) row shown, so a page is one
indexed range query: appending events never shifts a page, and nothing counts the log.
"""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

NEXT, PREVIOUS = "n", "p"


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 500

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        """The rows of one page, as the queryset yields them (model instances, `values()` or `values_list()` rows)."""
        self.request = request
        self.model = queryset.model
        self.columns = list(queryset._fields or ())
        self.ordering = _ordering(queryset)
        self.page_size = self._page_size(request)
        direction, keys = self._decode(request.query_params.get(self.cursor_query_param))
        if keys is not None:
            queryset = queryset.filter(_beyond(self.ordering, keys, backwards=direction == PREVIOUS))
        if direction == PREVIOUS:
            queryset = queryset.order_by(*(_reverse(f) for f in self.ordering))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if direction == PREVIOUS:
            rows.reverse()
        # Coming back from a later page (or going on from an earlier one) proves a page on that side.
        self.has_next = more if direction != PREVIOUS else True
        self.has_previous = keys is not None and (more if direction == PREVIOUS else True)
        self.first, self.last = (rows[0], rows[-1]) if rows else (None, None)
        return rows

    def get_paginated_response(self, data: list, **extra: Any) -> Response:
        return Response({**extra, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self) -> str | None:
        return self._link(NEXT, self.last) if self.has_next and self.last is not None else None

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if self.first is None:  # an empty page reached through a cursor: back to the start
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(PREVIOUS, self.first)

    def _link(self, direction: str, row) -> str:
        keys = [self._value(row, field.lstrip("-")) for field in self.ordering]
        token = base64.urlsafe_b64encode(json.dumps([direction, keys]).encode()).decode().rstrip("=")
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, token)

    def _value(self, row, field: str):
        if isinstance(row, tuple):
            value = row[self.columns.index(field)]
        else:
            value = row[field] if isinstance(row, dict) else getattr(row, field)
        return value.isoformat() if hasattr(value, "isoformat") else value

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"give a whole number from 1 to {self.max_page_size}"]})
        return size

    def _decode(self, token: str | None) -> tuple[str, list | None]:
        if not token:
            return NEXT, None
        try:
            direction, keys = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), parse_constant=_refuse)
            if direction not in (NEXT, PREVIOUS) or not isinstance(keys, list) or len(keys) != len(self.ordering):
                raise ValueError
            keys = [_key(self.model._meta.get_field(f.lstrip("-")), k) for f, k in zip(self.ordering, keys)]
        except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error, DjangoValidationError):
            raise ValidationError({self.cursor_query_param: ["is not a cursor this list gave out"]}) from None
        return direction, keys

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param, "required": False, "in": "query",
                "description": "The opaque cursor from a `next` or `previous` link.", "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param, "required": False, "in": "query",
                "description": f"Results per page (default {self.page_size}, at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def _key(field, value):
    """A cursor's value for `field`; clean(), not to_python(), so a value beyond the column's range is refused."""
    if value is None:
        raise ValueError("a cursor holds no null")
    return field.clean(value, None)


def _refuse(constant: str):
    raise ValueError(f"{constant} is not a value a cursor holds")


def _ordering(queryset: QuerySet) -> tuple[str, ...]:
    ordering = tuple(queryset.query.order_by) or tuple(queryset.model._meta.ordering)
    last = queryset.model._meta.get_field(ordering[-1].lstrip("-")) if ordering else None
    if last is None or not (last.unique or last.primary_key):
        raise ValueError(f"keyset pagination needs an ordering that ends with a unique field, not {ordering}")
    return ordering


def _beyond(ordering: tuple[str, ...], keys: list, backwards: bool) -> Q:
    """Rows strictly after `keys` in `ordering` (before them when `backwards`).

    Written as `a >= x AND (a > x OR (b > y))` rather than `a > x OR (a = x AND b > y)`, so the
    leading condition is a range the index on the first field can serve.
    """
    field, rest = ordering[0], ordering[1:]
    name, forwards = field.lstrip("-"), field.startswith("-") == backwards
    strictly = Q(**{f"{name}__{'gt' if forwards else 'lt'}": keys[0]})
    if not rest:
        return strictly
    return Q(**{f"{name}__{'gte' if forwards else 'lte'}": keys[0]}) & (strictly | _beyond(rest, keys[1:], backwards))


def _reverse(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


