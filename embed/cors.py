"""CORS for the embed API: only an origin on the calling organization's `allowed_origins` gets headers.

A preflight carries no credentials, so it is answered for any origin that some active
organization allows; the real request is then answered only for its own tenant's origins.
"""

from django.http import HttpResponse

from embed.selectors import embed_origin_allowed

EMBED_PREFIXES = ("/api/v1/embed/", "/api/embed/")
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id"
ALLOWED_METHODS = "GET, POST, PATCH, PUT, DELETE, OPTIONS"


def _is_embed_path(path: str) -> bool:
    return path.startswith(EMBED_PREFIXES)


class EmbedCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = request.META.get("HTTP_ORIGIN")
        if not origin or not _is_embed_path(request.path):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            if embed_origin_allowed(origin):
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = "600"
            response["Vary"] = "Origin"
            return response
        response = self.get_response(request)
        organization_id = getattr(request, "orderly_organization_id", None)
        if embed_origin_allowed(origin, organization_id=organization_id):
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = "Retry-After, X-Request-Id, Idempotent-Replayed"
        response["Vary"] = "Origin" if "Vary" not in response else f"{response['Vary']}, Origin"
        return response
