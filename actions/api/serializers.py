"""Action-request bodies as the seeds spell them: camelCase in, snake_case resources out."""

from rest_framework import serializers

from actions.models import ActionRequest, ActionType
from actions.services import RESOLUTION_STATUSES
from orderly.api.fields import ANY_OBJECT
from orderly.api.serializers import InputSerializer, OutputSerializer, PlainOutputSerializer

REQUESTED_CHANGES = {"requested_changes": {"shape": ANY_OBJECT}}

ADDRESS_REQUIRED = ("street", "city")


def requested_changes_errors(action_type: str, changes) -> dict:
    """Per-type checks of `requestedChanges`; keys name the field as the client spells it."""
    if changes is None:
        if action_type == ActionType.ADDRESS_CHANGE:
            return {"requestedChanges.address": ["An address change needs requestedChanges.address."]}
        return {}
    if action_type != ActionType.ADDRESS_CHANGE:
        return {}
    address = changes.get("address")
    if not isinstance(address, dict):
        return {"requestedChanges.address": ["An address change needs requestedChanges.address (an object)."]}
    errors = {}
    for name in ADDRESS_REQUIRED:
        value = address.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[f"requestedChanges.address.{name}"] = ["This field is required."]
    if not any(isinstance(address.get(k), str) and address.get(k).strip() for k in ("zip", "postal_code")):
        errors["requestedChanges.address.zip"] = ["zip or postal_code is required."]
    for name, value in address.items():
        if not isinstance(value, str | type(None)) or (isinstance(value, str) and len(value) > 255):
            errors.setdefault(f"requestedChanges.address.{name}", []).append(
                "Must be a string of at most 255 characters."
            )
    return errors


_TEXT = {"type": "string", "pattern": r"\S", "maxLength": 255}  # not blank
# `requested_changes_errors` in the schema's words: an address change carries an address with a street,
# a city and a zip (or postal_code), every value a string of at most 255 characters, or null.
ADDRESS_CHANGE_RULE = {
    "if": {"required": ["actionType"], "properties": {"actionType": {"const": ActionType.ADDRESS_CHANGE}}},
    "then": {
        "required": ["requestedChanges"],
        "properties": {
            "requestedChanges": {
                "type": "object",
                "required": ["address"],
                "properties": {
                    "address": {
                        "type": "object",
                        "required": list(ADDRESS_REQUIRED),
                        "properties": {name: _TEXT for name in ADDRESS_REQUIRED},
                        "additionalProperties": {"type": ["string", "null"], "maxLength": 255},
                        "anyOf": [
                            {"required": ["zip"], "properties": {"zip": _TEXT}},
                            {"required": ["postal_code"], "properties": {"postal_code": _TEXT}},
                        ],
                    }
                },
            }
        },
    },
}


class ActionRequestCreateInput(InputSerializer):
    schema_rules = ADDRESS_CHANGE_RULE

    orderId = serializers.UUIDField()
    actionType = serializers.ChoiceField(choices=ActionType.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)
    requestedChanges = serializers.DictField(required=False, allow_null=True)

    def validate(self, attrs):
        errors = requested_changes_errors(attrs["actionType"], attrs.get("requestedChanges"))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ActionRequestResolveInput(InputSerializer):
    status = serializers.ChoiceField(choices=[s.value for s in RESOLUTION_STATUSES])
    resolutionNote = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)


class ActionRequestOutput(OutputSerializer):
    json_shapes = REQUESTED_CHANGES
    organization_id = serializers.UUIDField()
    end_user_id = serializers.UUIDField(allow_null=True)
    order_id = serializers.UUIDField()
    resolved_by = serializers.UUIDField(source="resolved_by.membership.public_id", allow_null=True)

    class Meta:
        model = ActionRequest
        fields = [
            "id",
            "organization_id",
            "end_user_id",
            "order_id",
            "action_type",
            "title",
            "description",
            "status",
            "requested_changes",
            "resolution_note",
            "resolved_by",
            "resolved_at",
            "expires_at",
            "operation_id",
            "created_at",
            "updated_at",
        ]


class ActionRequestListOutput(OutputSerializer):
    order_id = serializers.UUIDField()

    class Meta:
        model = ActionRequest
        fields = ["id", "order_id", "action_type", "title", "status", "expires_at", "created_at"]


class QueueEndUserOutput(PlainOutputSerializer):
    external_id = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()


class ActionRequestQueueOutput(OutputSerializer):
    json_shapes = REQUESTED_CHANGES
    order_id = serializers.UUIDField()
    order_number = serializers.CharField(source="order.order_number")
    end_users = QueueEndUserOutput(source="end_user", allow_null=True)

    class Meta:
        model = ActionRequest
        fields = [
            "id",
            "order_id",
            "order_number",
            "action_type",
            "title",
            "description",
            "status",
            "requested_changes",
            "end_users",
            "expires_at",
            "created_at",
        ]


class ActionRequestResolvedOutput(OutputSerializer):
    order_id = serializers.UUIDField()
    resolved_by = serializers.UUIDField(source="resolved_by.membership.public_id", allow_null=True)

    class Meta:
        model = ActionRequest
        fields = [
            "id",
            "order_id",
            "action_type",
            "title",
            "status",
            "resolution_note",
            "resolved_by",
            "resolved_at",
            "operation_id",
            "created_at",
            "updated_at",
        ]
