from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "orderly.events"
    label = "events"
    verbose_name = "Events"
