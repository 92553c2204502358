"""One FilterSet for the API list and the dashboard list."""

import django_filters

from operations.models import Operation, OperationStatus
from operations.registry import operation_type_names


class OperationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OperationStatus.choices)
    type = django_filters.ChoiceFilter(choices=lambda: [(n, n) for n in operation_type_names()])
    order_id = django_filters.UUIDFilter(field_name="order_id")

    class Meta:
        model = Operation
        fields = ["status", "type", "order_id"]
