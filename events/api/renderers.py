"""JSON with orjson: a page of 100 events is the API's hot path, and the stdlib encoder was a fifth of it."""
from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer


def json_bytes(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else json_bytes(data)


class RenderedJSON(HttpResponse):
    """An answer already rendered (kept as bytes in the cache, so a hit neither unpickles nor re-renders)."""

    def __init__(self, content: bytes):
        super().__init__(content, content_type=FastJSONRenderer.media_type)
