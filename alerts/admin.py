from django.contrib import admin

from alerts.models import AlertNotification, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "end_user",
        "event_type",
        "delivery_method",
        "cooldown_minutes",
        "is_active",
        "last_fired_at",
    )
    list_filter = ("event_type", "delivery_method", "is_active")
    search_fields = ("name", "end_user__external_id")
    raw_id_fields = ("target",)


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "end_user", "event_type", "is_read", "is_dismissed", "created_at")
    list_filter = ("event_type", "is_read", "is_dismissed")
    search_fields = ("title", "message")
