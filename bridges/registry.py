"""The registry of bridge types. Adding a type is one `register(BridgeType(...))` here; nothing else changes."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConfigField:
    name: str
    label: str
    required: bool = False
    secret: bool = False
    type: str = "string"


@dataclass(frozen=True)
class BridgeType:
    id: str
    name: str
    description: str
    icon: str
    category: str
    auth_methods: tuple[str, ...]
    config_fields: tuple[ConfigField, ...] = field(default_factory=tuple)
    webhook_support: bool = False
    docs_url: str = ""
    # Whether the type brings orders into the data room (CONTRACT §10): its bridge service answers
    # `POST <base>/orders`, or the platform talks to the store itself (Shopify, when configured).
    syncs: bool = True

    @property
    def secret_fields(self) -> frozenset[str]:
        return frozenset(f.name for f in self.config_fields if f.secret)

    def config_schema(self, *, partial: bool = False) -> dict:
        """The JSON Schema of this type's `config`, as `bridges.services._config_validate` checks it."""
        properties = {}
        for config_field in self.config_fields:
            schema = {"type": "string", "maxLength": 2000}
            if config_field.required:
                schema["pattern"] = r"\S"  # not blank (bridges.services.NOT_BLANK)
            if config_field.type == "url":
                schema["anyOf"] = [{"format": "uri", "pattern": "^https?://"}, {"maxLength": 0}]
            properties[config_field.name] = schema
        required = [] if partial else [f.name for f in self.config_fields if f.required]
        return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


BRIDGE_TYPES: dict[str, BridgeType] = {}


def register(bridge_type: BridgeType) -> BridgeType:
    BRIDGE_TYPES[bridge_type.id] = bridge_type
    return bridge_type


def bridge_type_get(type_id: str) -> BridgeType | None:
    return BRIDGE_TYPES.get(type_id)


DOCS = "https://docs.orderly-hub.com/bridges/"

register(
    BridgeType(
        id="shopify",
        name="Shopify",
        description="Connect your Shopify store",
        icon="shopify-icon",
        category="ecommerce",
        auth_methods=("oauth", "api_key"),
        webhook_support=True,
        docs_url=DOCS + "shopify",
        config_fields=(
            ConfigField("shopDomain", "Shop domain", required=True),
            ConfigField("accessToken", "Admin API access token", secret=True),
        ),
    )
)
register(
    BridgeType(
        id="shipstation",
        name="ShipStation",
        description="Sync orders and shipments with ShipStation",
        icon="shipstation-icon",
        category="shipping",
        auth_methods=("api_key",),
        webhook_support=True,
        docs_url=DOCS + "shipstation",
        config_fields=(
            ConfigField("apiKey", "API key", required=True, secret=True),
            ConfigField("apiSecret", "API secret", required=True, secret=True),
        ),
    )
)
register(
    BridgeType(
        id="woocommerce",
        name="WooCommerce",
        description="Connect your WooCommerce store",
        icon="woocommerce-icon",
        category="ecommerce",
        auth_methods=("api_key",),
        webhook_support=True,
        docs_url=DOCS + "woocommerce",
        config_fields=(
            ConfigField("storeUrl", "Store URL", required=True, type="url"),
            ConfigField("consumerKey", "Consumer key", required=True, secret=True),
            ConfigField("consumerSecret", "Consumer secret", required=True, secret=True),
        ),
    )
)
register(
    BridgeType(
        id="bigcommerce",
        name="BigCommerce",
        description="Connect your BigCommerce store",
        icon="bigcommerce-icon",
        category="ecommerce",
        auth_methods=("api_key",),
        webhook_support=True,
        docs_url=DOCS + "bigcommerce",
        config_fields=(
            ConfigField("storeHash", "Store hash", required=True),
            ConfigField("accessToken", "Access token", required=True, secret=True),
        ),
    )
)
register(
    BridgeType(
        id="amazon",
        name="Amazon",
        description="Import orders from Amazon Seller Central",
        icon="amazon-icon",
        category="marketplace",
        auth_methods=("oauth",),
        webhook_support=False,
        docs_url=DOCS + "amazon",
        config_fields=(
            ConfigField("sellerId", "Seller ID", required=True),
            ConfigField("marketplaceId", "Marketplace ID", required=True),
            ConfigField("refreshToken", "Refresh token", required=True, secret=True),
        ),
    )
)
register(
    BridgeType(
        id="etsy",
        name="Etsy",
        description="Import orders from your Etsy shop",
        icon="etsy-icon",
        category="marketplace",
        auth_methods=("oauth", "api_key"),
        webhook_support=False,
        docs_url=DOCS + "etsy",
        config_fields=(
            ConfigField("shopId", "Shop ID", required=True),
            ConfigField("apiKey", "API key", required=True, secret=True),
        ),
    )
)

# The ids, for the schema's `BridgeTypeEnum` (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
BRIDGE_TYPE_IDS = list(BRIDGE_TYPES)
