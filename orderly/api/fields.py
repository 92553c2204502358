"""Wire formats shared by every serializer: ISO 8601 UTC with milliseconds and a `Z`."""

import datetime as dt

from rest_framework import serializers


def iso_ms(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    # Not strftime("%Y"): glibc writes year 227 as "227", which is not RFC 3339 (four digits).
    return f"{value.year:04d}-" + value.strftime("%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class IsoDateTimeField(serializers.DateTimeField):
    def to_representation(self, value):
        return iso_ms(value) if value else None


class ShapedJSONField(serializers.JSONField):
    """A JSON column as the API shows it, with its real shape for the OpenAPI schema: `shape` is a
    JSON Schema (2020-12, OpenAPI 3.1's dialect); `component` names it when several outputs share it
    (Address, Totals, LineItem…). An empty `shape` means any JSON value, null included."""

    def __init__(self, shape: dict, *, component: str | None = None, needs: dict | None = None, **kwargs):
        self.shape = shape
        self.component = component
        self.needs = needs or {}  # components `shape` refers to, by name
        super().__init__(**kwargs)


ANY_OBJECT = {"type": "object", "additionalProperties": True}


def shaped(shape: dict, component: str | None = None, **kwargs) -> ShapedJSONField:
    return ShapedJSONField(shape, component=component, **kwargs)


def component_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}
