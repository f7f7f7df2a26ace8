"""Token authentication that slows a guesser: wrong tokens are counted per client address (FailedTokenThrottle),
and past the rate every token from that address is refused with 429 until the window passes."""
from __future__ import annotations

import re

from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from .throttling import FailedTokenThrottle

TOKEN = re.compile(r"[0-9a-f]{40}")  # what rest_framework.authtoken issues; anything else is not looked up


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        scheme = [part.lower() for part in get_authorization_header(request).split()[:1]]
        if scheme != [self.keyword.lower().encode()]:
            return None  # no token presented: nothing to count (as TokenAuthentication decides)
        throttle = FailedTokenThrottle()
        wait = throttle.refusal(request)
        if wait is not None:
            raise Throttled(wait, detail="Too many wrong tokens from this address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle.count_failure()
            raise

    def authenticate_credentials(self, key):
        if not TOKEN.fullmatch(key):
            raise AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
