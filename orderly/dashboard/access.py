"""Staff access to the dashboard: logged in, and only ever their own organization."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


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
