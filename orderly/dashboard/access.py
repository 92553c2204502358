"""Staff access to the dashboard: logged in, and only ever their own organization."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from orderly.accounts.roles import is_organization_admin


def staff_organization(request):
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise PermissionDenied("This account belongs to no organization.")
    return membership.organization


class StaffMixin(LoginRequiredMixin):
    """Sets `self.organization`; every query a dashboard view makes is filtered by it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = staff_organization(request)
        return super().dispatch(request, *args, **kwargs)


# The dashboard's own previews (the embed config page frames them) may be framed by this origin
# only; every other page keeps refusing any frame.
PREVIEW_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https: http://localhost:* http://127.0.0.1:*; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


class FramedPreviewMixin:
    """For a page the dashboard shows in an iframe of its own (X-Frame-Options and CSP: same origin)."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = PREVIEW_CSP
        return response


class AdminRequiredMixin(StaffMixin):
    """Pages only an organization's admins use: API keys, the embed configuration, organization
    webhooks. A `staff` member gets 403 on the page and on every POST behind it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_organization_admin(request.user):
            raise PermissionDenied("Only the organization's admins may use this page.")
        return super().dispatch(request, *args, **kwargs)
