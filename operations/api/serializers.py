from rest_framework import serializers

from operations.models import Operation
from operations.registry import operation_type_get
from orderly.api.serializers import InputSerializer, OutputSerializer


class OperationCreateInput(InputSerializer):
    type = serializers.CharField(max_length=50)
    order_id = serializers.UUIDField(required=False, allow_null=True)
    input = serializers.DictField()


class OperationSerializer(OutputSerializer):
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


class OperationDetailSerializer(OutputSerializer):
    undoable = serializers.SerializerMethodField()

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
            "created_by_id",
            "executed_by_id",
            "undone_by_id",
            "created_at",
            "updated_at",
        ]

    def get_undoable(self, operation) -> bool:
        """Whether `POST …/undo` may succeed now: an undoable type, completed."""
        return operation.status == "completed" and operation_type_get(operation.type).undoable
