"""Embed sessions: server-side mint, auto-sessions from a publishable key, revoke, and their use."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from embed.models import EmbedConfig
from orderly.accounts.models import EmbedSession, EndUser
from orderly.events.models import Event
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/embed/sessions"


def _create(client, token, **body):
    return client.post(SESSIONS, {"externalId": "user_12345", **body}, format="json", **bearer(token))


def test_create_session_upserts_the_end_user(client, tenant):
    # when
    response = _create(
        client,
        tenant.api_key("embed:manage"),
        name="Store Owner",
        email="merchant@store.com",
        scopes=["bridges:read", "bridges:write", "orders:read"],
        ttlSeconds=7200,
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["token"].startswith("est_")
    assert data["scopes"] == ["bridges:read", "bridges:write", "orders:read"]
    assert data["enabledFeatures"] == tenant.config.enabled_features
    assert data["endUser"]["externalId"] == "user_12345"
    assert data["endUser"]["email"] == "merchant@store.com"
    session = EmbedSession.objects.get(pk=data["sessionId"])
    assert data["token"] not in session.digest  # only the digest is stored
    assert 7190 < (session.expires_at - timezone.now()).total_seconds() <= 7200
    types = set(Event.objects.filter(organization=tenant.organization).values_list("event_type", flat=True))
    assert {"end_user.created", "session.created"} <= types


def test_second_session_reuses_and_updates_the_end_user(client, tenant):
    token = tenant.api_key("embed:manage")
    _create(client, token, name="Old")
    response = _create(client, token, name="New")
    assert response.status_code == 201
    assert EndUser.objects.filter(organization=tenant.organization, external_id="user_12345").count() == 1
    assert response.json()["data"]["endUser"]["name"] == "New"


def test_default_scopes_and_ttl(client, tenant):
    data = _create(client, tenant.api_key()).json()["data"]
    assert data["scopes"] == ["bridges:read", "bridges:write"]
    session = EmbedSession.objects.get(pk=data["sessionId"])
    assert 3590 < (session.expires_at - timezone.now()).total_seconds() <= 3600


@pytest.mark.parametrize("ttl, status", [(59, 400), (60, 201), (86400, 201), (86401, 400), ("x", 400)])
def test_ttl_bounds(client, tenant, ttl, status):
    assert _create(client, tenant.api_key(), ttlSeconds=ttl).status_code == status


@pytest.mark.parametrize(
    "body",
    [
        {"scopes": ["orders:write"]},
        {"scopes": []},
        {"allowedBridgeTypes": ["myspace"]},
        {"email": "not-an-email"},
        {"externalId": ""},
        {"role": "admin"},
    ],
)
def test_invalid_session_bodies(client, tenant, body):
    response = client.post(SESSIONS, {"externalId": "u1", **body}, format="json", **bearer(tenant.api_key()))
    assert response.status_code == 400
    # a list member is reported by its path (scopes.0)
    assert set(body) & {path.split(".")[0] for path in response.json()["error"]["details"]}


def test_session_requires_an_active_config(client, tenant):
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(is_active=False)
    response = _create(client, tenant.api_key())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "embed_inactive"


def test_a_session_token_cannot_call_an_api_key_endpoint(client, tenant):
    response = _create(client, tenant.session())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Basic abc", "Bearer oh_short", "Bearer est_short", "Bearer sk_live_nope", "Bearer a b"],
)
def test_missing_or_malformed_credentials_are_401(client, tenant, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(SESSIONS, {"externalId": "u"}, format="json", **extra)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_revoked_api_key_is_401(client, tenant):
    from orderly.accounts.models import ApiKey

    token = tenant.api_key()
    ApiKey.objects.update(revoked_at=timezone.now())
    assert _create(client, token).status_code == 401


def test_revoke_session_then_its_token_is_401(client, tenant):
    # given
    key = tenant.api_key()
    data = _create(client, key, scopes=["bridges:read"]).json()["data"]
    assert client.get("/api/v1/embed/bridges", **bearer(data["token"])).status_code == 200

    # when
    response = client.delete(f"{SESSIONS}/{data['sessionId']}", **bearer(key))

    # then
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert client.get("/api/v1/embed/bridges", **bearer(data["token"])).status_code == 401
    assert Event.objects.filter(event_type="session.revoked", session_id=data["sessionId"]).exists()


def test_expired_session_is_401(client, tenant):
    token = tenant.session(None, "bridges:read", ttl=60)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        response = client.get("/api/v1/embed/bridges", **bearer(token))
    assert response.status_code == 401


def test_another_organizations_session_is_404(client, tenant, other_tenant):
    data = _create(client, other_tenant.api_key()).json()["data"]
    response = client.delete(f"{SESSIONS}/{data['sessionId']}", **bearer(tenant.api_key()))
    assert response.status_code == 404
    assert EmbedSession.objects.get(pk=data["sessionId"]).revoked_at is None


def test_non_uuid_session_id_is_404(client, tenant):
    response = client.delete(f"{SESSIONS}/not-a-uuid", **bearer(tenant.api_key()))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# Auto-sessions ----------------------------------------------------------------------------------


def _auto(client, key, origin=None, **body):
    extra = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(
        f"{SESSIONS}/auto", {"key": key, "externalId": "user_1", **body}, format="json", **extra
    )


def test_auto_session_grants_the_scopes_of_enabled_features(client, tenant):
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(
        enabled_features=["bridges", "data_room", "smart_alerts"]
    )

    response = _auto(client, tenant.config.publishable_key, name="Store Owner")

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"token", "expiresAt", "scopes", "enabledFeatures"}
    assert data["scopes"] == [
        "bridges:read",
        "bridges:write",
        "orders:read",
        "shipments:read",
        "tracking:read",
        "alerts:read",
        "alerts:write",
    ]
    session = EmbedSession.objects.get(end_user__external_id="user_1")
    assert (session.expires_at - timezone.now()).total_seconds() <= 3600
    assert session.origin == "auto"


def test_auto_session_checks_origin_when_origins_are_set(client, tenant):
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(allowed_origins=["https://myapp.com"])
    key = tenant.config.publishable_key

    assert _auto(client, key, origin="https://myapp.com").status_code == 200
    refused = _auto(client, key, origin="https://evil.example")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "origin_not_allowed"
    assert _auto(client, key).status_code == 403


def test_auto_session_unknown_key_and_inactive_config(client, tenant):
    assert _auto(client, "pk_live_nope").status_code == 401
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(is_active=False)
    response = _auto(client, tenant.config.publishable_key)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "embed_inactive"


def test_auto_session_is_throttled_per_key_and_ip(client, tenant, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auto_session": "3/min",
        },
    }
    key = tenant.config.publishable_key
    statuses = [_auto(client, key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = _auto(client, key)
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
