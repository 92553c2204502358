"""Admin for bridges. Encrypted credentials and OAuth state digests are never shown."""

from django.contrib import admin

from bridges.models import Bridge, OAuthState


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
