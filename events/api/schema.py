"""OpenAPI declarations the views share: the error body, the error responses, the state and diff documents."""
from __future__ import annotations

from django.db import DatabaseError
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
    "the same key with a different body is refused with 422. Keys are per user, 1 to 255 visible ASCII characters.",
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


# --- rules that depend on the data, stated in the schema when it is generated ---------------------

# What a cursor is: the base64url text of a `next` or `previous` link. Its value must be one the list
# gave out; no schema can say that, so the description does.
CURSOR = {
    "type": "string",
    "pattern": "^[A-Za-z0-9_-]*$",
    "description": "Opaque: copy it from a `next` or `previous` link of the same list and ordering; any other "
    "value is refused with 400 (errors.cursor). Empty means the first page.",
}
# Idempotency-Key: 1 to 255 visible ASCII characters (events.api.idempotency.KEY is the same rule).
IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
# Text an event stores refuses C0 control characters except tab and newline (events.domain.text).
EVENT_TEXT = "^[^\\u0000-\\u0008\\u000b-\\u001f]*$"
# A partial date: a year (0001-9999), a year and month, or a day in ISO format.
_YEAR = "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
PARTIAL_DATE = {
    "anyOf": [
        {"type": "string", "pattern": f"^{_YEAR}$"},
        {"type": "string", "pattern": f"^{_YEAR}-(0[1-9]|1[0-2])$"},
        {"type": "string", "format": "date"},
    ],
    "description": "Partial date: YYYY, YYYY-MM or YYYY-MM-DD (a day that exists).",
}


def describe_references(result: dict, generator, request, public) -> dict:
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: the values a parameter or field must name, read from the
    database as the schema is generated (organisations, sources, entities), and the formats of the cursor, the
    Idempotency-Key, dates and event text."""
    from events.domain.kinds import KINDS
    from events.models import Entity, Organisation, Source

    try:
        names = {
            "organisation": sorted(Organisation.objects.values_list("slug", flat=True)),
            "source": sorted(Source.objects.values_list("key", flat=True)),
            "subject": sorted(Entity.objects.values_list("slug", flat=True)),
        }
    except DatabaseError:  # no database yet (check --deploy before migrate): the formats still hold
        names = {"organisation": [], "source": [], "subject": []}
    names["kind"] = sorted(name for name in KINDS if name != "retraction")
    names["org"] = names["organisation"]
    query_names = ("org", "organisation", "source")
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _describe_parameter(parameter, {name: names[name] for name in query_names})
    for component in ("AppendRequestRequest", "CorrectRequestRequest", "RetractRequestRequest"):
        body = result.get("components", {}).get("schemas", {}).get(component, {})
        body["additionalProperties"] = False  # StrictSerializer: an undeclared field is refused
        for name, field in body.get("properties", {}).items():
            _describe_field(name, field, names)
    return result


def _describe_parameter(parameter: dict, names: dict[str, list[str]]) -> None:
    name, place = parameter["name"], parameter["in"]
    # An optional filter given empty is not given (django-filter, the state's defaults); a repeated choice
    # (kind=, type=) and page_size are checked even when empty.
    if place == "query" and not parameter.get("required") and name != "page_size" and parameter["schema"].get("type") != "array":
        parameter["allowEmptyValue"] = True
    if place == "query" and name == "cursor":
        parameter["schema"] = dict(CURSOR)
        parameter["description"] = CURSOR["description"]
    elif place == "query" and names.get(name):
        parameter["schema"] = {**parameter["schema"], "enum": names[name]}
        parameter["schema"].pop("pattern", None)
    elif place == "header" and name == "Idempotency-Key":
        parameter["schema"] = dict(IDEMPOTENCY_KEY_SCHEMA)


def _describe_field(name: str, field: dict, names: dict[str, list[str]]) -> None:
    if names.get(name):  # an empty enum is no schema: with nothing in the database, say nothing
        field["enum"] = names[name]
        field.pop("pattern", None)
        field.pop("minLength", None)
    elif name == "date":
        field.clear()
        field.update(PARTIAL_DATE)
    elif name == "confidence":
        field.update(minimum=0, maximum=1)
    elif field.get("type") == "string":
        field["pattern"] = EVENT_TEXT
