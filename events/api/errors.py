"""The API's one error shape, and the exception handler that translates every refusal into it.

    {"status": 400, "code": "invalid", "detail": "payload.status: ...", "errors": {"payload.status": ["..."]}}

Domain errors from the store are translated here and nowhere else: ValidationError -> 400,
ConflictError and ImmutableEventError -> 409; a database outage is 503 with Retry-After.
"""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from events.domain import errors as domain

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"


def error_body(status_code: int, code: str, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or {}}


def error_response(status_code: int, code: str, detail: str, errors=None, headers=None) -> Response:
    return Response(error_body(status_code, code, detail, errors), status=status_code, headers=headers)


def exception_handler(exc: Exception, context: dict) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception a view raises becomes one error body."""
    if isinstance(exc, domain.ValidationError):
        return _domain_response(status.HTTP_400_BAD_REQUEST, "invalid", exc.errors)
    if isinstance(exc, (domain.ConflictError, domain.ImmutableEventError)):
        return _domain_response(status.HTTP_409_CONFLICT, "conflict", {NON_FIELD: [str(exc)]})
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is unreachable (or gave up on the query): an outage to wait out, not a bug.
        return error_response(
            status.HTTP_503_SERVICE_UNAVAILABLE, "service_unavailable", "the database is unavailable; retry shortly",
            headers={"Retry-After": str(settings.DATABASE_OUTAGE_RETRY_AFTER)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        # A bug, not a refusal: keep the traceback in the log, keep the shape on the wire.
        logger.exception("unhandled error in %s", context.get("view").__class__.__name__)
        return error_response(status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error", "Internal server error.")
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{exc.wait:.0f}"
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        return error_response(exc.status_code, "invalid", summary(errors), errors, headers)
    return error_response(exc.status_code, _code(exc), str(exc.detail), None, headers)


def _domain_response(status_code: int, code: str, errors: dict[str, list[str]]) -> Response:
    set_rollback()
    return error_response(status_code, code, summary(errors), errors)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub[0]": [messages]}, the store's own field paths."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            path = NON_FIELD if name == NON_FIELD else (f"{prefix}.{name}" if prefix else str(name))
            flat.update(flatten(value, path))
        return flat
    if isinstance(detail, list) and all(not isinstance(item, (dict, list)) for item in detail):
        return {prefix or NON_FIELD: [str(item) for item in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


def summary(errors: dict[str, list[str]]) -> str:
    return "; ".join(
        message if name == NON_FIELD else f"{name}: {message}" for name, messages in errors.items() for message in messages
    )
