"""Dashboard pages for tracking links (the customer's pages are in public_views)."""

from django.views.generic import TemplateView

from orderly.dashboard.access import StaffMixin
from orderly.dashboard.pagination import paginate_page
from tracking.models import TrackingPage


class TrackingPageListView(StaffMixin, TemplateView):
    """Dashboard: the organization's tracking links with their views."""

    template_name = "dashboard/tracking/list.html"

    def get_context_data(self, **kwargs):
        queryset = (
            TrackingPage.objects.for_organization(self.organization)
            .select_related("shipment", "end_user")
            .order_by("-created_at", "-id")
        )
        return {**super().get_context_data(**kwargs), "page": paginate_page(self.request, queryset)}
