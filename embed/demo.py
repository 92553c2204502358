"""Demo embed configuration and end users for `manage.py seed_demo` (idempotent)."""

from bridges.registry import BRIDGE_TYPES
from embed.models import EmbedConfig
from orderly.accounts.models import EndUser
from orderly.api.tokens import PUBLISHABLE_PREFIX, token_generate
from orderly.features import FEATURES

DEMO_END_USERS = [
    ("merchant_acme", "Acme Outdoor Co.", "ops@acme-outdoor.example"),
    ("merchant_blue", "Blue Harbor Coffee", "hello@blueharbor.example"),
    ("merchant_cedar", "Cedar & Sage Apothecary", "team@cedarsage.example"),
    ("merchant_delta", "Delta Cycle Works", "shop@deltacycle.example"),
    ("merchant_ember", "Ember Home Goods", "orders@emberhome.example"),
]


def seed(*, organization, user, stdout):
    EmbedConfig.objects.get_or_create(
        organization=organization,
        defaults={
            "slug": "demo-fulfillment",
            "publishable_key": token_generate(PUBLISHABLE_PREFIX),
            "branding": {"primary_color": "#4F46E5", "company_name": "Demo Fulfillment", "logo_url": None},
            "allowed_origins": ["http://localhost:8000", "http://127.0.0.1:8000"],
            "allowed_bridge_types": list(BRIDGE_TYPES),
            "enabled_features": list(FEATURES),
            "settings": {"maxBridgesPerUser": 5},
        },
    )
    for external_id, name, email in DEMO_END_USERS:
        EndUser.objects.get_or_create(
            organization=organization, external_id=external_id, defaults={"name": name, "email": email}
        )
