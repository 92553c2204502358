"""Bridge routes (bridge types, bridges CRUD, test, sync, Shopify OAuth and webhooks), relative to /api/v1/."""

from bridges.api import views
from orderly.api.routing import route, routes

urlpatterns: list = routes(
    route("embed/bridge-types", views.BridgeTypeListView.as_view(), name="embed-bridge-types"),
    route("embed/bridges", views.BridgeListView.as_view(), name="embed-bridges"),
    route(
        "embed/bridges/shopify/oauth/start",
        views.ShopifyOAuthStartView.as_view(),
        name="embed-shopify-oauth-start",
    ),
    route(
        "embed/bridges/shopify/oauth/callback",
        views.ShopifyOAuthCallbackView.as_view(),
        name="embed-shopify-oauth-callback",
    ),
    route("embed/bridges/<uuid:pk>", views.BridgeDetailView.as_view(), name="embed-bridge"),
    route("embed/bridges/<uuid:pk>/test", views.BridgeTestView.as_view(), name="embed-bridge-test"),
    route("embed/bridges/<uuid:pk>/sync", views.BridgeSyncView.as_view(), name="embed-bridge-sync"),
    route("embed/bridges/<uuid:pk>/syncs", views.BridgeSyncListView.as_view(), name="embed-bridge-syncs"),
    route("bridges/<uuid:pk>/syncs", views.OrganizationBridgeSyncListView.as_view(), name="bridge-syncs"),
    route("bridges/shopify/webhooks", views.ShopifyWebhookView.as_view(), name="shopify-webhooks"),
)
