"""End users (API key): list with bridge counts, detail with bridges, delete."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bridges.models import Bridge
from orderly.accounts.models import EmbedSession, EndUser
from orderly.events.models import Event
from tests.conftest import bearer
from tests.factories import BridgeFactory, OrderFactory

pytestmark = pytest.mark.django_db

USERS = "/api/v1/embed/users"


def test_list_end_users_with_bridge_counts(client, tenant):
    # given
    first = tenant.end_user()
    BridgeFactory.create_batch(2, end_user=first)
    tenant.end_user()

    # when
    response = client.get(f"{USERS}?page=1&limit=20", **bearer(tenant.api_key("embed:manage")))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "totalPages": 1, "hasMore": False}
    counts = {row["id"]: row["bridge_count"] for row in body["data"]}
    assert counts[str(first.id)] == 2
    assert set(body["data"][0]) == {
        "id",
        "organization_id",
        "external_id",
        "name",
        "email",
        "metadata",
        "bridge_count",
        "created_at",
        "updated_at",
    }


def test_list_query_count_does_not_grow_with_page_size(client, tenant):
    for _ in range(12):
        BridgeFactory(end_user=tenant.end_user())
    token = tenant.api_key()
    client.get(USERS, **bearer(token))  # first use stamps the key's last_used_at

    counts = []
    for limit in (2, 12):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{USERS}?limit={limit}", **bearer(token)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 3  # key, count, page


def test_pagination_bounds(client, tenant):
    token = tenant.api_key()
    for _ in range(3):
        tenant.end_user()
    assert client.get(f"{USERS}?page=0", **bearer(token)).status_code == 400
    bad = client.get(f"{USERS}?limit=abc", **bearer(token))
    assert bad.status_code == 400 and "limit" in bad.json()["error"]["details"]
    clamped = client.get(f"{USERS}?limit=1000", **bearer(token)).json()
    assert clamped["pagination"]["limit"] == 100
    past = client.get(f"{USERS}?page=9&limit=2", **bearer(token)).json()
    assert (
        past["data"] == []
        and past["pagination"]["hasMore"] is False
        and past["pagination"]["totalPages"] == 2
    )


def test_get_end_user_with_bridges(client, tenant):
    end_user = tenant.end_user()
    bridge = BridgeFactory(end_user=end_user, name="My Shopify Store", type="shopify")

    response = client.get(f"{USERS}/{end_user.id}", **bearer(tenant.api_key()))

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["external_id"] == end_user.external_id
    assert data["bridges"] == [
        {
            "id": str(bridge.id),
            "name": "My Shopify Store",
            "type": "shopify",
            "status": "active",
            "last_sync_at": None,
            "created_at": data["bridges"][0]["created_at"],
        }
    ]


def test_delete_end_user_revokes_sessions_and_keeps_bridges_and_orders(client, tenant):
    # given
    end_user = tenant.end_user()
    session_token = tenant.session(end_user, "bridges:read")
    bridge = BridgeFactory(end_user=end_user)
    order = OrderFactory(end_user=end_user)

    # when
    response = client.delete(f"{USERS}/{end_user.id}", **bearer(tenant.api_key()))

    # then
    assert response.status_code == 200 and response.json() == {"success": True}
    assert not EndUser.objects.filter(pk=end_user.pk).exists()
    assert Bridge.objects.get(pk=bridge.pk).end_user_id is None
    order.refresh_from_db()
    assert order.end_user_id is None
    assert EmbedSession.objects.get().revoked_at is not None
    assert client.get("/api/v1/embed/bridges", **bearer(session_token)).status_code == 401
    assert Event.objects.filter(event_type="end_user.deleted", end_user_id=end_user.id).exists()


def test_another_organizations_end_user_is_404(client, tenant, other_tenant):
    theirs = other_tenant.end_user()
    key = tenant.api_key()
    assert client.get(f"{USERS}/{theirs.id}", **bearer(key)).status_code == 404
    assert client.delete(f"{USERS}/{theirs.id}", **bearer(key)).status_code == 404
    assert EndUser.objects.filter(pk=theirs.pk).exists()
    assert client.get(USERS, **bearer(key)).json()["data"] == []
