from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    label = "orders"
    verbose_name = "Orders and shipments"

    def ready(self):
        from orderly.dashboard.overview import overview_charts_register, overview_stats_register
        from orders.event_schemas import register_order_topics
        from orders.selectors import overview_charts_orders, overview_stats_orders

        overview_stats_register(overview_stats_orders, order=90)
        overview_charts_register(overview_charts_orders, order=10)
        register_order_topics()
