"""The payload an alert rule's webhook receives (`alert.triggered`), for the event catalogue."""

from orderly.events.catalog import ANY_OBJECT, STRING, UUID, closed, topic_register


def register_alert_topics() -> None:
    topic_register(
        "alert.triggered",
        description="An alert rule with webhook delivery fired; `event` is the triggering event's data.",
        data=closed(
            {
                "rule_id": UUID,
                "rule_name": STRING,
                "event_type": STRING,
                "title": STRING,
                "message": STRING,
                "event": ANY_OBJECT,
            }
        ),
        example={
            "rule_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "rule_name": "UPS exceptions",
            "event_type": "shipment.exception",
            "title": "Shipment exception detected",
            "message": "Shipment 1Z999AA10123456784 has an exception with UPS.",
            "event": {"id": "7a9d2b44-5e6f-4c3b-9a1d-8e7f6a5b4c30", "carrier": "ups", "status": "exception"},
        },
    )
