"""Base serializers: strict input (unknown fields are a 400) and output with the wire's date format."""

import copy
import difflib
import operator
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from orderly.api.fields import IsoDateTimeField, ShapedJSONField


class InputSerializer(serializers.Serializer):
    """Validates a request body; a field the serializer does not declare is refused (no mass assignment).

    Types are strict (CONTRACT §3 rev. 2): DRF would read `"30"` as an integer, `"no"` as false and
    `0` as the string "0"; here a value must already have its field's JSON type (`json_type_error`).
    """

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        known = [name for name, f in self.fields.items() if not f.read_only]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise serializers.ValidationError(
                {name: [unknown_field_message(name, known)] for name in unknown}
            )
        # PostgreSQL stores no NUL in text or jsonb (a 500 there): refuse it in free-form JSON too,
        # as DRF's CharField already does in strings.
        with_nul = sorted(name for name, value in data.items() if _has_nul(value))
        if with_nul:
            raise serializers.ValidationError(
                {name: ["Null characters are not allowed."] for name in with_nul}
            )
        wrong_types = {}
        for name, value in data.items():
            error = json_type_error(self.fields[name], value)
            if error is not None:
                wrong_types[name] = error
        if wrong_types:
            raise serializers.ValidationError(wrong_types)
        return super().to_internal_value(data)


def unknown_field_message(name: str, known) -> str:
    """`Unknown field. Did you mean "orderNumber"?` when a known field is close enough."""
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    if close:
        return f'Unknown field. Did you mean "{lowered[close[0]]}"?'
    return "Unknown field."


_STRING_FIELDS = (
    serializers.CharField,
    serializers.DateTimeField,
    serializers.DateField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.UUIDField,
)


def json_type_error(field, value):
    """Why `value` (parsed JSON) is not of `field`'s JSON type, or None if it is.

    Only the type: ranges, formats and choices stay the field's own validation. Lists, dicts and
    nested objects are checked member by member.
    """
    if value is None or isinstance(field, (serializers.JSONField, serializers.HiddenField)):
        return None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else ["Must be a boolean (true or false)."]
    if isinstance(field, serializers.IntegerField):
        return None if _is_integer(value) else ["Must be an integer."]
    if isinstance(field, (serializers.FloatField, serializers.DecimalField)):
        return None if _is_number(value) else ["Must be a number."]
    if isinstance(field, serializers.MultipleChoiceField):
        return None if isinstance(value, list) else ["Must be a list."]
    if isinstance(field, serializers.ChoiceField):
        choice_types = {type(key) for key in field.choices}
        if choice_types <= {str}:
            return None if isinstance(value, str) else ["Must be a string."]
        return None
    if isinstance(field, _STRING_FIELDS):
        return None if isinstance(value, str) else ["Must be a string."]
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return None  # DRF's own "Expected a list" message
        errors = {str(i): e for i, item in enumerate(value) if (e := json_type_error(field.child, item))}
        return errors or None
    if isinstance(field, serializers.DictField):
        if not isinstance(value, Mapping):
            return None  # DRF's own message
        errors = {str(k): e for k, item in value.items() if (e := json_type_error(field.child, item))}
        return errors or None
    if isinstance(field, serializers.ListSerializer):
        if not isinstance(value, list):
            return None
        errors = {str(i): e for i, item in enumerate(value) if (e := json_type_error(field.child, item))}
        return errors or None
    if isinstance(field, serializers.Serializer):
        # Nested objects report their members' types with the rest, not one level per request.
        if not isinstance(value, Mapping):
            return None
        errors = {
            name: e
            for name, item in value.items()
            if name in field.fields and (e := json_type_error(field.fields[name], item))
        }
        return errors or None
    return None


def _is_integer(value) -> bool:
    # JSON has one number type: `30.0` is an integer as JSON Schema (and so the schema) counts them.
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def choice_field(choices, *, label: str, **kwargs) -> serializers.ChoiceField:
    """A choice whose error lists the valid values (an unknown scope, feature or event type)."""
    choices = list(choices)
    valid = ", ".join(str(c[0] if isinstance(c, tuple) else c) for c in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f'Unknown {label} "{{input}}". Valid values: {valid}.'},
        **kwargs,
    )


def unique_choices(values, allowed, label: str) -> list:
    """`values` without duplicates, in order; an unknown one is refused with the valid ones listed."""
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise serializers.ValidationError(
            f"Unknown {label}: {', '.join(map(str, unknown))}. Valid values: {', '.join(map(str, allowed))}."
        )
    return list(dict.fromkeys(values))


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
    # The model's JSON columns and their real shapes, for the schema: {"line_items": {"shape": …,
    # "component": "LineItem", "needs": {…}}} (the arguments of ShapedJSONField).
    json_shapes: dict = {}

    def build_field(self, field_name, info, model_class, nested_depth):
        spec = self.json_shapes.get(field_name)
        if spec is not None:
            model_field = info.fields.get(field_name)
            return ShapedJSONField, {**spec, "allow_null": bool(model_field is not None and model_field.null)}
        return super().build_field(field_name, info, model_class, nested_depth)

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
