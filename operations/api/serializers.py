from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from operations.models import Operation
from operations.registry import operation_type_get, operation_type_names
from orderly.api.fields import ANY_OBJECT
from orderly.api.serializers import InputSerializer, OutputSerializer, choice_field

LOG_ENTRY = {
    "type": "object",
    "properties": {"at": {"type": "string", "format": "date-time"}, "message": {"type": "string"}},
    "required": ["at", "message"],
    "additionalProperties": False,
}
OPERATION_SHAPES = {
    "input": {"shape": {**ANY_OBJECT, "description": "The type's input, as given."}},
    "output": {"shape": {**ANY_OBJECT, "description": "What the operation produced, by type."}},
    "logs": {
        "shape": {"type": "array", "items": {"$ref": "#/components/schemas/OperationLogEntry"}},
        "needs": {"OperationLogEntry": LOG_ENTRY},
    },
}


class OperationCreateInput(InputSerializer):
    type = choice_field(operation_type_names(), label="operation type")
    order_id = serializers.UUIDField(required=False, allow_null=True)
    input = serializers.DictField(help_text="The type's input (docs/operations.md).")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _create_variant(type_name: str) -> type:
    """One type's create body, for the schema: `type` fixed, the type's own `input`, and `order_id`
    required when the type acts on an order (as `operation_create` insists)."""
    handler = operation_type_get(type_name)
    # The schema of a class, not an instance: DRF re-creates declared fields for every serializer.
    const = extend_schema_field({"type": "string", "const": type_name})
    type_field = const(type(f"{_camel(type_name)}TypeField", (serializers.CharField,), {}))()
    order_id = (
        serializers.UUIDField()
        if handler.requires_order
        else serializers.UUIDField(required=False, allow_null=True)
    )
    # A class of its own per type: the types' input serializers share names (`InputSerializer`).
    input_class = type(f"{_camel(type_name)}OperationInput", (handler.InputSerializer,), {"__doc__": None})
    return type(
        f"{_camel(type_name)}OperationCreateInput",
        (OperationCreateInput,),
        {"__doc__": f"{handler.label}.", "type": type_field, "order_id": order_id, "input": input_class()},
    )


# The create body as the schema shows it: one variant per type, discriminated by `type`.
OPERATION_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="OperationCreateInput",
    serializers={name: _create_variant(name) for name in operation_type_names()},
    resource_type_field_name="type",
)


class OperationOutput(OutputSerializer):
    json_shapes = OPERATION_SHAPES

    class Meta:
        model = Operation
        fields = [
            "id",
            "type",
            "status",
            "order_id",
            "input",
            "output",
            "error",
            "executed_at",
            "created_at",
            "updated_at",
        ]


class OperationDetailOutput(OutputSerializer):
    json_shapes = OPERATION_SHAPES
    undoable = serializers.SerializerMethodField()
    # Staff users by their public UUID (CONTRACT §3: ids are UUIDs), null for none or the system.
    created_by = serializers.UUIDField(source="created_by.membership.public_id", allow_null=True)
    executed_by = serializers.UUIDField(source="executed_by.membership.public_id", allow_null=True)
    undone_by = serializers.UUIDField(source="undone_by.membership.public_id", allow_null=True)

    class Meta:
        model = Operation
        fields = [
            "id",
            "type",
            "status",
            "order_id",
            "input",
            "output",
            "logs",
            "error",
            "undoable",
            "undo_at",
            "executed_at",
            "action_request_id",
            "created_by",
            "executed_by",
            "undone_by",
            "created_at",
            "updated_at",
        ]

    def get_undoable(self, operation) -> bool:
        """Whether `POST …/undo` may succeed now: an undoable type, completed."""
        return operation.status == "completed" and operation_type_get(operation.type).undoable
