"""Base serializers: strict input (unknown fields are a 400) and output with the wire's date format."""

import copy
from collections.abc import Mapping

from django.db import models
from rest_framework import serializers

from orderly.api.fields import IsoDateTimeField


class InputSerializer(serializers.Serializer):
    """Validates a request body; a field the serializer does not declare is refused (no mass assignment)."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - {name for name, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class OutputSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: IsoDateTimeField,
    }

    def get_fields(self):
        # ModelSerializer introspects the model on every instance, which is most of the cost of a
        # small response. Output fields depend only on the class: build them once, then copy them
        # per instance, as DRF itself copies declared fields.
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return copy.deepcopy(template)


class StringListField(serializers.ListField):
    child = serializers.CharField(max_length=200)
