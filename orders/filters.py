"""Query-string filters shared by the org-wide API and the data room."""

import django_filters
from django.db.models import Q

from orderly.api.filters import IsoDateOrDateTimeFilter, WireNamedFilterSet
from orders.models import Order, OrderStatus, Shipment, ShipmentStatus


class OrderFilter(WireNamedFilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    search = django_filters.CharFilter(method="filter_search", max_length=255)
    # A date bound covers its whole day: `from=2026-01-15&to=2026-01-15` is that day's orders.
    ordered_from = IsoDateOrDateTimeFilter(field_name="ordered_at", lookup_expr="gte")
    ordered_to = IsoDateOrDateTimeFilter(field_name="ordered_at", lookup_expr="lte", end_of_day=True)

    wire_names = {"ordered_from": "from", "ordered_to": "to"}

    class Meta:
        model = Order
        fields: list = []

    @staticmethod
    def is_search(params) -> bool:
        """Whether the query string searches (the list then pages in one scan, `count_and_page_rows`)."""
        return bool((params.get("search") or "").strip())

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(order_number__icontains=value) | Q(external_id__icontains=value))


class ShipmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ShipmentStatus.choices)

    class Meta:
        model = Shipment
        fields: list = []
