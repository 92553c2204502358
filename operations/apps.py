from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"

    def ready(self):
        from operations.event_schemas import register_operation_topics
        from operations.services import operations_create_for_action_requests
        from orderly.events.services import event_subscribe

        event_subscribe("action_request.resolved", operations_create_for_action_requests)
        register_operation_topics()
