from rest_framework import serializers

from orderly.api.fields import ANY_OBJECT, ReceiverUrlField, ShapedJSONField
from orderly.api.serializers import InputSerializer, OutputSerializer, choice_field, unique_choices
from orderly.events.catalog import DELIVERY_BODY
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from webhooks.topics import SUBSCRIBABLE_TOPICS

EVENTS = {
    "events": {"shape": {"type": "array", "items": {"type": "string", "enum": list(SUBSCRIBABLE_TOPICS)}}}
}


def _known_events(values):
    return unique_choices(values, SUBSCRIBABLE_TOPICS, "event type")


class WebhookCreateInput(InputSerializer):
    url = ReceiverUrlField(max_length=2000)
    secret = serializers.CharField(min_length=16, max_length=128, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(
        child=choice_field(SUBSCRIBABLE_TOPICS, label="event type"), allow_empty=False
    )

    def validate_events(self, values):
        return _known_events(values)


class WebhookUpdateInput(InputSerializer):
    url = ReceiverUrlField(max_length=2000, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(
        child=choice_field(SUBSCRIBABLE_TOPICS, label="event type"), allow_empty=False, required=False
    )
    isActive = serializers.BooleanField(required=False)

    def validate_events(self, values):
        return _known_events(values)


class RecoverInput(InputSerializer):
    since = serializers.DateTimeField()


class WebhookOutput(OutputSerializer):
    json_shapes = EVENTS

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "description",
            "is_active",
            "events",
            "last_success_at",
            "last_failure_at",
            "consecutive_failures",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]


class WebhookCreatedOutput(OutputSerializer):
    json_shapes = EVENTS
    secret = serializers.SerializerMethodField()

    class Meta:
        model = Webhook
        fields = ["id", "url", "description", "is_active", "events", "secret", "created_at"]

    def get_secret(self, webhook) -> str:
        return self.context["secret"]


class AttemptOutput(OutputSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "response_status", "response_excerpt", "error", "duration_ms", "created_at"]


class DeliveryOutput(OutputSerializer):
    response_status = serializers.IntegerField(allow_null=True)
    success = serializers.BooleanField()
    # Every attempt, newest first, with what the receiver answered: the delivery log's detail.
    attempt_log = AttemptOutput(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_type",
            "response_status",
            "success",
            "error",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "attempt_log",
        ]


class EventCatalogEntryOutput(serializers.Serializer):
    id = serializers.CharField(help_text="The topic, e.g. `order.created`.")
    description = serializers.CharField()
    schema = ShapedJSONField(
        {**ANY_OBJECT, "description": "JSON Schema (2020-12) of the whole delivery body."}
    )
    example = ShapedJSONField(DELIVERY_BODY, component="EventDeliveryBody")
