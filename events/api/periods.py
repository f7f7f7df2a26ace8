"""/api/periods/: every slot's periods (a state's statuses, an office's holders) from the projection, as
JSON or CSV (`?format=csv`); with `at`, only the periods in force that day: the state on a date as rows.

The membership chart draws these same periods (events.web.chart).
"""
from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from events import queries
from events.queries.periods import Period, periods

from .renderers import FastJSONRenderer
from .schema import errors
from .views import StateParams

COLUMNS = (
    "family", "slot", "value", "holder", "name", "iso3", "nationality", "start", "end", "since", "certain",
    "confidence", "events",
)


class PeriodParams(StateParams):
    def get_fields(self):
        fields = super().get_fields()
        fields["at"].help_text = "Only the periods in force on this day, YYYY-MM-DD (the state on that day); default: all."
        return fields


class CSVRenderer(BaseRenderer):
    """The periods as one CSV row each (the events' ids space-separated); an error as its fields."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        if isinstance(data, dict) and "periods" in data:
            writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in data["periods"]:
                writer.writerow({**row, "certain": _csv(row["certain"]), "events": " ".join(row["events"])})
        else:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(("status", "code", "detail"))
            writer.writerow((data.get("status"), data.get("code"), data.get("detail")))
        return out.getvalue().encode()


PERIOD = {
    "type": "object",
    "properties": {
        "family": {"type": "string"}, "slot": {"type": "string"}, "value": {"type": "string", "nullable": True},
        "holder": {"type": "string"}, "name": {"type": "string"}, "iso3": {"type": "string", "nullable": True},
        "nationality": {"type": "string", "nullable": True}, "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date", "nullable": True}, "since": {"type": "string"},
        "certain": {"type": "boolean", "nullable": True}, "confidence": {"type": "number"},
        "events": {"type": "array", "items": {"type": "string", "format": "uuid"}},
    },
}
PERIODS_DOCUMENT = {
    "type": "object",
    "properties": {
        "organisation": {"type": "string"}, "at": {"type": "string", "format": "date", "nullable": True},
        "known_at": {"type": "string", "format": "date-time", "nullable": True},
        "periods": {"type": "array", "items": PERIOD},
    },
}


class PeriodsView(APIView):
    renderer_classes = [FastJSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        """An unknown `format` is a bad parameter (400 naming it), not a missing resource (DRF's 404)."""
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            known = ", ".join(renderer.format for renderer in self.renderer_classes)
            raise ValidationError({"format": [f"{request.query_params.get('format')!r} is not a format here ({known})"]}) from None

    @extend_schema(
        summary="Every slot's periods: each state's statuses and each office's holders, over time",
        description="A period is a slot holding one value from `start` until the day before `end` (null: still). "
        "`since` is the date as the sources give it. With `at`, the periods in force that day: the state on a date "
        "as rows. `?format=csv` answers CSV with the same columns.",
        parameters=[PeriodParams],
        responses={200: PERIODS_DOCUMENT, **errors(400)},
    )
    def get(self, request):
        checked = PeriodParams(data=request.query_params)
        checked.is_valid(raise_exception=True)
        organisation, known_at, at = (checked.validated_data.get(name) for name in ("org", "known_at", "at"))
        found = periods(organisation, known_at, at=at)
        ids = {seq: record.id for seq, record in queries.events_by_seq({s for p in found for s in p.evidence}).items()}
        return Response({
            "organisation": organisation.slug,
            "at": at.isoformat() if at else None,
            "known_at": known_at.isoformat() if known_at else None,
            "periods": [period_entry(p, ids, at) for p in found],
        })


def period_entry(period: Period, ids: dict, at) -> dict[str, Any]:
    holder = period.holder
    return {
        "family": period.family, "slot": period.slot, "value": period.value, "holder": holder.slug, "name": holder.name,
        "iso3": holder.iso3, "nationality": holder.nationality, "start": period.start.isoformat(),
        "end": period.end.isoformat() if period.end else None, "since": str(period.since),
        "certain": None if at is None else not period.since.is_uncertain_at(at), "confidence": period.confidence,
        "events": [str(ids[seq]) for seq in period.evidence if seq in ids],
    }



def _csv(value: bool | None) -> str:
    return "" if value is None else str(value).lower()
