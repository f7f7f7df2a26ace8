"""Derived documents cached under the log head: an answer is reused only while no event has been appended.

Replay is a pure function of the log, so (question, last seq) names an answer exactly. Reference
data (an entity's name, a status label) can change without an append; the short timeout bounds
how long a cached answer may show the old wording.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from events import queries

from .renderers import RenderedJSON, json_bytes

TIMEOUT_SECONDS = 60


def by_log_head(question: tuple, answer: Callable[[], Any]) -> RenderedJSON:
    """`answer()` rendered, or as rendered for the same question while the log had the same head.

    The head is read first: an answer computed while an event is appended may then include it,
    but is never filed under a head later than what it saw.
    """
    named = ":".join(_text(part) for part in (*question, queries.log_head()))
    key = "api:" + hashlib.sha256(named.encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        rendered = json_bytes(answer())
        cache.set(key, rendered, TIMEOUT_SECONDS)
    return RenderedJSON(rendered)


def _text(part: Any) -> str:
    return part.isoformat() if hasattr(part, "isoformat") else str(part)
