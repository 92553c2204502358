from rest_framework import serializers

from operations.models import Operation, OperationStatus
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

    @staticmethod
    def schema_rules(auto_schema) -> dict:
        """Each type's own input, and its order, in the schema: what `operation_create` validates."""
        rules = []
        for name in operation_type_names():
            handler = operation_type_get(name)
            then = {"properties": {"input": auto_schema._map_serializer(handler.InputSerializer(), "request")}}
            if handler.requires_order:
                then["required"] = ["order_id"]
                then["properties"]["order_id"] = {"type": "string"}
            rules.append({"if": {"required": ["type"], "properties": {"type": {"const": name}}}, "then": then})
        return {"allOf": rules}


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


class TransitionOutput(serializers.Serializer):
    """The operation after a transition: `type` for execute and cancel, `undo_at` for undo."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(OperationStatus.choices)
    type = serializers.CharField(required=False, help_text="The operation's type.")
    undo_at = serializers.DateTimeField(required=False, allow_null=True)
