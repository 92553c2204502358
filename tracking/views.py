"""The public, branded tracking page: server-rendered, fast without JavaScript, no PII."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from orderly.dashboard.access import StaffMixin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError, ErrorCode
from tracking import selectors, services
from tracking.models import TrackingPage


@require_GET
def tracking_page(request, token):
    try:
        page = services.tracking_page_view(token=token)
    except DomainError as exc:
        gone = exc.code is ErrorCode.GONE
        response = render(request, "tracking/unavailable.html", {"gone": gone}, status=410 if gone else 404)
        patch_cache_control(response, public=True, max_age=60)
        return response
    shipment = page.shipment
    context = {
        "shipment": shipment,
        "branding": selectors.tracking_branding(page.organization.embed_config),
        "progress": selectors.tracking_progress(shipment),
        "checkpoints": selectors.tracking_checkpoints(shipment, newest_first=True),
    }
    response = render(request, "tracking/page.html", context)
    patch_cache_control(response, public=True, max_age=60)
    return response


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
