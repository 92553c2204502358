"""The end-user and dashboard endpoints of action requests, every status code and limit."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import ActionRequest
from orderly.events.models import Event
from tests.actions.conftest import BASE, EndUserClient
from tests.actions.factories import ActionRequestFactory
from tests.conftest import bearer
from tests.factories import EndUserFactory, OrderFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"street": "456 New Street", "city": "San Francisco", "state": "CA", "zip": "94102"}


# --- create -----------------------------------------------------------------------------------


def test_create_answers_201_with_the_seed_fields(shopper):
    # when
    response = shopper.create(
        description="I ordered the wrong size",
        requestedChanges={"reason": "wrong_item"},
        title="Please cancel",
    )
    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["order_id"] == str(shopper.order.pk)
    assert data["end_user_id"] == str(shopper.end_user.pk)
    assert data["organization_id"] == str(shopper.tenant.organization.pk)
    assert data["action_type"] == "cancel"
    assert data["status"] == "pending"
    assert data["title"] == "Please cancel"
    assert data["description"] == "I ordered the wrong size"
    assert data["requested_changes"] == {"reason": "wrong_item"}
    assert data["resolution_note"] is None and data["resolved_by"] is None and data["resolved_at"] is None
    assert data["created_at"].endswith("Z") and data["expires_at"].endswith("Z")
    stored = ActionRequest.objects.get(pk=data["id"])
    assert (stored.expires_at - stored.created_at).days == 7


def test_create_is_also_served_under_api_embed(shopper, client):
    # when
    response = client.post(
        "/api/embed/action-requests/",
        {"orderId": str(shopper.order.pk), "actionType": "note", "title": "Leave at the back door"},
        format="json",
        **bearer(shopper.token),
    )
    # then
    assert response.status_code == 201


@pytest.mark.parametrize("action_type", ["cancel", "hold", "expedite", "note", "other"])
def test_every_type_can_be_filed(shopper, action_type):
    response = shopper.create(actionType=action_type)
    assert response.status_code == 201
    assert response.json()["data"]["action_type"] == action_type


def test_unknown_type_is_400(shopper):
    response = shopper.create(actionType="refund")
    assert response.status_code == 400
    assert "actionType" in response.json()["error"]["details"]


@pytest.mark.parametrize(("length", "status"), [(200, 201), (201, 400)])
def test_title_limit(shopper, length, status):
    response = shopper.create(title="t" * length)
    assert response.status_code == status
    if status == 400:
        assert "title" in response.json()["error"]["details"]


@pytest.mark.parametrize(("length", "status"), [(2000, 201), (2001, 400)])
def test_description_limit(shopper, length, status):
    response = shopper.create(description="d" * length)
    assert response.status_code == status
    if status == 400:
        assert "description" in response.json()["error"]["details"]


def test_missing_fields_are_named(shopper, client):
    response = client.post(BASE, {}, format="json", **bearer(shopper.token))
    assert response.status_code == 400
    assert {"orderId", "actionType", "title"} <= set(response.json()["error"]["details"])


def test_unknown_field_is_400(shopper):
    response = shopper.create(status="approved")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"status": ["Unknown field."]}


def test_address_change_with_a_full_address(shopper):
    response = shopper.create(actionType="address_change", requestedChanges={"address": ADDRESS})
    assert response.status_code == 201
    assert response.json()["data"]["requested_changes"] == {"address": ADDRESS}


def test_address_change_accepts_postal_code_instead_of_zip(shopper):
    address = {"street": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001"}
    response = shopper.create(actionType="address_change", requestedChanges={"address": address})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({"street": "456 New Street", "zip": "94102"}, "requestedChanges.address.city"),
        ({"city": "San Francisco", "zip": "94102"}, "requestedChanges.address.street"),
        ({"street": "456 New Street", "city": "San Francisco"}, "requestedChanges.address.zip"),
        ({"street": "", "city": "San Francisco", "zip": "94102"}, "requestedChanges.address.street"),
        ({"street": ["x"], "city": "San Francisco", "zip": "94102"}, "requestedChanges.address.street"),
    ],
)
def test_address_change_names_the_missing_part(shopper, address, field):
    # when
    response = shopper.create(actionType="address_change", requestedChanges={"address": address})
    # then
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert field in body["details"]
    assert not ActionRequest.objects.exists()


@pytest.mark.parametrize("changes", [None, {}, {"address": "456 New Street"}])
def test_address_change_without_an_address_object_is_400(shopper, changes):
    response = shopper.create(actionType="address_change", requestedChanges=changes)
    assert response.status_code == 400
    assert "requestedChanges.address" in response.json()["error"]["details"]


def test_requested_changes_must_be_an_object(shopper):
    response = shopper.create(requestedChanges=["x"])
    assert response.status_code == 400
    assert "requestedChanges" in response.json()["error"]["details"]


def test_another_end_users_order_is_404(shopper, tenant):
    # given
    other_order = OrderFactory(end_user=tenant.end_user())
    # when
    response = shopper.create(orderId=str(other_order.pk))
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_orgs_order_is_404(shopper, other_tenant):
    other_order = OrderFactory(end_user=other_tenant.end_user())
    assert shopper.create(orderId=str(other_order.pk)).status_code == 404


def test_unknown_order_is_404(shopper):
    assert shopper.create(orderId=str(uuid.uuid4())).status_code == 404


def test_malformed_order_id_is_400(shopper):
    response = shopper.create(orderId="not-a-uuid")
    assert response.status_code == 400
    assert "orderId" in response.json()["error"]["details"]


# --- auth, scopes, feature ----------------------------------------------------------------------


def test_feature_disabled_is_403_on_every_end_user_endpoint(shopper):
    # given
    request = ActionRequestFactory(order=shopper.order)
    config = shopper.tenant.config
    config.enabled_features = ["bridges", "data_room"]
    config.save()
    # when
    responses = [shopper.create(), shopper.get(), shopper.get(f"/{request.pk}"), shopper.delete(request.pk)]
    # then
    assert [r.status_code for r in responses] == [403] * 4
    assert {r.json()["error"]["code"] for r in responses} == {"feature_disabled"}


def test_read_scope_cannot_write(tenant, client):
    # given
    reader = EndUserClient(tenant, client, "actions:read")
    request = ActionRequestFactory(order=reader.order)
    # when / then
    assert reader.get().status_code == 200
    assert reader.create().status_code == 403
    response = reader.delete(request.pk)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_write_scope_cannot_read(tenant, client):
    writer = EndUserClient(tenant, client, "actions:write")
    response = writer.get()
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_no_credentials_is_401(client):
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}/queue").status_code == 401


def test_api_key_cannot_use_end_user_endpoints(client, manage_key):
    assert client.get(BASE, **bearer(manage_key)).status_code == 401


def test_session_cannot_use_the_queue(shopper):
    assert shopper.get("/queue").status_code == 401


def test_queue_needs_embed_manage(tenant, client):
    key = tenant.api_key("orders:read")
    response = client.get(f"{BASE}/queue", **bearer(key))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


# --- list and get ---------------------------------------------------------------------------


def test_list_is_own_newest_first_and_filters_by_status(shopper, tenant):
    # given
    older = ActionRequestFactory(order=shopper.order)
    newer = ActionRequestFactory(order=shopper.order, status="denied")
    ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))  # someone else's
    ActionRequest.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    # when
    everything = shopper.get()
    pending = shopper.get(status="pending")
    # then
    assert [r["id"] for r in everything.json()["data"]] == [str(newer.pk), str(older.pk)]
    assert everything.json()["pagination"] == {
        "page": 1,
        "limit": 20,
        "total": 2,
        "totalPages": 1,
        "hasMore": False,
    }
    assert [r["id"] for r in pending.json()["data"]] == [str(older.pk)]
    assert set(everything.json()["data"][0]) >= {
        "id",
        "order_id",
        "action_type",
        "title",
        "status",
        "created_at",
    }


def test_list_invalid_status_is_400(shopper):
    response = shopper.get(status="bogus")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


@pytest.mark.parametrize(("limit", "expected"), [("50", 50), ("51", 50), ("500", 50)])
def test_list_limit_is_clamped_to_50(shopper, limit, expected):
    ActionRequestFactory.create_batch(51, order=shopper.order)
    response = shopper.get(limit=limit)
    assert response.json()["pagination"]["limit"] == expected
    assert len(response.json()["data"]) == expected
    assert response.json()["pagination"]["hasMore"] is True


@pytest.mark.parametrize("params", [{"limit": "0"}, {"page": "0"}, {"limit": "x"}])
def test_list_bad_pagination_is_400(shopper, params):
    assert shopper.get(**params).status_code == 400


def test_get_own_request(shopper):
    request = ActionRequestFactory(order=shopper.order, operation_id=uuid.uuid4())
    response = shopper.get(f"/{request.pk}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(request.pk)
    assert data["operation_id"] == str(request.operation_id)


def test_get_someone_elses_request_is_404(shopper, tenant, other_tenant):
    mine_in_org = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    other_org = ActionRequestFactory(order=OrderFactory(end_user=other_tenant.end_user()))
    assert shopper.get(f"/{mine_in_org.pk}").status_code == 404
    assert shopper.get(f"/{other_org.pk}").status_code == 404
    assert shopper.get(f"/{uuid.uuid4()}").status_code == 404


# --- cancel (DELETE) --------------------------------------------------------------------------


def test_delete_cancels_a_pending_request(shopper):
    # given
    request = ActionRequestFactory(order=shopper.order)
    # when
    response = shopper.delete(request.pk)
    # then
    assert response.status_code == 200
    assert response.json() == {"success": True}
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert (
        Event.objects.filter(event_type="action_request.cancelled", resource_id=str(request.pk)).count() == 1
    )


@pytest.mark.parametrize("status", ["approved", "denied", "expired", "cancelled"])
def test_delete_of_a_settled_request_is_409(shopper, status):
    request = ActionRequestFactory(order=shopper.order, status=status)
    response = shopper.delete(request.pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"
    assert response.json()["error"]["message"] == f"Request is already {status}."


def test_delete_someone_elses_request_is_404(shopper, tenant):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    assert shopper.delete(request.pk).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# --- queue ------------------------------------------------------------------------------------


def test_queue_is_pending_oldest_first_with_end_users(tenant, client, manage_key):
    # given
    end_user = EndUserFactory(organization=tenant.organization, external_id="user_12345", name="Store Owner")
    first = ActionRequestFactory(order=OrderFactory(end_user=end_user))
    second = ActionRequestFactory(order=OrderFactory(end_user=end_user))
    ActionRequestFactory(order=OrderFactory(end_user=end_user), status="approved")
    # when
    response = client.get(f"{BASE}/queue", **bearer(manage_key))
    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert [r["id"] for r in data] == [str(first.pk), str(second.pk)]
    assert data[0]["end_users"] == {
        "external_id": "user_12345",
        "name": "Store Owner",
        "email": end_user.email,
    }
    assert {"id", "order_id", "action_type", "title", "status", "created_at"} <= set(data[0])


def test_queue_status_all_and_specific(tenant, client, manage_key):
    order = OrderFactory(end_user=tenant.end_user())
    for status in ("pending", "approved", "denied", "expired", "cancelled"):
        ActionRequestFactory(order=order, status=status)
    every = client.get(f"{BASE}/queue", {"status": "all"}, **bearer(manage_key)).json()
    denied = client.get(f"{BASE}/queue", {"status": "denied"}, **bearer(manage_key)).json()
    assert every["pagination"]["total"] == 5
    assert [r["status"] for r in denied["data"]] == ["denied"]


def test_queue_invalid_status_is_400(client, manage_key):
    response = client.get(f"{BASE}/queue", {"status": "nope"}, **bearer(manage_key))
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


def test_queue_takes_the_dashboard_filters(tenant, other_tenant, client, manage_key):
    # given requests from two end users, one of them four days old
    alice = EndUserFactory(organization=tenant.organization, name="Alice Outdoor", email="alice@shop.example")
    bob = EndUserFactory(organization=tenant.organization, name="Bob Coffee")
    old_hold = ActionRequestFactory(order=OrderFactory(end_user=alice), action_type="hold", title="Hold it")
    ActionRequest.objects.filter(pk=old_hold.pk).update(created_at=timezone.now() - dt.timedelta(days=4))
    ActionRequestFactory(order=OrderFactory(end_user=bob, order_number="77001"), action_type="note", title="A note")
    foreign = other_tenant.end_user()
    ActionRequestFactory(order=OrderFactory(end_user=foreign))

    def titles(**params):
        response = client.get(f"{BASE}/queue", params, **bearer(manage_key))
        assert response.status_code == 200, response.json()
        return [row["title"] for row in response.json()["data"]]

    # then the page's filters work on the API too
    assert titles(action_type="hold") == ["Hold it"]
    assert titles(end_user=str(bob.pk)) == ["A note"]
    assert titles(age="3") == ["Hold it"]
    assert titles(q="77001") == ["A note"]
    assert titles(q="alice@shop") == ["Hold it"]
    # and a bad value is a 400 naming the parameter
    for params in ({"end_user": "not-an-id"}, {"age": "99"}, {"action_type": "x"}):
        response = client.get(f"{BASE}/queue", params, **bearer(manage_key))
        assert response.status_code == 400, params
        assert list(response.json()["error"]["details"]) == list(params), params
    # and another organization's end user is a well-formed id that matches nothing, as any unknown one
    assert titles(end_user=str(foreign.pk)) == []


def test_queue_only_shows_own_org(tenant, other_tenant, client, manage_key):
    ActionRequestFactory(order=OrderFactory(end_user=other_tenant.end_user()))
    response = client.get("/api/embed/action-requests/queue", **bearer(manage_key))
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize(("limit", "expected"), [(None, 20), ("50", 50), ("51", 50)])
def test_queue_limit(tenant, client, manage_key, limit, expected):
    ActionRequestFactory.create_batch(51, order=OrderFactory(end_user=tenant.end_user()))
    params = {"limit": limit} if limit else {}
    response = client.get(f"{BASE}/queue", params, **bearer(manage_key))
    assert response.json()["pagination"]["limit"] == expected
    assert len(response.json()["data"]) == expected


def test_queue_query_count_is_flat(tenant, client, manage_key):
    # given
    def queries(n):
        ActionRequestFactory.create_batch(n, order=OrderFactory(end_user=tenant.end_user()))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/queue", {"limit": 50}, **bearer(manage_key)).status_code == 200
        return len(ctx.captured_queries)

    client.get(f"{BASE}/queue", **bearer(manage_key))  # the key's last_used_at touch happens once
    # when
    few = queries(2)
    many = queries(20)
    # then: key lookup, count, one joined select
    assert few == many == 3


def test_end_user_list_query_count_is_flat(shopper):
    def queries(n):
        ActionRequestFactory.create_batch(n, order=shopper.order)
        with CaptureQueriesContext(connection) as ctx:
            assert shopper.get(limit=50).status_code == 200
        return len(ctx.captured_queries)

    shopper.get()
    # session lookup, count, select
    assert queries(2) == queries(20) == 3


# --- resolve ----------------------------------------------------------------------------------


def resolve(client, key, pk, **body):
    return client.patch(f"{BASE}/{pk}/resolve", body, format="json", **bearer(key))


@pytest.mark.parametrize("status", ["approved", "denied"])
def test_resolve(tenant, client, manage_key, status):
    # given
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    # when
    response = resolve(
        client, manage_key, request.pk, status=status, resolutionNote="Order cancelled, refund initiated"
    )
    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(request.pk)
    assert data["status"] == status
    assert data["resolution_note"] == "Order cancelled, refund initiated"
    assert data["resolved_by"] == str(tenant.user.membership.public_id)
    assert data["resolved_at"].endswith("Z")
    assert "operation_id" in data
    request.refresh_from_db()
    assert request.resolved_by_id == tenant.user.pk


def test_resolve_under_api_embed_without_note(tenant, client, manage_key):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    response = client.patch(
        f"/api/embed/action-requests/{request.pk}/resolve/",
        {"status": "denied"},
        format="json",
        **bearer(manage_key),
    )
    assert response.status_code == 200
    assert response.json()["data"]["resolution_note"] is None


@pytest.mark.parametrize(("length", "code"), [(2000, 200), (2001, 400)])
def test_resolution_note_limit(tenant, client, manage_key, length, code):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    response = resolve(client, manage_key, request.pk, status="approved", resolutionNote="n" * length)
    assert response.status_code == code
    if code == 400:
        assert "resolutionNote" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "body", [{"status": "expired"}, {"status": "pending"}, {}, {"status": "approved", "x": 1}]
)
def test_resolve_bad_body_is_400(tenant, client, manage_key, body):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    response = client.patch(f"{BASE}/{request.pk}/resolve", body, format="json", **bearer(manage_key))
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.parametrize("status", ["approved", "denied", "expired", "cancelled"])
def test_resolve_not_pending_is_409(tenant, client, manage_key, status):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()), status=status)
    response = resolve(client, manage_key, request.pk, status="approved")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "request_id": response["X-Request-Id"],
        "code": "invalid_state",
        "message": f"Request is already {status}.",
        "details": {"status": status},
    }


def test_resolve_twice_second_is_409(tenant, client, manage_key):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    assert resolve(client, manage_key, request.pk, status="approved").status_code == 200
    second = resolve(client, manage_key, request.pk, status="denied")
    assert second.status_code == 409
    assert second.json()["error"]["message"] == "Request is already approved."


def test_resolve_other_org_is_404(other_tenant, client, manage_key):
    request = ActionRequestFactory(order=OrderFactory(end_user=other_tenant.end_user()))
    response = resolve(client, manage_key, request.pk, status="approved")
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_resolve_unknown_is_404(client, manage_key):
    assert resolve(client, manage_key, uuid.uuid4(), status="approved").status_code == 404


def test_resolve_needs_embed_manage(tenant, client):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    key = tenant.api_key("operations:write")
    assert resolve(client, key, request.pk, status="approved").status_code == 403


def test_resolve_with_a_session_is_401(shopper):
    request = ActionRequestFactory(order=shopper.order)
    response = shopper.client.patch(
        f"{BASE}/{request.pk}/resolve", {"status": "approved"}, format="json", **bearer(shopper.token)
    )
    assert response.status_code == 401
