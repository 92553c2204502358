"""Signing secrets (CONTRACT §6 rev. 2): every delivery verifies in the Standard Webhooks and Svix
libraries constructed with the secret string exactly as the API returned it; rotations keep every
previous secret signing for 24 h, also when they race."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import subprocess
from pathlib import Path

import pytest
import svix.webhooks
import time_machine
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from orderly.crypto import encrypt_text
from orderly.events.catalog import topic_get
from orderly.events.models import Event
from orderly.events.services import event_record
from tests.concurrency import run_together
from tests.conftest import bearer
from tests.node import require_package, run_node
from webhooks.models import Webhook

HOOKS = "/api/v1/embed/webhooks"
STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
NODE_VERIFIER = Path(__file__).with_name("verify_standard_webhook.js")


@pytest.fixture
def owner(tenant):
    end_user = tenant.end_user()
    # long-lived, so the rotation tests can travel a day ahead
    token = tenant.session(end_user, "webhooks:read", "webhooks:write", ttl=3 * 86400)
    return {"end_user": end_user, "token": token}


def _create(client, owner, url, **body):
    payload = {"url": url, "events": ["order.created"], **body}
    response = client.post(HOOKS, payload, format="json", **bearer(owner["token"]))
    assert response.status_code == 201, response.content
    return response.json()["data"]


def _rotate(client, owner, webhook_id) -> str:
    response = client.post(f"{HOOKS}/{webhook_id}/rotate-secret", **bearer(owner["token"]))
    assert response.status_code == 200, response.content
    return response.json()["data"]["secret"]


def _deliver(tenant, owner, httpserver, capture):
    """Emit one event and return the (raw body, headers) the loopback receiver got."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    with capture(execute=True):
        event_record(
            organization=tenant.organization,
            event_type="order.created",
            end_user=owner["end_user"],
            data=topic_get("order.created").example,
        )
    request = httpserver.log[-1][0]
    return request.get_data(), {name.lower(): value for name, value in request.headers.items()}


def _standard(headers) -> dict:
    return {name: headers[name] for name in STANDARD_HEADERS}


def _orderly_signed_by(secret: str, raw: bytes, header: str) -> bool:
    """The seed's rule, by hand: hex HMAC-SHA256 keyed on the secret string, over "<t>.<body>"."""
    parts = [p.split("=", 1) for p in header.split(",")]
    timestamp = next(v for k, v in parts if k == "t")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, v) for k, v in parts if k == "v1")


def _node_verifies(secret: str, raw: bytes, headers: dict) -> subprocess.CompletedProcess:
    require_package("standardwebhooks")
    return run_node(
        NODE_VERIFIER, json.dumps({"secret": secret, "payload": raw.decode(), "headers": _standard(headers)})
    )


def _every_library_verifies(secret: str, raw: bytes, headers: dict) -> None:
    StandardWebhook(secret).verify(raw, _standard(headers))
    svix.webhooks.Webhook(secret).verify(raw, _standard(headers))
    assert _orderly_signed_by(secret, raw, headers["x-orderly-signature"])


@pytest.mark.django_db
def test_a_generated_secret_is_whsec_and_the_standard_base64_of_32_random_bytes(client, owner, httpserver):
    first = _create(client, owner, httpserver.url_for("/hook"))["secret"]
    second = _create(client, owner, httpserver.url_for("/hook"))["secret"]

    for secret in (first, second):
        assert secret.startswith("whsec_")
        encoded = secret.removeprefix("whsec_")
        assert len(base64.b64decode(encoded, validate=True)) == 32
        assert base64.b64encode(base64.b64decode(encoded)).decode() == encoded  # standard, padded
    assert first != second


@pytest.mark.django_db
def test_a_delivery_verifies_in_python_libraries_with_the_secret_as_returned(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    # given an endpoint with a generated secret
    secret = _create(client, owner, httpserver.url_for("/hook"))["secret"]

    # when an event is delivered
    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)

    # then standardwebhooks and svix verify it from the string as returned, and so does the seed's header
    _every_library_verifies(secret, raw, headers)
    assert StandardWebhook(secret).verify(raw, _standard(headers))["topic"] == "order.created"
    # a receiver holding some other secret is refused
    with pytest.raises(WebhookVerificationError):
        StandardWebhook("whsec_" + base64.b64encode(b"x" * 32).decode()).verify(raw, _standard(headers))


@pytest.mark.django_db
def test_a_delivery_verifies_in_the_node_library_with_the_secret_as_returned(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    secret = _create(client, owner, httpserver.url_for("/hook"))["secret"]
    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)

    verified = _node_verifies(secret, raw, headers)

    assert verified.returncode == 0, verified.stderr
    assert verified.stdout == "order.created"
    # the same script refuses a tampered body, so a pass above means a real verification
    tampered = _node_verifies(secret, raw.replace(b'"1001"', b'"1002"'), headers)
    assert tampered.returncode == 1 and "No matching signature" in tampered.stderr


@pytest.mark.django_db
def test_a_caller_supplied_whsec_secret_verifies_as_is(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    secret = "whsec_" + base64.b64encode(b"caller-chosen key bytes!").decode()
    _create(client, owner, httpserver.url_for("/hook"), secret=secret)

    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)

    _every_library_verifies(secret, raw, headers)
    assert _node_verifies(secret, raw, headers).returncode == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "secret",
    [
        "my-own-signing-secret-123",  # not whsec_ at all
        "whsec_not*base64*at*all!",  # whsec_ but not base64: the libraries cannot decode it either
        "whsec_abcdefghij",  # whsec_ and base64 alphabet, but not a whole number of quanta
    ],
)
def test_any_other_caller_supplied_secret_keys_the_standard_signature_on_its_utf8_bytes(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks, secret
):
    _create(client, owner, httpserver.url_for("/hook"), secret=secret)

    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)

    # as docs/webhooks.md says: construct the library with the secret's bytes
    StandardWebhook(secret.encode()).verify(raw, _standard(headers))
    svix.webhooks.Webhook(secret.encode()).verify(raw, _standard(headers))
    assert _orderly_signed_by(secret, raw, headers["x-orderly-signature"])


@pytest.mark.django_db
def test_an_endpoint_from_before_rev2_keeps_verifying_until_rotated(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    # given an endpoint created before rev. 2, whose receiver verifies with the secret's UTF-8 bytes
    # (this one is even valid base64, so only the stored scheme tells it apart from a new one)
    old = "whsec_a1b2c3d4e5f6g7h8"
    webhook = Webhook.objects.create(
        organization=tenant.organization,
        end_user=owner["end_user"],
        url=httpserver.url_for("/hook"),
        events=["order.created"],
        secret_encrypted=encrypt_text(old),
        secret_scheme=Webhook.SecretScheme.RAW,
    )

    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)
    StandardWebhook(old.encode()).verify(raw, _standard(headers))
    assert _orderly_signed_by(old, raw, headers["x-orderly-signature"])

    # when it rotates
    new = _rotate(client, owner, webhook.pk)

    # then the new secret verifies as-is and the old one the old way, side by side for the grace period
    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)
    _every_library_verifies(new, raw, headers)
    StandardWebhook(old.encode()).verify(raw, _standard(headers))
    assert _orderly_signed_by(old, raw, headers["x-orderly-signature"])


def _migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    executor.loader.build_graph()
    return executor.loader.project_state(list(targets)).apps


@pytest.fixture
def back_to_latest_schema():
    yield
    _migrate(*MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_endpoints_and_their_previous_secret_as_raw(
    tenant, back_to_latest_schema
):
    # given an endpoint and a rotated one as they were stored before the migration
    old_apps = _migrate(("webhooks", "0003_end_user_moved_to_accounts"))
    OldWebhook = old_apps.get_model("webhooks", "Webhook")
    expires = timezone.now() + dt.timedelta(hours=3)
    plain = OldWebhook.objects.create(
        organization_id=tenant.organization.pk,
        url="http://127.0.0.1/a",
        secret_encrypted=encrypt_text("s" * 20),
    )
    rotated = OldWebhook.objects.create(
        organization_id=tenant.organization.pk,
        url="http://127.0.0.1/b",
        secret_encrypted=encrypt_text("n" * 20),
        previous_secret_encrypted=encrypt_text("p" * 20),
        previous_secret_expires_at=expires,
    )

    # when it runs
    _migrate(("webhooks", "0006_standard_webhooks_secrets"))

    # then both keep signing the old way, and the previous secret keeps its expiry
    plain, rotated = Webhook.objects.get(pk=plain.pk), Webhook.objects.get(pk=rotated.pk)
    assert plain.secret_scheme == rotated.secret_scheme == "raw"
    assert plain.previous_secrets == []
    [previous] = rotated.previous_secrets
    assert previous["scheme"] == "raw"
    assert dt.datetime.fromisoformat(previous["expires_at"]) == expires
    from webhooks.delivery import webhook_signing_secrets

    assert [s.secret for s in webhook_signing_secrets(rotated, timezone.now())] == ["n" * 20, "p" * 20]
    # and an endpoint created now follows rev. 2
    created = Webhook.objects.create(
        organization=tenant.organization, url="http://127.0.0.1/c", secret_encrypted=encrypt_text("c" * 20)
    )
    assert created.secret_scheme == "standard"


@pytest.mark.django_db
def test_every_previous_secret_signs_for_24_hours_then_stops(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    # given two rotations an hour apart
    original = _create(client, owner, httpserver.url_for("/hook"))["secret"]
    webhook_id = Webhook.objects.get().pk
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        second = _rotate(client, owner, webhook_id)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        third = _rotate(client, owner, webhook_id)

    # when an event is delivered 23 h after the first rotation
    with time_machine.travel(start + dt.timedelta(hours=23)):
        raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)
        # then all three secrets verify, one v1 each in both headers
        for secret in (original, second, third):
            _every_library_verifies(secret, raw, headers)
    assert headers["x-orderly-signature"].count("v1=") == 3
    assert headers["webhook-signature"].count("v1,") == 3

    # and after 24 h only the secrets still inside their grace period sign
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1)):
        raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)
        _every_library_verifies(second, raw, headers)
        _every_library_verifies(third, raw, headers)
        with pytest.raises(WebhookVerificationError):
            StandardWebhook(original).verify(raw, _standard(headers))
        assert not _orderly_signed_by(original, raw, headers["x-orderly-signature"])
    with time_machine.travel(start + dt.timedelta(hours=25, minutes=1)):
        raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)
        _every_library_verifies(third, raw, headers)
    assert headers["webhook-signature"].count("v1,") == 1
    # each rotation is in the event log
    assert Event.objects.filter(event_type="webhook.secret_rotated", resource_id=webhook_id).count() == 2


@pytest.mark.django_db
def test_rotations_beyond_the_bound_of_valid_previous_secrets_are_refused(
    client, owner, httpserver, settings
):
    settings.ORDERLY_WEBHOOK_MAX_PREVIOUS_SECRETS = 2
    webhook_id = _create(client, owner, httpserver.url_for("/hook"))["id"]
    _rotate(client, owner, webhook_id)
    _rotate(client, owner, webhook_id)

    response = client.post(f"{HOOKS}/{webhook_id}/rotate-secret", **bearer(owner["token"]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "limit_exceeded"
    assert len(Webhook.objects.get().previous_secrets) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="row locks and concurrent writers need PostgreSQL")
def test_concurrent_rotations_are_serialized_and_every_returned_secret_signs(
    tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    # given an endpoint
    original = _create(APIClient(), owner, httpserver.url_for("/hook"))["secret"]
    webhook_id = Webhook.objects.get().pk

    def rotate():
        response = APIClient().post(f"{HOOKS}/{webhook_id}/rotate-secret", **bearer(owner["token"]))
        return response.json()["data"]["secret"]

    # when six rotations race
    returned = run_together(*(rotate for _ in range(6)))

    # then each returned a distinct secret, and every one of them, and the original, signs
    assert all(isinstance(s, str) for s in returned), returned
    assert len(set(returned)) == 6
    raw, headers = _deliver(tenant, owner, httpserver, django_capture_on_commit_callbacks)
    for secret in (original, *returned):
        _every_library_verifies(secret, raw, headers)
    assert headers["webhook-signature"].count("v1,") == 7
    assert len(Webhook.objects.get().previous_secrets) == 6
