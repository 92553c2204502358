"""The payload of `webhook.test`, for the event catalogue; and the catalogue's topics in order."""

from orderly.events.catalog import STRING, UUID, closed, topic_register, topics_catalog
from webhooks.topics import SUBSCRIBABLE_TOPICS, TEST_TOPIC

# What an endpoint can receive: what it subscribes to, the test event, and an alert rule's alert.
ALERT_TOPIC = "alert.triggered"
CATALOG_TOPICS = (*SUBSCRIBABLE_TOPICS, TEST_TOPIC, ALERT_TOPIC)


def register_webhook_topics() -> None:
    topic_register(
        TEST_TOPIC,
        description="Sent by POST …/webhooks/{id}/test, to check an endpoint and its signature check.",
        data=closed({"webhook_id": UUID, "message": STRING}),
        example={
            "webhook_id": "8d7c6b5a-4938-4716-a5f4-e3d2c1b0a987",
            "message": "This is a test event from Orderly.",
        },
    )


def event_catalog():
    return topics_catalog(CATALOG_TOPICS)
