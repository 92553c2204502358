"""Filter pieces every app's FilterSets share: ISO 8601 bounds and query names that are Python keywords."""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


class IsoDateOrDateTimeField(forms.Field):
    """ISO 8601 date (`2026-01-15`: the start of that day, UTC, or its end for an upper bound with
    `end_of_day`) or date-time (`2026-01-15T10:30:00Z`)."""

    def __init__(self, *args, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            # A bare date first: parse_datetime would read `2026-01-15` as that day's midnight too.
            day = parse_date(value) if len(value) == 10 else None
            if day is not None:
                parsed = dt.datetime.combine(day, dt.time.max if self.end_of_day else dt.time.min)
            else:
                parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("Enter an ISO 8601 date or date-time.")
        if timezone.is_aware(parsed):
            # In UTC: PostgreSQL refuses an offset beyond ±15:59 (a 500), which ISO 8601 allows.
            return parsed.astimezone(dt.UTC)
        return timezone.make_aware(parsed, dt.UTC)


class IsoDateOrDateTimeFilter(django_filters.Filter):
    field_class = IsoDateOrDateTimeField


class WireNamedFilterSet(django_filters.FilterSet):
    """`from` is a Python keyword: such bounds get declared names, mapped from the wire by `wire_names`."""

    wire_names: dict[str, str] = {}

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and self.wire_names:
            data = data.copy()
            for name, wire in self.wire_names.items():
                if wire in data:
                    data[name] = data.pop(wire)[-1]
        super().__init__(data, *args, **kwargs)


# The empty value every filter reads as "no filter" (a dashboard form sends its unset fields so).
NO_FILTER = {"type": "string", "maxLength": 0}


def _parameter_schema(declared: django_filters.Filter) -> dict:
    if isinstance(declared, django_filters.ChoiceFilter):
        choices = declared.extra.get("choices", [])
        values = [str(value) for value, _label in (choices() if callable(choices) else choices)]
        return {"type": "string", "enum": [*values, ""]}
    if isinstance(declared, (django_filters.UUIDFilter, django_filters.ModelChoiceFilter)):
        return {"anyOf": [{"type": "string", "format": "uuid"}, NO_FILTER]}
    if isinstance(declared, IsoDateOrDateTimeFilter):
        return {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}, NO_FILTER]
        }
    if isinstance(declared, django_filters.BooleanFilter):
        return {"type": "boolean"}
    schema = {"type": "string"}
    if declared.extra.get("max_length"):
        schema["maxLength"] = declared.extra["max_length"]
    return schema


def filter_parameters(filterset_class, **descriptions: str) -> list:
    """The query parameters `filterset_class` reads, typed as it validates them (a choice's enum, a
    UUID, an ISO 8601 date or date-time, a length), so the schema allows exactly what the filter
    accepts. `descriptions` are by wire name; `from` is spelled `from_`."""
    from drf_spectacular.utils import OpenApiParameter

    wire_names = getattr(filterset_class, "wire_names", {})
    parameters = []
    for name, declared in filterset_class.base_filters.items():
        wire = wire_names.get(name, name)
        parameters.append(
            OpenApiParameter(
                wire,
                _parameter_schema(declared),
                OpenApiParameter.QUERY,
                description=descriptions.get(wire) or descriptions.get(f"{wire}_", ""),
            )
        )
    return parameters
