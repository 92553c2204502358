"""Embed config, session, end-user and event shapes (bodies as the seed spells them)."""

import re
from urllib.parse import urlsplit

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bridges.models import Bridge
from bridges.registry import BRIDGE_TYPES
from embed.models import EmbedConfig
from orderly.accounts.models import EndUser
from orderly.api.fields import ANY_OBJECT, HttpsUrlField, ShapedJSONField
from orderly.api.serializers import InputSerializer, OutputSerializer, choice_field, unique_choices
from orderly.events.models import Event
from orderly.features import FEATURES, SESSION_SCOPES

# `\A…\Z`, not `^…$`: `$` also matches before a trailing newline ("abc\n"). RegexField searches.
SLUG_RE = re.compile(r"\A[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])\Z")
COLOR_RE = re.compile(r"\A#[0-9A-Fa-f]{6}\Z")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")

BRANDING = {
    "type": "object",
    "description": "How the embed and the tracking pages look; every key optional.",
    "properties": {
        "primary_color": {"type": ["string", "null"], "pattern": "^#[0-9A-Fa-f]{6}$"},
        "secondary_color": {"type": ["string", "null"], "pattern": "^#[0-9A-Fa-f]{6}$"},
        # Each of these three may be "" (cleared), as BrandingInput allows.
        "logo_url": {"type": ["string", "null"], "anyOf": [{"format": "uri"}, {"maxLength": 0}]},
        "company_name": {"type": ["string", "null"], "maxLength": 100},
        "support_url": {"type": ["string", "null"], "anyOf": [{"format": "uri"}, {"maxLength": 0}]},
        "support_email": {"type": ["string", "null"], "anyOf": [{"format": "email"}, {"maxLength": 0}]},
    },
    "additionalProperties": False,
}
EMBED_SETTINGS = {
    "type": "object",
    "description": "Behaviour settings, e.g. `maxBridgesPerUser` (an integer ≥ 1, or null for no limit).",
    "properties": {
        "maxBridgesPerUser": {"type": ["integer", "null"], "minimum": 1},
        "requireUserHash": {
            "type": "boolean",
            "description": "Every auto-session needs a valid `userHash`.",
        },
        "trackingShowOrderNumber": {
            "type": ["boolean", "null"],
            "description": "Tracking pages show the order number (null: the default, they do not).",
        },
    },
    "additionalProperties": True,
}
# The bridge types a public config offers: each type's public face (the full entry is /bridge-types).
PUBLIC_BRIDGE_TYPE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "enum": list(BRIDGE_TYPES)},
        "name": {"type": "string"},
        "icon": {"type": "string"},
        "category": {"type": "string"},
    },
    "required": ["id", "name", "icon", "category"],
    "additionalProperties": False,
}
CONFIG_SHAPES = {
    "branding": {"shape": BRANDING, "component": "Branding"},
    "allowed_origins": {"shape": {"type": "array", "items": {"type": "string", "format": "uri"}}},
    "allowed_bridge_types": {
        "shape": {"type": "array", "items": {"type": "string", "enum": list(BRIDGE_TYPES)}}
    },
    "settings": {"shape": EMBED_SETTINGS, "component": "EmbedSettings"},
    "enabled_features": {"shape": {"type": "array", "items": {"type": "string", "enum": list(FEATURES)}}},
}
METADATA = {"metadata": {"shape": ANY_OBJECT}}


# The form `validate_origin` checks, as a pattern (the schema's): scheme, host name, an optional port
# (an IPv6 literal is accepted too, but not described).
ORIGIN_RE = re.compile(
    r"^[hH][tT][tT][pP][sS]?://(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)"
    r"(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$"
)
ORIGIN_MESSAGE = "Must be an origin like https://app.example.com."


def validate_origin(value: str) -> str:
    """`scheme://host[:port]` with nothing after it: what a browser sends in `Origin`."""
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. a bracketed host that is no IP address: "https://[03e4]"
        raise serializers.ValidationError(f"'{value}' is not an origin like https://app.example.com.") from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("",)
        or parts.query
        or parts.fragment
        or parts.username
        or value != value.strip()
    ):
        raise serializers.ValidationError(f"'{value}' is not an origin like https://app.example.com.")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise serializers.ValidationError(f"'{value}' has an invalid port.") from None
    return value.rstrip("/").lower()


class BrandingInput(InputSerializer):
    primary_color = serializers.RegexField(COLOR_RE, required=False, allow_null=True, trim_whitespace=False)
    logo_url = HttpsUrlField(required=False, allow_null=True, allow_blank=True, max_length=500)
    company_name = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=100)
    secondary_color = serializers.RegexField(COLOR_RE, required=False, allow_null=True, trim_whitespace=False)
    # The help contact customers see on the tracking page and in its e-mails.
    support_url = HttpsUrlField(required=False, allow_null=True, allow_blank=True, max_length=500)
    support_email = serializers.EmailField(required=False, allow_null=True, allow_blank=True, max_length=254)

    def validate_logo_url(self, value):
        """https, or plain http on this machine for local development. The host is the parsed one:
        `http://localhost@evil.test/` is evil.test (with a user name), not localhost."""
        if not value:
            return value
        parts = urlsplit(value)
        if parts.username is not None or parts.password is not None:
            raise serializers.ValidationError("Must not contain a user name or password.")
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
            return value
        raise serializers.ValidationError("Must be an https URL.")

    validate_support_url = validate_logo_url


@extend_schema_field(EMBED_SETTINGS)
class ConfigSettingsInput(serializers.DictField):
    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        limit = data.get("maxBridgesPerUser")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise serializers.ValidationError({"maxBridgesPerUser": ["Must be an integer ≥ 1 or null."]})
        show = data.get("trackingShowOrderNumber")
        if show is not None and not isinstance(show, bool):
            raise serializers.ValidationError({"trackingShowOrderNumber": ["Must be true or false."]})
        if "requireUserHash" in data and not isinstance(data["requireUserHash"], bool):
            raise serializers.ValidationError({"requireUserHash": ["Must be true or false."]})
        return data


class ConfigUpdateInput(InputSerializer):
    # The validator puts the slug's pattern in the schema too (drf-spectacular reads RegexValidator).
    slug = serializers.CharField(
        required=False,
        max_length=63,
        trim_whitespace=False,
        validators=[RegexValidator(SLUG_RE, "Use 3–63 lowercase letters, digits and hyphens.")],
    )
    branding = BrandingInput(required=False)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(
            max_length=300, trim_whitespace=False, validators=[RegexValidator(ORIGIN_RE, ORIGIN_MESSAGE)]
        ),
        required=False,
        max_length=50,
    )
    allowed_bridge_types = serializers.ListField(
        child=choice_field(list(BRIDGE_TYPES), label="bridge type"), required=False
    )
    default_dispatcher_id = serializers.UUIDField(required=False, allow_null=True)
    settings = ConfigSettingsInput(required=False)
    enabled_features = serializers.ListField(child=choice_field(FEATURES, label="feature"), required=False)
    is_active = serializers.BooleanField(required=False)

    def validate_allowed_origins(self, values):
        errors = []
        cleaned = []
        for value in values:
            try:
                cleaned.append(validate_origin(value))
            except serializers.ValidationError as exc:
                errors.extend(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return list(dict.fromkeys(cleaned))

    def validate_allowed_bridge_types(self, values):
        return unique_choices(values, BRIDGE_TYPES, "bridge type")

    def validate_enabled_features(self, values):
        return unique_choices(values, FEATURES, "feature")


class ConfigOutput(OutputSerializer):
    json_shapes = CONFIG_SHAPES
    organization_id = serializers.UUIDField()

    class Meta:
        model = EmbedConfig
        fields = [
            "id",
            "organization_id",
            "slug",
            "publishable_key",
            "branding",
            "allowed_origins",
            "allowed_bridge_types",
            "default_dispatcher_id",
            "settings",
            "enabled_features",
            "is_active",
            "created_at",
            "updated_at",
        ]


class PublicConfigOutput(serializers.Serializer):
    slug = serializers.CharField()
    branding = ShapedJSONField(BRANDING, component="Branding")
    allowedBridgeTypes = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": PUBLIC_BRIDGE_TYPE})
    def get_allowedBridgeTypes(self, config) -> list[dict]:  # noqa: N802 - the wire name
        return public_bridge_types(config.allowed_bridge_types)


def public_bridge_types(type_ids) -> list[dict]:
    """The public face of each known bridge type among `type_ids`, in their order (PublicConfigOutput's
    `allowedBridgeTypes`; the embed app page's boot data too)."""
    return [
        {"id": t.id, "name": t.name, "icon": t.icon, "category": t.category}
        for type_id in type_ids or []
        if (t := BRIDGE_TYPES.get(type_id))
    ]


class ProfileFields(InputSerializer):
    externalId = serializers.CharField(max_length=255)
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)


class SessionCreateInput(ProfileFields):
    metadata = serializers.DictField(required=False, help_text="Free-form; shown back on the end user.")
    scopes = serializers.ListField(
        child=choice_field(SESSION_SCOPES, label="scope"), required=False, allow_empty=False
    )
    allowedBridgeTypes = serializers.ListField(
        child=choice_field(list(BRIDGE_TYPES), label="bridge type"), required=False, allow_null=True
    )
    ttlSeconds = serializers.IntegerField(required=False, min_value=60, max_value=86400)

    def validate_scopes(self, values):
        return unique_choices(values, SESSION_SCOPES, "scope")

    def validate_allowedBridgeTypes(self, values):  # noqa: N802 - the wire name
        return None if values is None else unique_choices(values, BRIDGE_TYPES, "bridge type")


class AutoSessionInput(ProfileFields):
    # Padding is trimmed (the same key), so one of only whitespace is blank: the pattern says so.
    key = serializers.CharField(max_length=100, validators=[RegexValidator(r"\S", "This field may not be blank.")])
    userHash = serializers.CharField(
        required=False,
        allow_blank=True,  # a given but empty hash is a wrong one (403), not a missing one
        max_length=128,
        help_text="Lowercase hex HMAC-SHA256 of externalId keyed with the config's identity secret, "
        "computed by the integrator's server. Required for end users the server provisioned, and for "
        "every end user when settings.requireUserHash is true.",
    )


class EndUserBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    externalId = serializers.CharField(source="external_id")
    name = serializers.CharField()
    email = serializers.CharField()


class EndUserOutput(OutputSerializer):
    json_shapes = METADATA
    organization_id = serializers.UUIDField()
    bridge_count = serializers.IntegerField()

    class Meta:
        model = EndUser
        fields = [
            "id",
            "organization_id",
            "external_id",
            "name",
            "email",
            "metadata",
            "bridge_count",
            "created_at",
            "updated_at",
        ]


class EndUserBridgeOutput(OutputSerializer):
    class Meta:
        model = Bridge
        fields = ["id", "name", "type", "status", "last_sync_at", "created_at"]


class EndUserDetailOutput(OutputSerializer):
    json_shapes = METADATA
    organization_id = serializers.UUIDField()
    bridges = EndUserBridgeOutput(many=True)

    class Meta:
        model = EndUser
        fields = [
            "id",
            "organization_id",
            "external_id",
            "name",
            "email",
            "metadata",
            "created_at",
            "updated_at",
            "bridges",
        ]


class EventOutput(OutputSerializer):
    json_shapes = METADATA
    organization_id = serializers.UUIDField()

    class Meta:
        model = Event
        fields = [
            "id",
            "organization_id",
            "end_user_id",
            "session_id",
            "event_type",
            "resource_type",
            "resource_id",
            "metadata",
            "ip_address",
            "created_at",
        ]
