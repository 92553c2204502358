from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"

    def ready(self):
        from operations.services import operation_from_action_request
        from orderly.events.services import event_subscribe

        event_subscribe("action_request.resolved", operation_from_action_request)
