"""Embed configuration: public lookup by slug, `me`, and the PATCH upsert."""

import pytest

from embed.models import EmbedConfig
from orderly.events.models import Event
from tests.conftest import Tenant, bearer

pytestmark = pytest.mark.django_db


def test_public_config_by_slug_shows_branding_and_bridge_types(client, tenant):
    response = client.get(f"/api/v1/embed/config?slug={tenant.config.slug}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["slug"] == tenant.config.slug
    assert data["branding"]["company_name"] == "Acme Fulfillment"
    assert data["allowedBridgeTypes"][0] == {
        "id": "shopify",
        "name": "Shopify",
        "icon": "shopify-icon",
        "category": "ecommerce",
    }
    assert "publishable_key" not in data


def test_public_config_alias_path_and_trailing_slash(client, tenant):
    assert client.get(f"/api/embed/config/?slug={tenant.config.slug}").status_code == 200


def test_public_config_errors(client, tenant):
    assert client.get("/api/v1/embed/config").json()["error"]["details"] == {
        "slug": ["This query parameter is required."]
    }
    assert client.get("/api/v1/embed/config?slug=nope").status_code == 404
    # a NUL anywhere in a query is a 400 before any lookup (CONTRACT §3 rev. 2; PostgreSQL would 500)
    assert client.get("/api/v1/embed/config?slug=a%00b").status_code == 400
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(is_active=False)
    assert client.get(f"/api/v1/embed/config?slug={tenant.config.slug}").status_code == 404


def test_config_me_returns_every_field(client, tenant):
    response = client.get("/api/v1/embed/config/me", **bearer(tenant.api_key("embed:manage")))

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {
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
    }
    assert data["organization_id"] == str(tenant.organization.id)
    assert data["created_at"].endswith("Z") and len(data["created_at"]) == 24


def test_config_me_needs_the_embed_manage_scope(client, tenant):
    response = client.get("/api/v1/embed/config/me", **bearer(tenant.api_key("orders:read")))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_patch_creates_config_with_publishable_key(client, db):
    # given an organization without a config
    tenant = Tenant()
    tenant.config.delete()
    token = tenant.api_key("embed:manage")

    # when
    response = client.patch(
        "/api/v1/embed/config",
        {
            "slug": "acme-fulfillment",
            "allowed_bridge_types": ["shopify", "shipstation"],
            "allowed_origins": ["https://myapp.com"],
            "enabled_features": ["bridges", "data_room", "action_requests"],
            "branding": {"primary_color": "#059669", "company_name": "Acme"},
        },
        format="json",
        **bearer(token),
    )

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["publishable_key"].startswith("pk_live_")
    assert data["branding"] == {"primary_color": "#059669", "company_name": "Acme"}
    assert data["is_active"] is True
    event = Event.objects.get(organization=tenant.organization, event_type="config.updated")
    assert event.metadata["created"] is True


def test_patch_without_slug_on_create_is_refused(client, db):
    tenant = Tenant()
    tenant.config.delete()
    response = client.patch(
        "/api/v1/embed/config", {"is_active": True}, format="json", **bearer(tenant.api_key())
    )
    assert response.status_code == 400
    assert "slug" in response.json()["error"]["details"]
    assert not EmbedConfig.objects.filter(organization=tenant.organization).exists()


def test_patch_updates_and_keeps_the_publishable_key(client, tenant):
    before = tenant.config.publishable_key
    response = client.patch(
        "/api/v1/embed/config", {"is_active": False}, format="json", **bearer(tenant.api_key())
    )
    assert response.status_code == 200
    assert response.json()["data"]["publishable_key"] == before
    assert response.json()["data"]["is_active"] is False


@pytest.mark.parametrize(
    "body, field",
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"slug": "ab"}, "slug"),
        ({"allowed_origins": ["not a url"]}, "allowed_origins"),
        ({"allowed_origins": ["https://app.example.com/path"]}, "allowed_origins"),
        # a bracketed host that is no address (urlsplit raises: schemathesis found a 500 here)
        ({"allowed_origins": ["https://[03e4]"]}, "allowed_origins"),
        ({"branding": {"support_url": "https://a.example.com/[x]"}}, "branding"),
        ({"branding": {"logo_url": "ftp://cdn.example.com/logo.png"}}, "branding"),
        ({"allowed_bridge_types": ["myspace"]}, "allowed_bridge_types"),
        ({"enabled_features": ["teleport"]}, "enabled_features"),
        ({"branding": {"primary_color": "red"}}, "branding"),
        ({"settings": {"maxBridgesPerUser": 0}}, "settings"),
        ({"is_active": "maybe"}, "is_active"),
        ({"owner": "me"}, "owner"),
    ],
)
def test_patch_validation_names_the_field(client, tenant, body, field):
    response = client.patch("/api/v1/embed/config", body, format="json", **bearer(tenant.api_key()))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    # nested fields are reported by their dotted path (branding.primary_color)
    assert field in {path.split(".")[0] for path in response.json()["error"]["details"]}


def test_patch_refuses_a_slug_taken_by_another_organization(client, tenant, other_tenant):
    response = client.patch(
        "/api/v1/embed/config", {"slug": other_tenant.config.slug}, format="json", **bearer(tenant.api_key())
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["details"] == {"slug": ["This slug is already taken."]}
