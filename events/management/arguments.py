"""Argument parsing shared by the management commands: bad input becomes exit code 2 with a clear message."""
from __future__ import annotations

from datetime import date, datetime
from datetime import timezone as dt_timezone

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from events import queries
from events.domain.dates import InvalidDate, PartialDate, Precision
from events.models import Entity, Organisation

USAGE_ERROR = 2


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def day(text: str, option: str) -> date:
    try:
        parsed = PartialDate.parse(text)
    except InvalidDate as exc:
        raise usage_error(f"{option}: {exc}") from None
    if parsed.precision is not Precision.DAY:
        raise usage_error(f"{option}: give a day, YYYY-MM-DD (not {text!r})")
    return parsed.earliest


def moment(text: str, option: str) -> datetime:
    try:
        parsed = parse_datetime(text) or (datetime.combine(day(text, option), datetime.max.time()))
    except ValueError as exc:
        raise usage_error(f"{option}: {exc}") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt_timezone.utc)
    return parsed


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
