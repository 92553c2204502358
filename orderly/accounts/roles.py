"""Membership roles (CONTRACT §1 rev. 2): only `admin` members manage API keys, the embed
configuration and the organization's own webhooks — in the dashboard and in the admin."""

from orderly.accounts.models import Membership


def is_organization_admin(user) -> bool:
    """An `admin` membership; a superuser is the platform's operator and may do everything."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role == Membership.Role.ADMIN


class AdminRoleRequired:
    """ModelAdmin mixin: the model's admin pages (list, view, add, change, delete) are for
    organization admins only; a `staff` member gets 403 even with the model permissions."""

    def has_module_permission(self, request):
        return is_organization_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_organization_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_organization_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_organization_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_organization_admin(request.user) and super().has_delete_permission(request, obj)
