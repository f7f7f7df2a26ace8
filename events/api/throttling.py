"""Throttles counted in the shared cache (settings.THROTTLE_CACHE), with rates read when a request arrives.

Each request is one atomic increment (INCR on Redis) of a counter for its client and the current
window (the rate's duration: a minute for "120/minute"). DRF's own throttles read a list of times,
append and write it back, so workers answering at once lose each other's counts: with REDIS_URL set,
4 gunicorn workers let 163 of 300 anonymous requests through a 120/minute limit. A cache that cannot
answer (Redis down) lets the request through: the throttle protects the service, it must not take it down.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)


class SharedCounters:
    """Counts in THROTTLE_CACHE, in fixed windows, at the rate the settings give now (settings and tests change it)."""

    @property
    def cache(self):
        return caches[settings.THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def windowed(self, key: str) -> str:
        """The counter of `key` for the window now: its start is kept to answer Retry-After."""
        self.window_start = self.timer() // self.duration * self.duration
        return f"{key}:{self.window_start:.0f}"

    def count(self, key: str) -> int:
        self.cache.add(key, 0, self.duration)
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens the window again
            self.cache.add(key, 1, self.duration)
            return 1

    def wait(self) -> float:
        return max(self.window_start + self.duration - self.timer(), 1)


class AnonymousThrottle(SharedCounters, AnonRateThrottle):
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:  # an authenticated client
            return True
        try:
            return self.count(self.windowed(key)) <= self.num_requests
        except Exception:  # the cache backend's own errors (redis.ConnectionError, ...): fail open, say so
            logger.warning("throttle cache unavailable; request let through", exc_info=True)
            return True


class FailedTokenThrottle(SharedCounters, SimpleRateThrottle):
    """Wrong tokens per client address: checked before a token is looked up, counted only when it fails."""

    scope = "failed_token"

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refusal(self, request) -> float | None:
        """Seconds to wait when this client has used up its failures, else None."""
        if self.rate is None:
            return None
        self.key = self.windowed(self.get_cache_key(request))
        try:
            failures = self.cache.get(self.key, 0)
        except Exception:  # as AnonymousThrottle: fail open
            logger.warning("throttle cache unavailable; token not throttled", exc_info=True)
            return None
        return self.wait() if failures >= self.num_requests else None

    def count_failure(self) -> None:
        if self.rate is None:
            return
        try:
            self.count(self.key)
        except Exception:
            logger.warning("throttle cache unavailable; failure not counted", exc_info=True)
