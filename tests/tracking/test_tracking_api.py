"""Tracking pages: create/reuse, list, revoke, and the public JSON view (safe fields only)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from embed.models import EmbedConfig
from tests.conftest import bearer
from tests.factories import CheckpointFactory, ShipmentFactory
from tracking.models import TrackingPage

pytestmark = pytest.mark.django_db

PAGES = "/api/v1/embed/tracking-pages"


@pytest.fixture
def owner(tenant):
    end_user = tenant.end_user()
    shipment = ShipmentFactory(order__end_user=end_user)
    CheckpointFactory(
        shipment=shipment, status="picked_up", checkpoint_time=timezone.now() - dt.timedelta(days=1)
    )
    CheckpointFactory(shipment=shipment, status="in_transit", checkpoint_time=timezone.now())
    return {"end_user": end_user, "shipment": shipment, "token": tenant.session(end_user, "tracking:read")}


def _create(client, owner):
    return client.post(
        PAGES, {"shipmentId": str(owner["shipment"].id)}, format="json", **bearer(owner["token"])
    )


def test_create_returns_a_long_url_safe_token_and_reuses_it(client, owner):
    first = _create(client, owner)
    assert first.status_code == 201
    data = first.json()["data"]
    assert set(data) == {"id", "token", "created_at"}
    assert len(data["token"]) >= 22 and all(c.isalnum() or c in "-_" for c in data["token"])

    again = _create(client, owner)
    assert again.status_code == 200
    assert again.json()["data"]["token"] == data["token"]
    assert TrackingPage.objects.count() == 1


def test_another_end_users_shipment_is_404(client, tenant, owner):
    stranger = tenant.session(tenant.end_user(), "tracking:read")
    response = client.post(
        PAGES, {"shipmentId": str(owner["shipment"].id)}, format="json", **bearer(stranger)
    )
    assert response.status_code == 404
    assert not TrackingPage.objects.exists()


def test_feature_and_scope_are_required(client, tenant, owner):
    no_scope = tenant.session(owner["end_user"], "orders:read")
    assert client.get(PAGES, **bearer(no_scope)).status_code == 403
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(enabled_features=["data_room"])
    response = client.get(PAGES, **bearer(owner["token"]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feature_disabled"


def test_list_shows_views(client, owner):
    token = _create(client, owner).json()["data"]["token"]
    client.get(f"{PAGES}/view/{token}")
    client.get(f"{PAGES}/view/{token}")

    [page] = client.get(PAGES, **bearer(owner["token"])).json()["data"]

    assert page["view_count"] == 2
    assert page["last_viewed_at"].endswith("Z")
    assert page["shipment_id"] == str(owner["shipment"].id)
    assert page["is_active"] is True


def test_public_view_shows_only_safe_fields_oldest_first(client, owner):
    token = _create(client, owner).json()["data"]["token"]

    response = client.get(f"{PAGES}/view/{token}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"shipment", "checkpoints", "branding"}
    assert set(data["shipment"]) == {
        "id",
        "tracking_number",
        "carrier",
        "service",
        "status",
        "ship_date",
        "estimated_delivery",
        "actual_delivery",
    }
    assert [c["status"] for c in data["checkpoints"]] == ["picked_up", "in_transit"]
    assert data["branding"]["company_name"] == "Acme Fulfillment"
    body = response.content.decode()
    for pii in ("Jane Doe", "jane@example.com", "1 Secret Lane", "123 Main St"):
        assert pii not in body


def test_revoked_page_is_gone(client, owner):
    page = _create(client, owner).json()["data"]

    response = client.delete(f"{PAGES}/{page['id']}", **bearer(owner["token"]))

    assert response.status_code == 200 and response.json() == {"success": True}
    gone = client.get(f"{PAGES}/view/{page['token']}")
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "gone"
    assert client.get(f"/t/{page['token']}").status_code == 410
    # a new page can be made after revoking
    assert _create(client, owner).status_code == 201


def test_page_expires_after_delivery(client, owner, settings):
    settings.ORDERLY_TRACKING_PAGE_TTL_DAYS = 30
    token = _create(client, owner).json()["data"]["token"]
    shipment = owner["shipment"]
    shipment.status, shipment.actual_delivery = "delivered", timezone.now()
    shipment.save()
    assert client.get(f"{PAGES}/view/{token}").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert client.get(f"{PAGES}/view/{token}").status_code == 410


def test_unknown_token_is_404(client, db):
    assert client.get(f"{PAGES}/view/nope").status_code == 404
    assert client.get("/t/nope").status_code == 404


def test_revoking_someone_elses_page_is_404(client, tenant, owner):
    page = _create(client, owner).json()["data"]
    stranger = tenant.session(tenant.end_user(), "tracking:read")
    assert client.delete(f"{PAGES}/{page['id']}", **bearer(stranger)).status_code == 404
    assert TrackingPage.objects.get().is_active


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs a server database")
def test_concurrent_views_add_up_exactly(owner):
    from rest_framework.test import APIClient

    token = _create(APIClient(), owner).json()["data"]["token"]
    views, threads = 40, 8

    def viewer():
        client = APIClient()
        for _ in range(views // threads):
            assert client.get(f"{PAGES}/view/{token}").status_code == 200
        connection.close()  # each thread has its own connection; close it so teardown can drop the DB

    workers = [threading.Thread(target=viewer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert TrackingPage.objects.get(token=token).view_count == views


def test_public_view_is_rate_limited_per_client_per_window(client, owner, settings):
    # given a limit of 3 views a minute per client IP
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "3/min"},
    }
    token = _create(client, owner).json()["data"]["token"]
    start = dt.datetime(2026, 11, 23, 12, 0, 5, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        # when one client views 4 times, and another client once
        statuses = [client.get(f"{PAGES}/view/{token}").status_code for _ in range(4)]
        limited = client.get(f"{PAGES}/view/{token}")
        other = client.get(f"{PAGES}/view/{token}", REMOTE_ADDR="203.0.113.9")
    # then the fourth is refused until the minute is over, and the other client is not affected
    assert statuses == [200, 200, 200, 429]
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) == 55
    assert other.status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=55), tick=False):
        assert client.get(f"{PAGES}/view/{token}").status_code == 200
