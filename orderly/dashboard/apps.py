from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "orderly.dashboard"
    label = "dashboard"
    verbose_name = "Ops dashboard"
