from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from orderly import health
from orderly.api.index import ApiIndexView
from orderly.api.routing import grouped, route
from orderly.dashboard.login import LockoutAdminAuthenticationForm

# Each app's `api/urls.py` lists its routes relative to /api/v1/. Named as strings, so the kernel
# imports no app; a module missing here is an ImportError at start-up, not a silently absent route.
API_MODULES = ["embed", "bridges", "orders", "actions", "alerts", "webhooks", "tracking", "operations"]
# Each app's `urls.py` lists its dashboard pages, mounted under /dashboard/<prefix>/ in its namespace.
DASHBOARD_MODULES = {
    "actions": "requests",
    "bridges": "bridges",
    "embed": "embed",
    "orders": "orders",
    "webhooks": "webhooks",
    "tracking": "tracking",
    "operations": "operations",
}


def _patterns(module: str) -> list:
    return include(f"{module}.api.urls")[0].urlpatterns


api_v1 = [p for m in API_MODULES for p in _patterns(m)]
# CONTRACT §2 aliases: /api/embed/…, /api/operations…, /api/v3/orders/{id}/action.
api_alias = [p for p in api_v1 if str(p.pattern).startswith(("embed/", "operations"))]
api_v3 = [p for p in api_v1 if str(p.pattern).startswith("orders/") and str(p.pattern).rstrip("/").endswith("/action")]

dashboard = [path("", include("orderly.dashboard.urls"))]
dashboard += [path(f"{prefix}/", include(f"{module}.urls")) for module, prefix in DASHBOARD_MODULES.items()]

# The admin's log-in locks out like the dashboard's (orderly/dashboard/login.py).
admin.site.login_form = LockoutAdminAuthenticationForm

# A request Django itself refuses (e.g. a bad Host) answers the JSON envelope on API paths.
handler400 = "orderly.api.request_guard.bad_request"

urlpatterns = [
    # The site's root is the ops dashboard (its log-in page for a visitor); not permanent, so a
    # later landing page can take it back.
    path("", RedirectView.as_view(pattern_name="dashboard:overview", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    *route("api/v1/schema", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script as a file: the docs page runs no inline script (CSP).
    *route("api/v1/docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *route("api/v1", ApiIndexView.as_view(), name="api-index"),
    path("api/v1/", include(grouped(api_v1))),
    path("api/v3/", include(grouped(api_v3))),
    path("api/", include(grouped(api_alias))),
    path("dashboard/", include(dashboard)),
    path("embed/v1/", include("embed.ui.urls")),
    path("admin/", admin.site.urls),
    path("", include("tracking.public_urls")),
]
