from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self):
        from actions.event_schemas import register_action_topics
        from actions.selectors import overview_charts_actions, overview_stats_actions
        from orderly.dashboard.overview import overview_charts_register, overview_stats_register

        overview_stats_register(overview_stats_actions, order=10)
        overview_charts_register(overview_charts_actions, order=20)

        from actions.services import action_requests_for_reassigned_orders
        from orderly.events.services import event_subscribe

        event_subscribe("order.reassigned", action_requests_for_reassigned_orders)
        register_action_topics()
