"""Admin for bridges. Encrypted credentials and OAuth state digests are never shown."""

from django.contrib import admin

from bridges.models import Bridge, OAuthState, ShopifyWebhookReceipt, SyncRun


@admin.register(Bridge)
class BridgeAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "status", "end_user", "organization", "last_sync_at", "created_at")
    list_filter = ("type", "status", "organization")
    search_fields = ("name", "end_user__external_id")
    exclude = ("secret_config",)
    readonly_fields = ("organization", "end_user", "type", "config")


@admin.register(OAuthState)
class OAuthStateAdmin(admin.ModelAdmin):
    list_display = ("bridge", "shop", "expires_at", "used_at", "created_at")
    search_fields = ("shop",)
    exclude = ("digest",)
    readonly_fields = ("bridge", "shop", "expires_at", "used_at")

    def has_add_permission(self, request):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """Read-only: runs change only through the sync engine (bridges.sync)."""

    list_display = (
        "bridge",
        "trigger",
        "status",
        "orders_created",
        "orders_updated",
        "orders_skipped",
        "created_at",
    )
    list_filter = ("status", "trigger")
    search_fields = ("bridge__name",)
    exclude = ("claim_token",)
    readonly_fields = [f.name for f in SyncRun._meta.fields if f.name not in ("claim_token",)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ShopifyWebhookReceipt)
class ShopifyWebhookReceiptAdmin(admin.ModelAdmin):
    """What Shopify asked and what was done (privacy requests list the orders found)."""

    list_display = ("topic", "shop", "webhook_id", "created_at")
    list_filter = ("topic",)
    search_fields = ("shop", "webhook_id")
    readonly_fields = ("webhook_id", "topic", "shop", "outcome", "created_at")

    def has_add_permission(self, request):
        return False
