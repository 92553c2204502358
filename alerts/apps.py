from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from alerts.event_schemas import register_alert_topics
        from alerts.services import alert_rules_evaluate, alerts_wanted
        from orderly.events.services import ALL_TOPICS, event_subscribe

        event_subscribe(ALL_TOPICS, alert_rules_evaluate, wants=alerts_wanted)
        register_alert_topics()
