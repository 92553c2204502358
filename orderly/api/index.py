"""`GET /api/v1/`: where a client (or a person with curl) finds the schema and the docs.

Left out of the OpenAPI document, like the schema endpoint itself: it is navigation, not an
operation of the API a client would generate code for.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema

from orderly.api.permissions import Public
from orderly.api.throttling import PublicThrottle
from orderly.api.views import ApiView, ok


@extend_schema(exclude=True)
class ApiIndexView(ApiView):
    required = Public()
    # Anyone may read it; a stale token sent out of habit must not turn it into a 401.
    authentication_classes: list = []
    throttle_classes = [PublicThrottle]

    def get(self, request):
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return ok(
            {
                "name": "Orderly API",
                "version": "v1",
                "links": {
                    "schema": url("schema"),
                    "docs": url("docs"),
                    "dashboard": url("dashboard:overview"),
                    "healthz": url("healthz"),
                    "readyz": url("readyz"),
                },
                # CONTRACT §2: the seeds' spellings served by the same views.
                "aliases": {
                    "/api/embed/": "/api/v1/embed/",
                    "/api/operations": "/api/v1/operations",
                    "/api/v3/orders/{id}/action": "/api/v1/orders/{id}/action",
                },
            }
        )
