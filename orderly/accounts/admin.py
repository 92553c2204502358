from django.contrib import admin

from orderly.accounts.models import ApiKey, Membership, Organization
from orderly.accounts.roles import AdminRoleRequired


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role", "organization")
    search_fields = ("user__email", "organization__name")
    raw_id_fields = ("user",)


@admin.register(ApiKey)
class ApiKeyAdmin(AdminRoleRequired, admin.ModelAdmin):
    """The digest is never shown; a key can only be recognised by its prefix and revoked."""

    list_display = ("name", "prefix", "organization", "created_by", "last_used_at", "revoked_at", "created_at")
    list_filter = ("organization", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix")
    exclude = ("digest",)
    readonly_fields = ("prefix", "organization", "created_by", "scopes", "last_used_at", "created_at")

    def has_add_permission(self, request):
        return False  # keys are created where the token can be shown once: dashboard or create_api_key
