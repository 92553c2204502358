"""Embed API routes (config, sessions, end users, event log), relative to /api/v1/."""

from embed.api import views as v
from orderly.api.routing import route, routes

urlpatterns: list = routes(
    route("embed/config", v.ConfigView.as_view(), name="embed-config"),
    route("embed/config/me", v.ConfigMeView.as_view(), name="embed-config-me"),
    route("embed/config/identity-secret", v.IdentitySecretView.as_view(), name="embed-config-identity-secret"),
    route(
        "embed/config/rotate-publishable-key",
        v.PublishableKeyRotateView.as_view(),
        name="embed-config-rotate-publishable-key",
    ),
    route("embed/sessions", v.SessionCreateView.as_view(), name="embed-sessions"),
    route("embed/sessions/auto", v.AutoSessionView.as_view(), name="embed-sessions-auto"),
    route("embed/sessions/<uuid:pk>", v.SessionDetailView.as_view(), name="embed-session"),
    route("embed/users", v.EndUserListView.as_view(), name="embed-users"),
    route("embed/users/<uuid:pk>", v.EndUserDetailView.as_view(), name="embed-user"),
    route("embed/events", v.EventListView.as_view(), name="embed-events"),
)
