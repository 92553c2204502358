from rest_framework.throttling import SimpleRateThrottle


class PublicThrottle(SimpleRateThrottle):
    """Per client IP, for endpoints anyone may call."""

    scope = "public"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AutoSessionThrottle(SimpleRateThrottle):
    """Per publishable key and client IP, so one abusive browser cannot drain a tenant's budget."""

    scope = "auto_session"

    def get_cache_key(self, request, view):
        data = request.data if isinstance(request.data, dict) else {}
        key = str(data.get("key", ""))[:80]
        return self.cache_format % {"scope": self.scope, "ident": f"{key}:{self.get_ident(request)}"}
