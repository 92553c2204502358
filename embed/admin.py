"""Admin for the embed config, end users and sessions. Token digests are never shown."""

from django.contrib import admin

from embed.models import EmbedConfig
from orderly.accounts.models import EmbedSession, EndUser
from orderly.accounts.roles import AdminRoleRequired


@admin.register(EmbedConfig)
class EmbedConfigAdmin(AdminRoleRequired, admin.ModelAdmin):
    list_display = ("slug", "organization", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("slug", "organization__name")
    readonly_fields = ("publishable_key", "created_at", "updated_at")


@admin.register(EndUser)
class EndUserAdmin(admin.ModelAdmin):
    list_display = ("external_id", "name", "email", "organization", "created_at")
    list_filter = ("organization",)
    search_fields = ("external_id", "name", "email")


@admin.register(EmbedSession)
class EmbedSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "end_user", "organization", "origin", "expires_at", "revoked_at", "created_at")
    list_filter = ("origin", "organization", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("id", "end_user__external_id", "end_user__email")
    exclude = ("digest",)
    readonly_fields = (
        "organization",
        "end_user",
        "scopes",
        "allowed_bridge_types",
        "origin",
        "expires_at",
        "ip_address",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke selected sessions")
    def revoke(self, request, queryset):
        from embed.services import embed_session_revoke

        for session in queryset.filter(revoked_at__isnull=True):
            embed_session_revoke(organization=session.organization, session_id=session.pk)
