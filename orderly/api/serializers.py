"""Base serializers: strict input (unknown fields are a 400) and output with the wire's date format."""

import copy
import operator
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from orderly.api.fields import IsoDateTimeField


class InputSerializer(serializers.Serializer):
    """Validates a request body; a field the serializer does not declare is refused (no mass assignment)."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - {name for name, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        # PostgreSQL stores no NUL in text or jsonb (a 500 there): refuse it in free-form JSON too,
        # as DRF's CharField already does in strings.
        with_nul = sorted(name for name, value in data.items() if _has_nul(value))
        if with_nul:
            raise serializers.ValidationError(
                {name: ["Null characters are not allowed."] for name in with_nul}
            )
        return super().to_internal_value(data)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class FastRepresentation:
    """Output serializers' representation, cheaper than DRF's for the common case (see below)."""

    @cached_property
    def _representation_plan(self) -> list[tuple[str, serializers.Field, str | None]]:
        """(name, field, model attribute to read directly, or None for DRF's general lookup)."""
        plan = []
        for field in self._readable_fields:
            direct = (
                len(field.source_attrs) == 1
                and type(field).get_attribute is serializers.Field.get_attribute
                and not isinstance(field, serializers.BaseSerializer)
            )
            plan.append((field.field_name, field, field.source_attrs[0] if direct else None))
        return plan

    def to_representation(self, instance):
        # DRF's loop, minus its per-row generator and generic source walk for plain attributes: a
        # list response runs this once per row and field. Anything unusual takes DRF's own path.
        result = {}
        read = operator.getitem if isinstance(instance, Mapping) else getattr
        for name, field, attribute in self._representation_plan:
            try:
                value = read(instance, attribute) if attribute is not None else field.get_attribute(instance)
            except (AttributeError, KeyError, ObjectDoesNotExist):
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
            except SkipField:
                continue
            check = value.pk if isinstance(value, PKOnlyObject) else value
            result[name] = None if check is None else field.to_representation(value)
        return result


class OutputSerializer(FastRepresentation, serializers.ModelSerializer):
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
        return _copy_fields(template)


def _copy_fields(template: dict) -> dict:
    """Fields for one serializer instance. An output field holds no state of its own beyond what
    `bind()` sets, so a shallow copy serves (deepcopy re-runs every field's constructor, which
    was a tenth of a list response's time); nested serializers, which do, are deep-copied."""
    return {
        name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) else copy.copy(field)
        for name, field in template.items()
    }


class PlainOutputSerializer(FastRepresentation, serializers.Serializer):
    """An output that is not one model's fields (nested objects, composed responses)."""

    def get_fields(self):
        return _copy_fields(self._declared_fields)


class StringListField(serializers.ListField):
    child = serializers.CharField(max_length=200)
