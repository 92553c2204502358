"""Bridge request bodies and responses (seed: embed-api.txt, "Bridges")."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from bridges.models import Bridge, SyncRun
from bridges.registry import BRIDGE_TYPES
from bridges.services import bridge_config_mask
from orderly.api.serializers import InputSerializer, OutputSerializer, choice_field


class BridgeCreateInput(InputSerializer):
    type = choice_field(list(BRIDGE_TYPES), label="bridge type")
    name = serializers.CharField(max_length=200)
    config = serializers.DictField(child=serializers.JSONField())

    # Each type's config in the schema: the keys `bridge_create` accepts for it (bridges/registry.py).
    schema_rules = {
        "allOf": [
            {
                "if": {"required": ["type"], "properties": {"type": {"const": type_id}}},
                "then": {"properties": {"config": bridge_type.config_schema()}},
            }
            for type_id, bridge_type in BRIDGE_TYPES.items()
        ]
    }


class BridgeUpdateInput(InputSerializer):
    # The keys any type takes (which of them this bridge's type takes is the stored bridge's).
    schema_rules = {
        "properties": {
            "config": {
                "type": "object",
                "properties": {
                    name: {"type": "string", "maxLength": 2000}
                    for bridge_type in BRIDGE_TYPES.values()
                    for name in bridge_type.config_schema(partial=True)["properties"]
                },
                "additionalProperties": False,
            }
        }
    }

    name = serializers.CharField(max_length=200, required=False)
    status = serializers.ChoiceField(choices=Bridge.Status.choices, required=False)
    config = serializers.DictField(child=serializers.JSONField(), required=False)


# What `shop_domain_normalize` accepts, case-insensitively: "mystore", "mystore.myshopify.com", or
# either after "https://" (with trailing slashes); in the schema as the field's `pattern`.
# (The name at most 241 characters: with ".myshopify.com" the domain stays within 255.)
_SHOP = r"[a-zA-Z0-9][a-zA-Z0-9-]{0,240}(?:\.[mM][yY][sS][hH][oO][pP][iI][fF][yY]\.[cC][oO][mM])?"
# Spaces and tabs only around it: what counts as `\s` differs between Python and ECMA (U+FEFF).
SHOP_DOMAIN_INPUT = rf"^[ \t]*(?:[hH][tT][tT][pP][sS]://{_SHOP}/*|{_SHOP})[ \t]*$"


class ShopifyOAuthStartInput(InputSerializer):
    shopDomain = serializers.CharField(  # noqa: N815 — the wire's spelling
        max_length=255,
        validators=[
            RegexValidator(SHOP_DOMAIN_INPUT, "Must be a Shopify domain like 'mystore' or 'mystore.myshopify.com'.")
        ],
    )
    name = serializers.CharField(max_length=200, required=False)


class ShopifyOAuthCallbackInput(serializers.Serializer):
    """Query string of the redirect back from Shopify; extra parameters (hmac, host, timestamp) are Shopify's own."""

    # Compared as sent (whitespace is not trimmed away into a "blank" the schema allows).
    state = serializers.CharField(max_length=200, trim_whitespace=False)
    code = serializers.CharField(max_length=500, trim_whitespace=False)
    shop = serializers.CharField(max_length=255, trim_whitespace=False)


class BridgeListOutput(OutputSerializer):
    class Meta:
        model = Bridge
        fields = ["id", "name", "type", "status", "last_sync_at", "error_message", "created_at", "updated_at"]


class BridgeOutput(OutputSerializer):
    config = serializers.SerializerMethodField()

    class Meta:
        model = Bridge
        fields = [
            "id",
            "organization_id",
            "end_user_id",
            "type",
            "name",
            "config",
            "status",
            "last_sync_at",
            "error_message",
            "created_at",
            "updated_at",
        ]

    def get_config(self, bridge) -> dict:
        return bridge_config_mask(bridge=bridge)


class BridgeTestOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()


class ShopifyOAuthStartOutput(serializers.Serializer):
    bridgeId = serializers.UUIDField()  # noqa: N815
    authUrl = serializers.URLField()  # noqa: N815


class BridgeConfigFieldOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    secret = serializers.BooleanField()


class BridgeTypeOutput(serializers.Serializer):
    """A registered bridge type (embed/bridge_types.py), as the seed's "List Bridge Types" shows it."""

    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    icon = serializers.CharField()
    category = serializers.CharField()
    auth_methods = serializers.ListField(child=serializers.CharField())
    config_fields = BridgeConfigFieldOutput(many=True)
    webhook_support = serializers.BooleanField()
    docs_url = serializers.CharField(allow_blank=True)
    syncs = serializers.BooleanField(
        help_text="Whether bridges of this type bring orders into the data room."
    )


class ShopifyOAuthCallbackOutput(serializers.Serializer):
    bridgeId = serializers.UUIDField()  # noqa: N815
    status = serializers.ChoiceField(choices=Bridge.Status.choices)


class SyncRunOutput(OutputSerializer):
    """One sync of a bridge (CONTRACT §10). For a succeeded run with skipped orders,
    `error_message` summarizes the first skipped orders' errors."""

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "bridge_id",
            "trigger",
            "status",
            "orders_created",
            "orders_updated",
            "orders_skipped",
            "error_message",
            "started_at",
            "finished_at",
            "created_at",
        ]


class ShopifyWebhookOutput(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField()
