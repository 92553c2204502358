from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self):
        # DRF binds THROTTLE_RATES at import; read them now so settings (and tests) can change them.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class PublicThrottle(_RateFromSettings):
    """Per client IP, for endpoints anyone may call."""

    scope = "public"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AutoSessionThrottle(_RateFromSettings):
    """Per publishable key and client IP, so one abusive browser cannot drain a tenant's budget."""

    scope = "auto_session"

    def get_cache_key(self, request, view):
        data = request.data if isinstance(request.data, dict) else {}
        key = str(data.get("key", ""))[:80]
        return self.cache_format % {"scope": self.scope, "ident": f"{key}:{self.get_ident(request)}"}
