"""Rate limits for the endpoints anyone may call: a fixed-window counter per client in the cache.

DRF's SimpleRateThrottle keeps every request's timestamp in one cached list per client and
pickles it back and forth on each request: at 300/min that is 300 floats per request, and a
raised limit (the benchmark's) grows without bound. A counter per window costs one increment per
request (and an add for the window's first), whatever the rate. The price is the usual fixed-window one: a client can spend its
budget at the end of one window and again at the start of the next.

On Redis the count is one round trip: `SET key 0 EX window NX` (only the window's first request
creates the counter, with its expiry) and `INCR key`, pipelined. Through Django's cache API it was
three (`incr` is an `EXISTS` then an `INCR`, each on a new client object, and an `add` on a
window's first request) — a good part of a public page's cost beside its two queries.
"""

import functools
import time

import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
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
        count = window_increment(key, timeout=window + 1)
        if count <= limit:
            return True
        self._wait = start + window - now
        return False

    def wait(self):
        return self._wait


def window_increment(key: str, *, timeout: int) -> int:
    """The counter `key` incremented, created with `timeout` by the first increment; atomic."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        pipeline = _redis(backend._servers[0]).pipeline(transaction=False)
        pipeline.set(name, 0, ex=timeout, nx=True)
        pipeline.incr(name)
        return pipeline.execute()[1]
    # incr() is atomic in the cache; only the window's first request creates its counter
    # (add() is atomic too: of two first requests, the other increments).
    try:
        return cache.incr(key)
    except ValueError:
        return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)


@functools.cache
def _redis(url: str) -> redis.Redis:
    # One client (and its connection pool) per process and server; redis-py's pool is
    # thread-safe and starts afresh in a forked child.
    return redis.Redis.from_url(url)


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
