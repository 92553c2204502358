"""Staff dashboard pages for orders: list (same filters as the API) and detail with shipments."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import TemplateView

from orderly.dashboard.access import StaffMixin
from orders import selectors
from orders.filters import OrderFilter
from orders.models import Order, OrderStatus, Shipment, TrackingCheckpoint

PAGE_SIZE = 25


class OrderListView(StaffMixin, TemplateView):
    template_name = "dashboard/orders/list.html"

    def get_context_data(self, **kwargs):
        queryset = selectors.order_list(queryset=Order.objects.for_organization(self.organization))
        filterset = OrderFilter(self.request.GET, queryset=queryset.select_related("end_user"))
        orders = filterset.qs if filterset.is_valid() else queryset.none()
        page = Paginator(orders, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = urlencode({k: v for k, v in self.request.GET.items() if k in ("status", "search") and v})
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "query": query,
            "statuses": OrderStatus.choices,
            "status": self.request.GET.get("status", ""),
            "search": self.request.GET.get("search", ""),
            "invalid": not filterset.is_valid(),
        }


class OrderDetailView(StaffMixin, TemplateView):
    template_name = "dashboard/orders/detail.html"

    def get_context_data(self, **kwargs):
        checkpoints = TrackingCheckpoint.objects.order_by("checkpoint_time", "created_at")
        shipments = Shipment.objects.order_by("-created_at").prefetch_related(
            Prefetch("checkpoints", queryset=checkpoints)
        )
        order = (
            selectors.order_with_recent_activities(queryset=Order.objects.for_organization(self.organization))
            .select_related("end_user")
            .prefetch_related(Prefetch("shipments", queryset=shipments))
            .filter(pk=kwargs["pk"])
            .first()
        )
        if order is None:
            raise Http404("Order not found")
        return {**super().get_context_data(**kwargs), "order": order}
