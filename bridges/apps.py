from django.apps import AppConfig


class BridgesConfig(AppConfig):
    name = "bridges"
    verbose_name = "Bridges"
