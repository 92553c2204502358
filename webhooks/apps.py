from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        from orderly.events.services import ALL_TOPICS, event_subscribe
        from webhooks.services import deliveries_for_events

        event_subscribe(ALL_TOPICS, deliveries_for_events)
