"""Rate limits for the endpoints anyone may call: a fixed-window counter per client in the cache.

DRF's SimpleRateThrottle keeps every request's timestamp in one cached list per client and
pickles it back and forth on each request: at 300/min that is 300 floats per request, and a
raised limit (the benchmark's) grows without bound. A counter per window costs one increment per
request (and an add for the window's first), whatever the rate. The price is the usual fixed-window one: a client can spend its
budget at the end of one window and again at the start of the next.
"""

import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle


class FixedWindowThrottle(BaseThrottle):
    scope: str

    def __init__(self):
        self._wait = None

    def get_rate(self) -> tuple[int, int]:
        # Read now, not at import, so settings (and tests) can change the rates.
        number, period = api_settings.DEFAULT_THROTTLE_RATES[self.scope].split("/")
        return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]

    def client_key(self, request) -> str:
        return self.get_ident(request)

    def allow_request(self, request, view) -> bool:
        limit, window = self.get_rate()
        now = time.time()
        start = int(now // window * window)
        key = f"throttle:{self.scope}:{self.client_key(request)}:{start}"
        # incr() is atomic in the cache; only the window's first request creates its counter
        # (add() is atomic too: of two first requests, the other increments).
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)
        if count <= limit:
            return True
        self._wait = start + window - now
        return False

    def wait(self):
        return self._wait


class PublicThrottle(FixedWindowThrottle):
    """Per client IP, for endpoints anyone may call."""

    scope = "public"


class AutoSessionThrottle(FixedWindowThrottle):
    """Per publishable key and client IP, so one abusive browser cannot drain a tenant's budget."""

    scope = "auto_session"

    def client_key(self, request) -> str:
        data = request.data if isinstance(request.data, dict) else {}
        # Normalized as the serializer reads it (CharField trims): padding the key with spaces
        # must not open a fresh bucket for what is the same key.
        key = str(data.get("key", "")).strip()
        return f"{key[:80]}:{self.get_ident(request)}"
