"""The API's JSON parser: refuses, as a 400 or 413 in the API's error shape, what the store cannot hold.

orjson refuses NaN and Infinity, lone surrogates ("\\udc00") and nesting deeper than 1024 levels (the
standard library recursed until RecursionError); a NUL character in any key or string is refused by
name (PostgreSQL cannot store one); a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413 even when it came
without a Content-Length.
"""
from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import BaseParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request body is too large."


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestTooLarge(f"the request body is over the limit of {limit} bytes")
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        where = nul_path(data)
        if where is not None:
            raise ValidationError({where or "non_field_errors": ["holds a NUL character"]})
        return data


def nul_path(value: Any, path: str = "") -> str | None:
    """The path of the first key or string holding a NUL character ("payload.note", "tags[2]"), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            if "\x00" in key:
                return inner.replace("\x00", "\\x00")
            found = nul_path(item, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None
