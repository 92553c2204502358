import django_filters

from orderly.api.filters import IsoDateOrDateTimeFilter, WireNamedFilterSet
from orderly.events.models import Event


class EventFilter(WireNamedFilterSet):
    event_type = django_filters.CharFilter(field_name="event_type")
    end_user_id = django_filters.UUIDFilter(field_name="end_user_id")
    created_from = IsoDateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = IsoDateOrDateTimeFilter(field_name="created_at", lookup_expr="lte")

    wire_names = {"created_from": "from", "created_to": "to"}

    class Meta:
        model = Event
        fields: list = []
