from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from alerts.services import alerts_for_events
        from orderly.events.services import ALL_TOPICS, event_subscribe

        event_subscribe(ALL_TOPICS, alerts_for_events)
