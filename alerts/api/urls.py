from alerts.api import views
from orderly.api.routing import route, routes

urlpatterns = routes(
    route("embed/alerts/rules", views.AlertRuleListView.as_view(), name="embed-alert-rules"),
    route("embed/alerts/rules/<uuid:pk>", views.AlertRuleDetailView.as_view(), name="embed-alert-rule"),
    route(
        "embed/alerts/notifications", views.NotificationListView.as_view(), name="embed-alert-notifications"
    ),
    route(
        "embed/alerts/notifications/<uuid:pk>",
        views.NotificationDetailView.as_view(),
        name="embed-alert-notification",
    ),
)
