"""Staff dashboard pages for orders: list (same filters as the API) and detail with shipments."""

from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import TemplateView

from orderly.dashboard.access import StaffMixin
from orderly.dashboard.pagination import paginate_page
from orders import selectors
from orders.filters import OrderFilter
from orders.models import Order, OrderStatus, Shipment, TrackingCheckpoint


class OrderListView(StaffMixin, TemplateView):
    template_name = "dashboard/orders/list.html"

    def get_context_data(self, **kwargs):
        queryset = selectors.order_list(queryset=Order.objects.for_organization(self.organization))
        filterset = OrderFilter(self.request.GET, queryset=queryset.select_related("end_user"))
        orders = filterset.qs if filterset.is_valid() else queryset.none()
        return {
            **super().get_context_data(**kwargs),
            "page": paginate_page(self.request, orders, one_scan=OrderFilter.is_search(self.request.GET)),
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
            Prefetch("checkpoints", queryset=checkpoints), "tracking_pages"
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
