from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def ready(self):
        from orderly.events.services import event_subscribe
        from tracking.notify import TOPICS, tracking_notifications_for_events
        from tracking.services import tracking_pages_for_reassigned_orders

        # Notify-me mails follow the shipment's events (one rule: the checkpoint service emits them).
        for topic in TOPICS:
            event_subscribe(topic, tracking_notifications_for_events)
        event_subscribe("order.reassigned", tracking_pages_for_reassigned_orders)
