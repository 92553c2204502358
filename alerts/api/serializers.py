from rest_framework import serializers

from alerts.models import AlertNotification, AlertRule
from orderly.api.fields import ANY_OBJECT, ReceiverUrlField
from orderly.api.serializers import InputSerializer, OutputSerializer
from webhooks.topics import SUBSCRIBABLE_TOPICS

METHODS = [m.value for m in AlertRule.DeliveryMethod]


class _RuleFields(InputSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    eventType = serializers.ChoiceField(choices=SUBSCRIBABLE_TOPICS)
    condition = serializers.DictField(
        help_text="Keys of the event's data and the value each must equal (a list: any of them)."
    )
    deliveryMethod = serializers.ChoiceField(choices=METHODS, required=False)
    webhookUrl = ReceiverUrlField(max_length=2000, required=False, allow_null=True)
    cooldownMinutes = serializers.IntegerField(min_value=5, max_value=1440, required=False)

    names = {
        "eventType": "event_type",
        "deliveryMethod": "delivery_method",
        "webhookUrl": "webhook_url",
        "cooldownMinutes": "cooldown_minutes",
        "isActive": "is_active",
    }

    def model_fields(self) -> dict:
        return {self.names.get(k, k): v for k, v in self.validated_data.items()}


# What `validate` below enforces, in the schema's words (JSON Schema `if`/`then`).
WEBHOOK_DELIVERY = {"required": ["deliveryMethod"], "properties": {"deliveryMethod": {"enum": ["webhook", "both"]}}}


class AlertRuleCreateInput(_RuleFields):
    schema_rules = {
        "if": WEBHOOK_DELIVERY,
        "then": {"required": ["webhookUrl"], "properties": {"webhookUrl": {"type": "string"}}},
    }

    def validate(self, attrs):
        method = attrs.get("deliveryMethod", "in_app")
        if method != "in_app" and not attrs.get("webhookUrl"):
            raise serializers.ValidationError(
                {"webhookUrl": ["Required when deliveryMethod is webhook or both."]}
            )
        return attrs


class AlertRuleUpdateInput(_RuleFields):
    # A rule delivered by webhook keeps a URL (whether it already had one is the stored rule's).
    schema_rules = {"if": WEBHOOK_DELIVERY, "then": {"properties": {"webhookUrl": {"type": "string"}}}}

    isActive = serializers.BooleanField(required=False)

    def __init__(self, *args, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        for field in self.fields.values():
            field.required = False

    def validate(self, attrs):
        method = attrs.get("deliveryMethod", self.rule.delivery_method if self.rule else "in_app")
        url = attrs.get("webhookUrl", self.rule.webhook_url if self.rule else None)
        if method != "in_app" and not url:
            raise serializers.ValidationError(
                {"webhookUrl": ["Required when deliveryMethod is webhook or both."]}
            )
        return attrs


class AlertRuleOutput(OutputSerializer):
    json_shapes = {"condition": {"shape": ANY_OBJECT}}

    class Meta:
        model = AlertRule
        fields = [
            "id",
            "name",
            "description",
            "event_type",
            "condition",
            "delivery_method",
            "webhook_url",
            "cooldown_minutes",
            "is_active",
            "created_at",
            "updated_at",
        ]


class NotificationUpdateInput(InputSerializer):
    isRead = serializers.BooleanField(required=False)
    isDismissed = serializers.BooleanField(required=False)


class NotificationOutput(OutputSerializer):
    rule_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = AlertNotification
        fields = [
            "id",
            "rule_id",
            "event_type",
            "title",
            "message",
            "is_read",
            "is_dismissed",
            "created_at",
            "updated_at",
        ]
