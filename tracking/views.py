"""Dashboard pages for tracking links (the customer's pages are in public_views)."""

import datetime as dt
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from orderly.dashboard.access import FramedPreviewMixin, StaffMixin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError
from orders.models import Shipment, ShipmentStatus, TrackingCheckpoint
from tracking import selectors, services
from tracking.carriers import carrier_for
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


def _preview_branding(query) -> dict:
    """The branding typed into the config form (not saved yet), checked as the public page checks it."""
    fields = ("primary_color", "company_name", "logo_url", "support_url", "support_email")
    branding = {name: (query.get(name) or "").strip()[:500] or None for name in fields}
    return selectors.tracking_branding(SimpleNamespace(branding=branding, slug=None, settings={}))


class TrackingPreviewView(FramedPreviewMixin, StaffMixin, TemplateView):
    """The real tracking page template with a sample shipment, in the branding being edited.

    The embed config page frames it (same origin) and reloads it as staff type.
    """

    template_name = "tracking/page.html"

    def get_context_data(self, **kwargs):
        branding = _preview_branding(self.request.GET)
        now = timezone.now()
        shipment = Shipment(
            carrier="postnord",
            service="parcel",
            tracking_number="00370712345678901234",
            status=ShipmentStatus.OUT_FOR_DELIVERY,
            ship_date=(now - dt.timedelta(days=2)).date(),
            estimated_delivery=now.date(),
        )
        scans = [
            (ShipmentStatus.OUT_FOR_DELIVERY, "Out for delivery", "Malmö", dt.timedelta(hours=2)),
            (ShipmentStatus.IN_TRANSIT, "Arrived at the sorting terminal", "Malmö", dt.timedelta(hours=14)),
            (ShipmentStatus.PICKED_UP, "Picked up by the carrier", "Stockholm", dt.timedelta(days=2)),
        ]
        checkpoints = []
        for status, detail, place, age in scans:
            checkpoint = TrackingCheckpoint(status=status, status_detail=detail, location=place, checkpoint_time=now - age)
            checkpoint.display_label = detail
            checkpoints.append(checkpoint)
        carrier = carrier_for(shipment.carrier)
        return {
            **super().get_context_data(**kwargs),
            "preview": True,
            "page": SimpleNamespace(token="preview"),
            "shipment": shipment,
            "branding": branding,
            "brand_text": selectors.brand_text_color(branding["primary_color"]),
            "carrier": carrier,
            "carrier_url": carrier.url_for(shipment.tracking_number),
            "delivered_at": None,
            "estimated_delivery": shipment.estimated_delivery,
            "order_reference": "1001" if self.request.GET.get("show_order_number") else None,
            "progress": selectors.tracking_progress(shipment),
            "checkpoints": checkpoints,
            "language": "en",
        }


class TrackingPreviewThemeView(StaffMixin, View):
    """The preview's brand colour as CSS, so the framed page needs no inline style either."""

    def get(self, request):
        color = _preview_branding(request.GET)["primary_color"]
        css = f":root {{ --brand: {color}; --brand-text: {selectors.brand_text_color(color)}; }}\n"
        return HttpResponse(css, content_type="text/css; charset=utf-8")


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


class TrackingPageCreateView(StaffMixin, View):
    """Staff create (or reuse) the shipment's link, then copy it from the page they came from."""

    def post(self, request):
        try:
            page, created = services.tracking_page_create(
                organization=self.organization, shipment_id=request.POST.get("shipment_id") or None
            )
        except (DomainError, ValidationError):
            raise Http404("Shipment not found") from None
        messages.success(request, "Tracking link created." if created else "This shipment already has a live link.")
        return redirect(_back(request, reverse("tracking:list")))


class TrackingPageRevokeView(StaffMixin, View):
    def post(self, request, pk):
        try:
            services.tracking_page_revoke(organization=self.organization, page_id=pk)
        except DomainError:
            raise Http404("Tracking page not found") from None
        messages.success(request, "Tracking link revoked: it now shows customers that it is no longer available.")
        return redirect(_back(request, reverse("tracking:list")))
