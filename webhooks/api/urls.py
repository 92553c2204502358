from orderly.api.routing import route, routes
from webhooks.api.views import VIEWS, organization_view


def _path(prefix: str, suffix: str) -> str:
    return f"{prefix}/{suffix}" if suffix else prefix


urlpatterns = routes(
    *(route(_path("embed/webhooks", suffix), view.as_view()) for suffix, view in VIEWS),
    *(route(_path("webhooks", suffix), organization_view(view).as_view()) for suffix, view in VIEWS),
)
