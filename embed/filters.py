import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from orderly.events.models import Event


class IsoDateOrDateTimeField(forms.Field):
    """ISO 8601 date (`2026-01-15`, start of day UTC) or date-time (`2026-01-15T10:30:00Z`)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = dt.datetime.combine(day, dt.time.min)
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("Enter an ISO 8601 date or date-time.")
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


class IsoDateOrDateTimeFilter(django_filters.Filter):
    field_class = IsoDateOrDateTimeField


class EventFilter(django_filters.FilterSet):
    event_type = django_filters.CharFilter(field_name="event_type")
    end_user_id = django_filters.UUIDFilter(field_name="end_user_id")
    # `from` is a Python keyword: the bounds get declared names, mapped from the wire by `wire_names`.
    created_from = IsoDateOrDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = IsoDateOrDateTimeFilter(field_name="created_at", lookup_expr="lte")

    wire_names = {"created_from": "from", "created_to": "to"}

    class Meta:
        model = Event
        fields: list = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for name, wire in self.wire_names.items():
                if wire in data:
                    data[name] = data.pop(wire)[-1]
        super().__init__(data, *args, **kwargs)
