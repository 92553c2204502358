"""Wire formats shared by every serializer: ISO 8601 UTC with milliseconds and a `Z`."""

import datetime as dt

from rest_framework import serializers


def iso_ms(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class IsoDateTimeField(serializers.DateTimeField):
    def to_representation(self, value):
        return iso_ms(value) if value else None
