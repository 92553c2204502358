"""Query-string filters shared by the org-wide API and the data room."""

import django_filters
from django.db.models import Q

from orders.models import Order, OrderStatus, Shipment, ShipmentStatus


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    search = django_filters.CharFilter(method="filter_search", max_length=255)

    class Meta:
        model = Order
        fields: list = []

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
