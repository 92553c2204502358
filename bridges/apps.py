from django.apps import AppConfig


class BridgesConfig(AppConfig):
    name = "bridges"
    verbose_name = "Bridges"

    def ready(self):
        from bridges.event_schemas import register_bridge_topics

        register_bridge_topics()
