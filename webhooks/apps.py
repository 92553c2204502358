from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        from orderly.dashboard.overview import overview_stats_register
        from orderly.events.services import ALL_TOPICS, event_subscribe
        from webhooks.event_schemas import register_webhook_topics
        from webhooks.selectors import overview_stats_webhooks
        from webhooks.services import deliveries_create_for_events, deliveries_wanted

        event_subscribe(ALL_TOPICS, deliveries_create_for_events, wants=deliveries_wanted)
        overview_stats_register(overview_stats_webhooks, order=50)
        register_webhook_topics()
