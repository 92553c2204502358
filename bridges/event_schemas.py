"""The payloads of bridge.* events, for the event catalogue."""

from bridges.registry import BRIDGE_TYPES
from orderly.events.catalog import INTEGER, STRING, TIME, UUID, closed, enum, extended, topic_register

BRIDGE = closed({"bridge_id": UUID, "type": enum(BRIDGE_TYPES), "name": STRING})
EXAMPLE = {"bridge_id": "2d4f6a8c-1e3b-4d5f-8a7c-9e1b3d5f7a90", "type": "shopify", "name": "My Shopify store"}


def register_bridge_topics() -> None:
    topic_register(
        "bridge.connected",
        description="A bridge finished connecting (e.g. Shopify OAuth completed).",
        data=BRIDGE,
        example=EXAMPLE,
    )
    topic_register(
        "bridge.disconnected",
        description="A bridge was disconnected, or its service refused its credentials during a sync "
        "(`reason`, `sync_run_id`).",
        data=extended(BRIDGE, {"reason": STRING, "sync_run_id": UUID}, optional=("reason", "sync_run_id")),
        example={
            **EXAMPLE,
            "reason": "The bridge service answered 401.",
            "sync_run_id": EXAMPLE["bridge_id"],
        },
    )
    topic_register(
        "bridge.sync_completed",
        description="A bridge sync run succeeded, with its counts.",
        data=extended(
            BRIDGE,
            {
                "sync_run_id": UUID,
                "trigger": enum(["manual", "schedule", "connect"]),
                "orders_created": INTEGER,
                "orders_updated": INTEGER,
                "orders_skipped": INTEGER,
                "started_at": TIME,
                "finished_at": TIME,
            },
        ),
        example={
            **EXAMPLE,
            "sync_run_id": "6b5a4938-2716-4f5e-8d4c-3b2a19080706",
            "trigger": "schedule",
            "orders_created": 12,
            "orders_updated": 3,
            "orders_skipped": 0,
            "started_at": "2026-03-18T15:00:00.000Z",
            "finished_at": "2026-03-18T15:00:04.250Z",
        },
    )
