"""Feature flags and the session scopes they grant (CONTRACT §1)."""

FEATURES = ("bridges", "data_room", "action_requests", "smart_alerts", "end_user_webhooks", "branded_tracking")

SESSION_SCOPES = (
    "bridges:read",
    "bridges:write",
    "orders:read",
    "shipments:read",
    "tracking:read",
    "actions:read",
    "actions:write",
    "alerts:read",
    "alerts:write",
    "webhooks:read",
    "webhooks:write",
)

DEFAULT_SERVER_SESSION_SCOPES = ("bridges:read", "bridges:write")
AUTO_SESSION_BASE_SCOPES = ("bridges:read", "bridges:write", "orders:read", "shipments:read", "tracking:read")

FEATURE_SCOPES = {
    "bridges": ("bridges:read", "bridges:write"),
    "data_room": ("orders:read", "shipments:read", "tracking:read"),
    "action_requests": ("actions:read", "actions:write"),
    "smart_alerts": ("alerts:read", "alerts:write"),
    "end_user_webhooks": ("webhooks:read", "webhooks:write"),
    "branded_tracking": ("tracking:read",),
}


def auto_session_scopes(enabled_features) -> list[str]:
    scopes = list(AUTO_SESSION_BASE_SCOPES)
    for feature in enabled_features:
        for scope in FEATURE_SCOPES.get(feature, ()):
            if scope not in scopes:
                scopes.append(scope)
    return scopes
