"""Auto-session identity (issue 13, item 1; CONTRACT §1 rev. 2).

The attack: with the public `pk_live_…` key, any `Origin` a script sets, and the `externalId` of an
end user the integrator's server provisioned, `POST /embed/sessions/auto` handed out a session for
that end user — their orders, their bridges, a webhook receiving their events — and overwrote their
name and e-mail. Now an auto-session binds only to end users auto-sessions created, unless a valid
`userHash` (HMAC-SHA256 of the externalId with the config's identity secret) comes with it.
"""

import hashlib
import hmac

import pytest

from embed.models import EmbedConfig
from orderly.accounts.models import EmbedSession, EndUser
from orderly.events.models import Event
from tests.conftest import bearer
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

AUTO = "/api/v1/embed/sessions/auto"
SECRET_URL = "/api/v1/embed/config/identity-secret"
ROTATE_KEY_URL = "/api/v1/embed/config/rotate-publishable-key"


def _auto(client, key, external_id, **body):
    return client.post(
        AUTO,
        {"key": key, "externalId": external_id, **body},
        format="json",
        HTTP_ORIGIN="https://evil.example",
    )


def _user_hash(secret: str, external_id: str) -> str:
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


def _server_provisioned(client, tenant, external_id="merchant_acme"):
    response = client.post(
        "/api/v1/embed/sessions",
        {"externalId": external_id, "name": "Acme", "email": "ops@acme.example"},
        format="json",
        **bearer(tenant.api_key("embed:manage")),
    )
    assert response.status_code == 201
    return EndUser.objects.get(organization=tenant.organization, external_id=external_id)


def _identity_secret(client, tenant) -> str:
    response = client.post(SECRET_URL, **bearer(tenant.api_key("embed:manage")))
    assert response.status_code in (200, 201), response.json()
    return response.json()["data"]["identitySecret"]


def test_a_server_provisioned_end_user_is_not_reachable_with_the_publishable_key(client, tenant):
    # given an end user the integrator's server provisioned, with an order
    victim = _server_provisioned(client, tenant)
    OrderFactory(end_user=victim)
    sessions_before = EmbedSession.objects.count()

    # when an attacker asks for an auto-session as that end user, and tries to rename them
    response = _auto(
        client, tenant.config.publishable_key, victim.external_id, name="Pwned", email="x@evil.example"
    )

    # then it is refused; no session exists for them; their profile is unchanged; the log has it
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "identity_verification_failed"
    assert "token" not in response.content.decode()
    assert EmbedSession.objects.count() == sessions_before
    victim.refresh_from_db()
    assert (victim.name, victim.email) == ("Acme", "ops@acme.example")
    rejected = Event.objects.get(event_type="session.identity_rejected")
    assert rejected.end_user_id == victim.pk
    assert rejected.metadata["reason"] == "user_hash_required"
    assert rejected.metadata["origin"] == "https://evil.example"


def test_a_valid_user_hash_reaches_a_server_provisioned_end_user_without_touching_their_profile(
    client, tenant
):
    # given an end user the server provisioned, and an identity secret
    victim = _server_provisioned(client, tenant)
    secret = _identity_secret(client, tenant)

    # when the integrator's page passes the userHash its server computed
    response = _auto(
        client,
        tenant.config.publishable_key,
        victim.external_id,
        userHash=_user_hash(secret, victim.external_id),
        name="Renamed",
    )

    # then a session for that end user, and their profile is as the server set it
    assert response.status_code == 200, response.json()
    assert set(response.json()["data"]) == {"token", "expiresAt", "scopes", "enabledFeatures"}
    session = EmbedSession.objects.get(end_user=victim, origin="auto")
    assert (
        Event.objects.get(event_type="session.created", session_id=session.pk).metadata["identity"]
        == "user_hash"
    )
    victim.refresh_from_db()
    assert victim.name == "Acme"


@pytest.mark.parametrize("wrong", ["0" * 64, "", "ABC", "x" * 128])
def test_a_wrong_user_hash_is_refused_even_for_a_new_end_user(client, tenant, wrong):
    secret = _identity_secret(client, tenant)
    assert _user_hash(secret, "new-user") != wrong

    response = _auto(client, tenant.config.publishable_key, "new-user", userHash=wrong)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "identity_verification_failed"
    assert response.json()["error"]["details"] == {"reason": "user_hash_invalid"}
    assert not EndUser.objects.filter(external_id="new-user").exists()


def test_the_hash_of_another_external_id_does_not_verify(client, tenant):
    victim = _server_provisioned(client, tenant)
    secret = _identity_secret(client, tenant)

    response = _auto(
        client, tenant.config.publishable_key, victim.external_id, userHash=_user_hash(secret, "attacker")
    )

    assert response.status_code == 403


def test_an_uppercase_hash_is_not_the_lowercase_hex_the_contract_names(client, tenant):
    secret = _identity_secret(client, tenant)
    response = _auto(client, tenant.config.publishable_key, "u-1", userHash=_user_hash(secret, "u-1").upper())
    assert response.status_code == 403


def test_auto_created_end_users_stay_reachable_without_a_hash_but_keep_their_first_profile(client, tenant):
    # given an end user an auto-session created
    first = _auto(
        client, tenant.config.publishable_key, "browser-42", name="First", email="first@example.com"
    )
    assert first.status_code == 200
    end_user = EndUser.objects.get(external_id="browser-42")
    assert end_user.provisioned_by == "auto"

    # when another auto-session comes for them with another profile
    again = _auto(
        client, tenant.config.publishable_key, "browser-42", name="Second", email="second@example.com"
    )

    # then it binds to the same end user, and changes nothing of their profile
    assert again.status_code == 200
    end_user.refresh_from_db()
    assert (end_user.name, end_user.email) == ("First", "first@example.com")
    assert EmbedSession.objects.filter(end_user=end_user).count() == 2


def test_once_the_server_updates_an_auto_created_end_user_it_needs_a_hash(client, tenant):
    # given an end user an auto-session created, that the integrator's server then takes over
    assert _auto(client, tenant.config.publishable_key, "browser-7").status_code == 200
    _server_provisioned(client, tenant, external_id="browser-7")

    # when the publishable key asks for them again
    response = _auto(client, tenant.config.publishable_key, "browser-7")

    # then it is refused: the server vouched for this identity
    assert response.status_code == 403
    assert EndUser.objects.get(external_id="browser-7").provisioned_by == "server"


def test_require_user_hash_refuses_every_auto_session_without_one(client, tenant):
    # given settings.requireUserHash, and a secret
    key = tenant.api_key("embed:manage")
    patched = client.patch(
        "/api/v1/embed/config", {"settings": {"requireUserHash": True}}, format="json", **bearer(key)
    )
    assert patched.status_code == 200
    secret = _identity_secret(client, tenant)

    # when a brand-new end user comes without a hash, then with one
    without = _auto(client, tenant.config.publishable_key, "fresh")
    with_hash = _auto(client, tenant.config.publishable_key, "fresh", userHash=_user_hash(secret, "fresh"))

    # then only the one with a hash gets a session
    assert without.status_code == 403
    assert without.json()["error"]["details"] == {"reason": "user_hash_required"}
    assert with_hash.status_code == 200


def test_require_user_hash_must_be_a_boolean(client, tenant):
    key = tenant.api_key("embed:manage")
    response = client.patch(
        "/api/v1/embed/config", {"settings": {"requireUserHash": "yes"}}, format="json", **bearer(key)
    )
    assert response.status_code == 400


def test_a_hash_with_no_identity_secret_configured_is_refused(client, tenant):
    response = _auto(client, tenant.config.publishable_key, "u-1", userHash="a" * 64)
    assert response.status_code == 403
    assert response.json()["error"]["details"] == {"reason": "no_identity_secret"}


def test_identity_secret_is_shown_once_stored_encrypted_rotated_and_logged(client, tenant):
    key = tenant.api_key("embed:manage")

    # when it is created, then rotated
    created = client.post(SECRET_URL, **bearer(key))
    rotated = client.post(SECRET_URL, **bearer(key))

    # then 201 then 200, each a new secret not cached, stored only encrypted
    assert created.status_code == 201 and rotated.status_code == 200
    first, second = created.json()["data"]["identitySecret"], rotated.json()["data"]["identitySecret"]
    assert first.startswith("ois_") and second.startswith("ois_") and first != second
    assert created["Cache-Control"] == "no-store"
    config = EmbedConfig.objects.get(pk=tenant.config.pk)
    assert first not in config.identity_secret_encrypted and second not in config.identity_secret_encrypted
    me = client.get("/api/v1/embed/config/me", **bearer(key)).content.decode()
    assert second not in me
    # and the old one no longer verifies, the new one does
    assert (
        _auto(client, tenant.config.publishable_key, "u-9", userHash=_user_hash(first, "u-9")).status_code
        == 403
    )
    assert (
        _auto(client, tenant.config.publishable_key, "u-9", userHash=_user_hash(second, "u-9")).status_code
        == 200
    )
    events = list(
        Event.objects.filter(event_type__startswith="config.identity_secret")
        .order_by("created_at")
        .values_list("event_type", flat=True)
    )
    assert events == ["config.identity_secret_created", "config.identity_secret_rotated"]


def test_rotating_the_publishable_key_refuses_the_old_one(client, tenant):
    key = tenant.api_key("embed:manage")
    old = tenant.config.publishable_key

    response = client.post(ROTATE_KEY_URL, **bearer(key))

    assert response.status_code == 200
    new = response.json()["data"]["publishable_key"]
    assert new.startswith("pk_live_") and new != old
    assert _auto(client, old, "u-1").status_code == 401
    assert _auto(client, new, "u-1").status_code == 200
    event = Event.objects.get(event_type="config.publishable_key_rotated")
    assert event.metadata["previous_key_prefix"] == old[:12]


@pytest.mark.parametrize("url", [SECRET_URL, ROTATE_KEY_URL])
def test_credential_endpoints_need_embed_manage(client, tenant, url):
    assert client.post(url, **bearer(tenant.api_key("orders:read"))).status_code == 403
    assert client.post(url).status_code == 401
    assert client.post(url, **bearer(tenant.session())).status_code == 401


@pytest.mark.parametrize("url", [SECRET_URL, ROTATE_KEY_URL])
def test_credential_endpoints_without_a_config_are_404(client, make_tenant, url):
    tenant = make_tenant()
    EmbedConfig.objects.filter(pk=tenant.config.pk).delete()
    assert client.post(url, **bearer(tenant.api_key("embed:manage"))).status_code == 404
