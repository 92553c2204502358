"""CORS: only an origin on the organization's allowed_origins gets the headers."""

import pytest

from embed.models import EmbedConfig
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def allowed(tenant):
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(allowed_origins=["https://myapp.com"])
    return tenant


def test_preflight_from_an_allowed_origin(client, allowed):
    response = client.options(
        "/api/v1/embed/bridges",
        HTTP_ORIGIN="https://myapp.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://myapp.com"
    assert "Authorization" in response["Access-Control-Allow-Headers"]


def test_preflight_from_another_origin_gets_no_cors_headers(client, allowed):
    response = client.options(
        "/api/v1/embed/bridges", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert "Access-Control-Allow-Origin" not in response


def test_request_from_the_tenants_origin_gets_the_header(client, allowed):
    token = allowed.session(None, "bridges:read")
    response = client.get("/api/v1/embed/bridges", HTTP_ORIGIN="https://myapp.com", **bearer(token))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://myapp.com"


def test_origin_of_another_tenant_gets_no_header(client, allowed, other_tenant):
    # given another organization whose session is used from the first tenant's origin
    token = other_tenant.session(None, "bridges:read")

    response = client.get("/api/v1/embed/bridges", HTTP_ORIGIN="https://myapp.com", **bearer(token))

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_config_update_takes_effect_at_once(client, allowed):
    key = allowed.api_key()
    client.patch(
        "/api/v1/embed/config", {"allowed_origins": ["https://new.example"]}, format="json", **bearer(key)
    )
    response = client.options(
        "/api/v1/embed/config", HTTP_ORIGIN="https://new.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response["Access-Control-Allow-Origin"] == "https://new.example"
