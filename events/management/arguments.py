"""Argument parsing shared by the management commands: bad input becomes exit code 2 with a clear message."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.management.base import CommandError

from events import queries
from events.domain.dates import InvalidDate, PartialDate, parse_day, parse_moment
from events.models import Entity, Organisation

USAGE_ERROR = 2


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def day(text: str, option: str) -> date:
    return _parsed(parse_day, text, option)


def moment(text: str, option: str) -> datetime:
    """An ISO datetime (UTC when naive), or a day meaning its end."""
    return _parsed(parse_moment, text, option)


def partial_date(text: str, option: str) -> PartialDate:
    """YYYY, YYYY-MM or YYYY-MM-DD."""
    return _parsed(PartialDate.parse, text, option)


def _parsed(parse: Callable[[str], Any], text: str, option: str) -> Any:
    try:
        return parse(text)
    except InvalidDate as exc:
        raise usage_error(f"{option}: {exc}") from None


def organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none: run load_seeds"
        raise usage_error(f"--org: no organisation {slug!r} (known: {known})") from None


def entity(reference: str) -> Entity:
    """An entity by slug or ISO3 code."""
    found = queries.entity_by_reference(reference)
    if found is None:
        raise usage_error(f"--entity: no entity with slug or ISO3 {reference!r}")
    return found
