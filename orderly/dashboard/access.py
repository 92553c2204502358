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
