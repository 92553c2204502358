"""Action-request routes, relative to /api/v1/ (also served under /api/). `queue` precedes `<uuid:pk>`."""

from actions.api import views as v
from orderly.api.routing import route, routes

urlpatterns: list = routes(
    route("embed/action-requests", v.ActionRequestListView.as_view(), name="action-requests"),
    route("embed/action-requests/queue", v.ActionRequestQueueView.as_view(), name="action-requests-queue"),
    route("embed/action-requests/<uuid:pk>", v.ActionRequestDetailView.as_view(), name="action-request"),
    route(
        "embed/action-requests/<uuid:pk>/resolve",
        v.ActionRequestResolveView.as_view(),
        name="action-request-resolve",
    ),
)
