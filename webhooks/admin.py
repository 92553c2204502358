from django.contrib import admin

from orderly.accounts.roles import AdminRoleRequired
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(AdminRoleRequired, admin.ModelAdmin):
    """Signing secrets are encrypted and never shown."""

    list_display = ("url", "organization", "end_user", "is_active", "consecutive_failures", "disabled_reason")
    list_filter = ("is_active", "organization")
    search_fields = ("url", "description")
    exclude = ("secret_encrypted", "secret_scheme", "previous_secrets")


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    readonly_fields = ("number", "response_status", "error", "duration_ms", "response_excerpt", "created_at")
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event_type",
        "webhook",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "event_type")
    search_fields = ("id", "webhook__url")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [AttemptInline]
