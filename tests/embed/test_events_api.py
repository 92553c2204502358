"""The embed event log: every change recorded, filterable, newest first, tenant-scoped."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from orderly.events.services import event_record
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/embed/events"


def test_changes_are_logged_with_client_ip_and_session(client, tenant):
    key = tenant.api_key()
    data = client.post(
        "/api/v1/embed/sessions",
        {"externalId": "u1"},
        format="json",
        REMOTE_ADDR="203.0.113.1",
        **bearer(key),
    ).json()["data"]

    response = client.get(f"{EVENTS}?event_type=session.created", **bearer(key))

    assert response.status_code == 200
    [event] = response.json()["data"]
    assert event["session_id"] == data["sessionId"]
    assert event["end_user_id"] == data["endUser"]["id"]
    assert event["resource_type"] == "session"
    assert event["ip_address"] == "203.0.113.1"
    assert event["organization_id"] == str(tenant.organization.id)


def test_filters_by_type_end_user_and_time(client, tenant):
    alice, bob = tenant.end_user(), tenant.end_user()
    org = tenant.organization
    with time_machine.travel(dt.datetime(2026, 1, 10, tzinfo=dt.UTC)):
        event_record(organization=org, event_type="bridge.created", end_user=alice)
    with time_machine.travel(dt.datetime(2026, 1, 20, tzinfo=dt.UTC)):
        event_record(organization=org, event_type="bridge.created", end_user=bob)
        event_record(organization=org, event_type="bridge.deleted", end_user=bob)
    key = tenant.api_key()

    def ids(query):
        response = client.get(f"{EVENTS}?{query}", **bearer(key))
        assert response.status_code == 200, response.json()
        return [(e["event_type"], e["end_user_id"]) for e in response.json()["data"]]

    assert ids("event_type=bridge.created") == [
        ("bridge.created", str(bob.id)),
        ("bridge.created", str(alice.id)),
    ]
    assert ids(f"end_user_id={alice.id}") == [("bridge.created", str(alice.id))]
    assert len(ids("from=2026-01-15")) == 2
    assert ids("to=2026-01-15T00:00:00Z") == [("bridge.created", str(alice.id))]


def test_a_bound_with_any_iso_offset_is_read_in_utc(client, tenant):
    # given an event at 2026-01-10 12:00 UTC
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)):
        event_record(organization=tenant.organization, event_type="bridge.created")
    key = tenant.api_key()

    # when the bounds carry offsets ISO 8601 allows and PostgreSQL does not (beyond ±15:59)
    before = client.get(EVENTS, {"to": "2026-01-09T16:31:00-19:28"}, **bearer(key))
    after = client.get(EVENTS, {"from": "2026-01-09T16:31:00-19:28"}, **bearer(key))

    # then each is the instant it names (11:59 UTC), not a 500
    assert (before.status_code, after.status_code) == (200, 200)
    assert before.json()["data"] == []
    assert [e["event_type"] for e in after.json()["data"]] == ["bridge.created"]


@pytest.mark.parametrize(
    "query, field", [("from=yesterday", "from"), ("to=2026-13-45", "to"), ("end_user_id=42", "end_user_id")]
)
def test_bad_filters_are_400(client, tenant, query, field):
    response = client.get(f"{EVENTS}?{query}", **bearer(tenant.api_key()))
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_default_limit_is_50_and_other_tenants_are_invisible(client, tenant, other_tenant):
    for _ in range(55):
        event_record(organization=tenant.organization, event_type="bridge.updated")
    event_record(organization=other_tenant.organization, event_type="bridge.updated")
    body = client.get(EVENTS, **bearer(tenant.api_key())).json()
    assert body["pagination"]["limit"] == 50
    assert body["pagination"]["total"] == 55
    assert len(body["data"]) == 50


def test_events_need_embed_manage(client, tenant):
    assert client.get(EVENTS, **bearer(tenant.api_key("orders:read"))).status_code == 403
    assert client.get(EVENTS).status_code == 401
    assert timezone.now()
