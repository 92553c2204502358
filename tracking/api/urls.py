from orderly.api.routing import route, routes
from tracking.api import views

urlpatterns = routes(
    route("embed/tracking-pages", views.TrackingPageListView.as_view(), name="embed-tracking-pages"),
    route(
        "embed/tracking-pages/view/<str:token>",
        views.TrackingPagePublicView.as_view(),
        name="tracking-page-view",
    ),
    route(
        "embed/tracking-pages/<uuid:pk>", views.TrackingPageDetailView.as_view(), name="embed-tracking-page"
    ),
)
