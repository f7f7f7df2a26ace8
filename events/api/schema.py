"""OpenAPI declarations the views share: the error body, the error responses, the state and diff documents."""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

class ApiSchema(AutoSchema):
    """Reads need no credentials (ReadOrPermittedWrite): say so in each read's security requirements."""

    def get_auth(self):
        auths = super().get_auth()
        if self.method in SAFE_METHODS:
            auths.append({})
        return auths


ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or body; `errors` maps each field to its messages.",
    401: "No credentials: send `Authorization: Token <key>` or a session cookie.",
    403: "Authenticated, but without the permission this action needs.",
    404: "No such resource.",
    409: "Conflicts with the log as it stands (e.g. the event is already retracted).",
    415: "The body is not JSON.",
    422: "The Idempotency-Key was already used for a different request.",
    429: "Too many anonymous requests; retry after `Retry-After` seconds.",
}


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API, whatever the status."""

    status = serializers.IntegerField()
    code = serializers.CharField(help_text="Machine-readable: invalid, not_found, conflict, throttled, ...")
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field path (payload.status, date, cursor) -> messages; empty when no field is at fault.",
    )


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for extend_schema: 429 (throttling) always, plus the codes given."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in sorted({*codes, 429})}


WRITE_ERRORS = (400, 401, 403, 409, 415, 422)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Retrying a POST with the same key and body returns the first answer and appends nothing; "
    "the same key with a different body is refused with 422. Keys are per user, 1 to 255 characters.",
)

_PROVENANCE = {
    "since": {"type": "string", "description": "Partial date the standing began."},
    "certain": {"type": "boolean", "description": "False when the date asked falls inside `since`'s window."},
    "confidence": {"type": "number"},
    "events": {"type": "array", "items": {"type": "string", "format": "uuid"}},
    "sources": {"type": "array", "items": {"type": "string"}},
}
_STATUS_ENTRY = {
    "type": "object",
    "required": ["iso3", "slug", "name", *_PROVENANCE],
    "properties": {
        "iso3": {"type": "string", "nullable": True}, "slug": {"type": "string"}, "name": {"type": "string"},
        **_PROVENANCE,
    },
}
_OFFICE_ENTRY = {
    "type": "object",
    "nullable": True,
    "required": ["slug", "name", *_PROVENANCE],
    "properties": {
        "slug": {"type": "string"}, "name": {"type": "string"},
        "iso3": {"type": "string", "nullable": True, "description": "When a state holds the office."},
        "nationality": {"type": "string", "nullable": True, "description": "When a person holds the office."},
        **_PROVENANCE,
    },
}
_CONFLICT = {
    "type": "object",
    "required": ["about", "reason", "claims"],
    "properties": {
        "about": {"type": "string"},
        "reason": {"type": "string", "enum": ["dates", "values"]},
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["event", "date", "source", "confidence"],
                "properties": {
                    "event": {"type": "string", "format": "uuid"}, "date": {"type": "string"},
                    "source": {"type": "string"}, "confidence": {"type": "number"}, "value": {"nullable": True},
                },
            },
        },
    },
}

STATE_DOCUMENT = {
    "type": "object",
    "description": "Exactly `manage.py state --format json`. Besides the fixed keys there is one list per status "
    "the organisation declares (keyed by its plural: members, observers, dialogue_partners, ...) and one entry "
    "per office (keyed by its key: chair, secretary_general, ...; null when nobody holds it); see /api/organisations/.",
    "required": ["at", "known_at", "organisation", "conflicts"],
    "properties": {
        "at": {"type": "string", "format": "date"},
        "known_at": {"type": "string", "format": "date-time", "nullable": True},
        "organisation": {"type": "string"},
        "conflicts": {"type": "array", "items": _CONFLICT},
    },
    "additionalProperties": {"anyOf": [{"type": "array", "items": _STATUS_ENTRY}, _OFFICE_ENTRY]},
}

_CAUSES = {
    "since": {"type": "string"},
    "certain": {"type": "boolean"},
    "events": {
        "type": "array",
        "description": "The assertions that took effect between the two dates and caused the change.",
        "items": {
            "type": "object",
            "required": ["id", "kind", "date", "source", "confidence"],
            "properties": {
                "id": {"type": "string", "format": "uuid"}, "kind": {"type": "string"}, "date": {"type": "string"},
                "source": {"type": "string"}, "confidence": {"type": "number"},
            },
        },
    },
}
_MEMBERSHIP_CHANGE = {
    "type": "object",
    "required": ["slug", "iso3", "name", "from", "to", *_CAUSES],
    "properties": {
        "slug": {"type": "string"}, "iso3": {"type": "string", "nullable": True}, "name": {"type": "string"},
        "from": {"type": "string", "nullable": True, "description": "Status on the earlier date."},
        "to": {"type": "string", "nullable": True, "description": "Status on the later date."},
        **_CAUSES,
    },
}
_HOLDER = {
    "type": "object",
    "nullable": True,
    "required": ["slug", "name"],
    "properties": {
        "slug": {"type": "string"}, "name": {"type": "string"},
        "iso3": {"type": "string", "nullable": True}, "nationality": {"type": "string", "nullable": True},
    },
}
DIFF_DOCUMENT = {
    "type": "object",
    "required": ["organisation", "from", "to", "known_at", "joined", "left", "changed", "offices"],
    "properties": {
        "organisation": {"type": "string"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "known_at": {"type": "string", "format": "date-time", "nullable": True},
        "joined": {"type": "array", "items": _MEMBERSHIP_CHANGE, "description": "No status on `from`, one on `to`."},
        "left": {"type": "array", "items": _MEMBERSHIP_CHANGE, "description": "A status on `from`, none on `to`."},
        "changed": {"type": "array", "items": _MEMBERSHIP_CHANGE, "description": "One status on `from`, another on `to`."},
        "offices": {
            "type": "array",
            "description": "Offices whose holder on `to` differs from the holder on `from`.",
            "items": {
                "type": "object",
                "required": ["office", "label", "from", "to", *_CAUSES],
                "properties": {
                    "office": {"type": "string"}, "label": {"type": "string"}, "from": _HOLDER, "to": _HOLDER, **_CAUSES,
                },
            },
        },
    },
}
