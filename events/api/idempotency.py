"""Idempotency-Key: a retried POST gets the first answer back and appends nothing.

The first successful answer is recorded in the same transaction as the events it appended,
so either both exist or neither does. A retry with the same key and the same request
(method, path, parsed body) replays that answer; the same key with a different request is
refused with 422. Refusals (4xx) are not recorded: they appended nothing, so a retry is
simply evaluated again. Keys are scoped to the user.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from events.models import IdempotencyRecord

from .errors import error_response

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY = re.compile(r"[!-~]{1,%d}" % MAX_KEY_LENGTH)  # visible ASCII: what survives every HTTP stack unchanged


class _KeyTaken(Exception):
    """A concurrent request with the same key committed first."""


def respond_once(request: Request, perform: Callable[[], Response]) -> Response:
    """`perform()` unless the request's Idempotency-Key has already been answered."""
    key = request.headers.get(HEADER)
    if key is None:
        return perform()
    _check_key(key)
    fingerprint = _fingerprint(request)
    previous = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if previous is not None:
        return _replay(previous, fingerprint)
    try:
        with transaction.atomic():
            response = perform()
            if status.is_success(response.status_code):
                _record(request.user, key, fingerprint, response)
    except _KeyTaken:
        return _replay(IdempotencyRecord.objects.get(user=request.user, key=key), fingerprint)
    return response


def _check_key(key: str) -> None:
    if not KEY.fullmatch(key):
        raise ValidationError({HEADER: [f"give 1 to {MAX_KEY_LENGTH} visible ASCII characters (no spaces)"]})


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _record(user, key: str, fingerprint: str, response: Response) -> None:
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                user=user, key=key, request_hash=fingerprint,
                status_code=response.status_code, response_body=response.data,
            )
    except IntegrityError:
        raise _KeyTaken from None


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        return error_response(
            status.HTTP_422_UNPROCESSABLE_ENTITY, "idempotency_key_reused",
            f"{HEADER} was already used for a different request",
            {HEADER: ["was already used for a different request; use a new key"]},
        )
    headers = {REPLAYED_HEADER: "true"}
    if isinstance(record.response_body, dict) and "url" in record.response_body:
        headers["Location"] = record.response_body["url"]
    return Response(record.response_body, status=record.status_code, headers=headers)
