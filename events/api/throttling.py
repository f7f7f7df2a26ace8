"""Throttles counted in the shared cache (settings.THROTTLE_CACHE), with rates read when a request arrives.

With REDIS_URL set the counters live in Redis, so every gunicorn worker counts the same requests. A
cache that cannot answer (Redis down) lets the request through: the throttle protects the service,
it must not take it down.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)


class SharedCounters:
    """Counts in THROTTLE_CACHE, at the rate the settings give now (settings and tests can change it)."""

    @property
    def cache(self):
        return caches[settings.THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(SharedCounters, AnonRateThrottle):
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
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
        self.key, self.now, self.history = self.get_cache_key(request), self.timer(), []
        if self.rate is None:
            return None
        try:
            self.history = [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]
        except Exception:  # as AnonymousThrottle: fail open
            logger.warning("throttle cache unavailable; token not throttled", exc_info=True)
            return None
        return self.wait() if len(self.history) >= self.num_requests else None

    def count_failure(self) -> None:
        if self.rate is None:
            return
        try:
            self.cache.set(self.key, [self.now, *self.history], self.duration)
        except Exception:
            logger.warning("throttle cache unavailable; failure not counted", exc_info=True)
