import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations import services
from operations.models import Operation
from orderly.events.models import Event
from orderly.events.services import event_record
from orders.models import OrderActivity, Shipment
from tests.concurrency import run_together
from tests.conftest import bearer, wait_for
from tests.factories import BridgeFactory, OrderFactory, ShipmentFactory

URL = "/api/v1/operations"
_capture = None


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Run what services defer to after commit (the execution task) when the test's request commits."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def committed(call):
    with _capture(execute=True):
        return call()


def order_for(tenant, **kwargs):
    return OrderFactory(end_user=tenant.end_user(), **kwargs)


def create(client, key, order, type, input):
    return client.post(
        URL, {"type": type, "order_id": str(order.pk), "input": input}, format="json", **bearer(key)
    )


def run(client, tenant, order, type, input):
    key = tenant.api_key()
    op_id = create(client, key, order, type, input).json()["data"]["id"]
    response = committed(lambda: client.post(f"{URL}/{op_id}/execute", **bearer(key)))
    assert response.status_code == 200, response.json()
    return Operation.objects.get(pk=op_id), key


def test_create_then_execute_changes_status_and_undo_restores(client, tenant):
    # given
    order = order_for(tenant, status="pending")
    key = tenant.api_key()
    # when
    created = create(client, key, order, "update_order_status", {"status": "processing"})
    op_id = created.json()["data"]["id"]
    executed = committed(lambda: client.post(f"{URL}/{op_id}/execute", **bearer(key)))
    # then
    assert created.status_code == 201 and created.json()["data"]["status"] == "pending"
    assert executed.json() == {"data": {"id": op_id, "status": "executing", "type": "update_order_status"}}
    order.refresh_from_db()
    assert order.status == "processing"
    detail = client.get(f"{URL}/{op_id}", **bearer(key)).json()["data"]
    assert detail["status"] == "completed" and detail["undoable"] is True
    assert detail["output"] == {"order_id": str(order.pk), "from": "pending", "to": "processing"}
    assert [entry["message"] for entry in detail["logs"]] == [
        "Created.",
        "Execution requested.",
        "Completed.",
    ]
    assert Event.objects.filter(event_type="order.status_changed", data__to="processing").exists()
    assert Event.objects.filter(event_type="operation.completed", resource_id=op_id).exists()
    # when
    undone = client.post(f"{URL}/{op_id}/undo", **bearer(key))
    # then
    assert undone.status_code == 200
    assert undone.json()["data"]["status"] == "undone" and undone.json()["data"]["undo_at"].endswith("Z")
    order.refresh_from_db()
    assert order.status == "pending"
    again = client.post(f"{URL}/{op_id}/undo", **bearer(key))
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"


def test_undo_refused_after_a_conflicting_change(client, tenant):
    # given
    order = order_for(tenant, status="pending")
    operation, key = run(client, tenant, order, "update_order_status", {"status": "processing"})
    order.status = "shipped"
    order.save()
    # when
    response = client.post(f"{URL}/{operation.pk}/undo", **bearer(key))
    # then
    assert response.status_code == 409
    assert "shipped" in response.json()["error"]["message"]
    order.refresh_from_db()
    assert order.status == "shipped"
    operation.refresh_from_db()
    assert operation.status == "completed"


@pytest.mark.parametrize(
    ("type", "input", "after"),
    [
        ("cancel_order", {"reason": "customer asked"}, "cancelled"),
        ("hold_order", {}, "on_hold"),
    ],
)
def test_cancel_and_hold_execute_and_undo(client, tenant, type, input, after):
    # given
    order = order_for(tenant, status="confirmed")
    # when
    operation, key = run(client, tenant, order, type, input)
    # then
    order.refresh_from_db()
    assert order.status == after
    assert OrderActivity.objects.filter(order=order, metadata__operation_id=str(operation.pk)).exists()
    # when
    assert client.post(f"{URL}/{operation.pk}/undo", **bearer(key)).status_code == 200
    # then
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_release_hold_returns_to_the_status_before_the_hold_and_undo_holds_again(client, tenant):
    # given
    order = order_for(tenant, status="processing")
    run(client, tenant, order, "hold_order", {"reason": "fraud check"})
    # when
    release, key = run(client, tenant, order, "release_hold", {})
    # then
    order.refresh_from_db()
    assert order.status == "processing"
    assert client.post(f"{URL}/{release.pk}/undo", **bearer(key)).status_code == 200
    order.refresh_from_db()
    assert order.status == "on_hold"


def test_cancel_of_a_cancelled_order_fails_with_the_reason(client, tenant):
    # given
    order = order_for(tenant, status="cancelled")
    # when
    operation, key = run(client, tenant, order, "cancel_order", {})
    # then
    operation.refresh_from_db()
    assert operation.status == "failed" and "cannot be cancelled" in operation.error
    assert Event.objects.filter(event_type="operation.failed", resource_id=str(operation.pk)).exists()
    assert client.post(f"{URL}/{operation.pk}/undo", **bearer(key)).status_code == 409


def test_address_update_and_undo_and_conflict(client, tenant):
    # given
    order = order_for(tenant)
    before = order.shipping_address
    address = {"address1": "9 New Rd", "city": "Reno", "country": "US"}
    # when
    operation, key = run(client, tenant, order, "update_shipping_address", {"address": address})
    # then
    order.refresh_from_db()
    assert order.shipping_address == address
    assert client.post(f"{URL}/{operation.pk}/undo", **bearer(key)).status_code == 200
    order.refresh_from_db()
    assert order.shipping_address == before
    # given: a second update later overwritten
    second, _ = run(client, tenant, order, "update_shipping_address", {"address": address})
    order.shipping_address = {"city": "Elsewhere"}
    order.save()
    assert client.post(f"{URL}/{second.pk}/undo", **bearer(key)).status_code == 409


def test_note_added_and_undone(client, tenant):
    # given
    order = order_for(tenant, notes="gift wrap")
    # when
    operation, key = run(client, tenant, order, "add_order_note", {"note": "call before delivery"})
    # then
    order.refresh_from_db()
    assert order.notes == "gift wrap\ncall before delivery"
    assert client.post(f"{URL}/{operation.pk}/undo", **bearer(key)).status_code == 200
    order.refresh_from_db()
    assert order.notes == "gift wrap"


def test_create_shipment_and_undo_cancels_it(client, tenant):
    # given
    order = order_for(tenant)
    # when
    operation, key = run(
        client,
        tenant,
        order,
        "create_shipment",
        {"carrier": "fedex", "service": "GROUND", "trackingNumber": "7946"},
    )
    # then
    operation.refresh_from_db()
    shipment = Shipment.objects.get(pk=operation.output["shipment_id"])
    assert (shipment.order_id, shipment.carrier, shipment.tracking_number) == (order.pk, "fedex", "7946")
    assert client.post(f"{URL}/{operation.pk}/undo", **bearer(key)).status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == "cancelled"


def test_create_shipment_undo_refused_once_picked_up(client, tenant):
    # given
    order = order_for(tenant)
    operation, key = run(client, tenant, order, "create_shipment", {"carrier": "ups", "service": "ground"})
    operation.refresh_from_db()
    Shipment.objects.filter(pk=operation.output["shipment_id"]).update(status="in_transit")
    # when
    response = client.post(f"{URL}/{operation.pk}/undo", **bearer(key))
    # then
    assert response.status_code == 409 and "in_transit" in response.json()["error"]["message"]


def test_push_fulfillment_posts_to_the_bridge_service_and_cannot_be_undone(
    client, tenant, httpserver, settings
):
    # given
    settings.ORDERLY_BRIDGE_SERVICE_URL = httpserver.url_for("/{type}")
    end_user = tenant.end_user()
    bridge = BridgeFactory(end_user=end_user, type="shopify")
    order = OrderFactory(end_user=end_user, bridge=bridge)
    shipment = ShipmentFactory(order=order, carrier="ups", tracking_number="1Z42")
    httpserver.expect_oneshot_request("/shopify/fulfillments", method="POST").respond_with_json({"id": "f_1"})
    # when
    operation, key = run(client, tenant, order, "push_fulfillment", {"shipment_id": str(shipment.pk)})
    # then
    operation.refresh_from_db()
    assert operation.status == "completed", operation.error
    assert operation.output["response"] == {"id": "f_1"}
    body = httpserver.log[0][0].get_json()
    assert (
        body["orderId"] == order.external_id and body["trackingNumber"] == "1Z42" and body["carrier"] == "ups"
    )
    response = client.post(f"{URL}/{operation.pk}/undo", **bearer(key))
    assert response.status_code == 422 and response.json()["error"]["code"] == "unprocessable"


def test_push_fulfillment_fails_when_the_bridge_answers_an_error(client, tenant, httpserver, settings):
    # given
    settings.ORDERLY_BRIDGE_SERVICE_URL = httpserver.url_for("/{type}")
    end_user = tenant.end_user()
    order = OrderFactory(end_user=end_user, bridge=BridgeFactory(end_user=end_user))
    shipment = ShipmentFactory(order=order)
    httpserver.expect_oneshot_request("/shipstation/fulfillments").respond_with_data("no", status=500)
    # when
    operation, _ = run(client, tenant, order, "push_fulfillment", {"shipment_id": str(shipment.pk)})
    # then
    operation.refresh_from_db()
    assert operation.status == "failed" and "500" in operation.error


@pytest.mark.parametrize(
    "body",
    [
        {"type": "teleport", "input": {}},
        {"type": "update_order_status", "input": {"status": "lost"}},
        {"type": "update_order_status", "input": {"status": "shipped", "extra": 1}},
        {"type": "add_order_note", "input": {}},
        {"type": "add_order_note", "input": {"note": "x"}, "surprise": True},
        {"type": "add_order_note"},
        {"type": "add_order_note", "input": "note"},
        {"type": "add_order_note", "input": {"note": "x"}, "order_id": "not-a-uuid"},
        {"type": "add_order_note", "input": {"note": "x"}, "order_id": None},
    ],
)
def test_create_refuses_bad_input(client, tenant, body):
    # given
    order = order_for(tenant)
    # when
    response = client.post(
        URL, {"order_id": str(order.pk), **body}, format="json", **bearer(tenant.api_key())
    )
    # then
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    assert not Operation.objects.exists()


def test_isolation_and_scopes(client, tenant, other_tenant):
    # given
    order = order_for(tenant)
    operation, _ = run(client, tenant, order, "add_order_note", {"note": "hi"})
    foreign = other_tenant.api_key()
    # when / then
    assert client.get(f"{URL}/{operation.pk}", **bearer(foreign)).status_code == 404
    for action in ("execute", "cancel", "undo"):
        assert client.post(f"{URL}/{operation.pk}/{action}", **bearer(foreign)).status_code == 404
    assert create(client, foreign, order, "add_order_note", {"note": "x"}).status_code == 404
    assert client.get(URL, **bearer(foreign)).json()["data"] == []
    read_only = tenant.api_key("operations:read")
    assert create(client, read_only, order, "add_order_note", {"note": "x"}).status_code == 403
    assert client.post(f"{URL}/{operation.pk}/undo", **bearer(read_only)).status_code == 403
    assert client.get(URL, **bearer(tenant.api_key("orders:read"))).status_code == 403
    assert client.get(URL).status_code == 401
    assert client.get(f"/api/operations/{operation.pk}", **bearer(tenant.api_key())).status_code == 200


def test_cancel_only_pending(client, tenant):
    # given
    order = order_for(tenant)
    key = tenant.api_key()
    op_id = create(client, key, order, "add_order_note", {"note": "x"}).json()["data"]["id"]
    # when
    first = client.post(f"{URL}/{op_id}/cancel", **bearer(key))
    second = client.post(f"{URL}/{op_id}/cancel", **bearer(key))
    execute = client.post(f"{URL}/{op_id}/execute", **bearer(key))
    # then
    assert first.status_code == 200 and first.json()["data"]["status"] == "cancelled"
    assert second.status_code == 409 and execute.status_code == 409
    undo = client.post(f"{URL}/{op_id}/undo", **bearer(key))
    assert undo.status_code == 409 and undo.json()["error"]["code"] == "invalid_state"
    assert client.post(f"{URL}/{uuid.uuid4()}/execute", **bearer(key)).status_code == 404
    assert client.get(f"{URL}/{uuid.uuid4()}", **bearer(key)).status_code == 404
    order.refresh_from_db()
    assert order.notes is None


def test_list_filters_sort_pagination(client, tenant):
    # given
    order_a, order_b = order_for(tenant), order_for(tenant)
    key = tenant.api_key()
    ids = [
        create(client, key, order_a, "add_order_note", {"note": str(i)}).json()["data"]["id"]
        for i in range(3)
    ]
    other = create(client, key, order_b, "hold_order", {}).json()["data"]["id"]
    committed(lambda: client.post(f"{URL}/{ids[0]}/execute", **bearer(key)))

    # when / then
    def listed(query):
        response = client.get(f"{URL}?{query}", **bearer(key))
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["data"]]

    assert listed("status=completed") == [ids[0]]
    assert set(listed("status=pending")) == {ids[1], ids[2], other}
    assert listed("type=hold_order") == [other]
    assert set(listed(f"order_id={order_a.pk}")) == set(ids)
    assert listed("sort=created_at&order=asc") == [*ids, other]
    assert listed("") == [other, *reversed(ids)]
    assert listed("sort=type&order=asc")[-1] == other
    page = client.get(f"{URL}?limit=3&page=2", **bearer(key)).json()
    assert page["pagination"] == {"page": 2, "limit": 3, "total": 4, "totalPages": 2, "hasMore": False}
    assert client.get(f"{URL}?limit=500", **bearer(key)).json()["pagination"]["limit"] == 100
    for bad in ("sort=input", "order=sideways", "status=nope", "type=teleport", "order_id=x", "page=0"):
        assert client.get(f"{URL}?{bad}", **bearer(key)).status_code == 400, bad


def test_list_query_count_is_flat(client, tenant):
    # given
    order = order_for(tenant)
    key = tenant.api_key("operations:read")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, **bearer(key)).status_code == 200
        return len(ctx)

    Operation.objects.create(organization=tenant.organization, order=order, type="add_order_note", input={})
    count()  # the first use of a key records it (last used); compare steady-state requests
    one = count()
    for _ in range(10):
        Operation.objects.create(
            organization=tenant.organization, order=order, type="add_order_note", input={}
        )
    # when / then
    assert count() == one


def test_resume_stalled_reruns_an_abandoned_execution_once(tenant, settings):
    # given: an operation left executing by a killed worker, its lease expired
    order = order_for(tenant, status="pending")
    operation = services.operation_create(
        organization=tenant.organization,
        type="update_order_status",
        order_id=order.pk,
        input={"status": "confirmed"},
    )
    Operation.objects.filter(pk=operation.pk).update(status="executing")
    Operation.objects.filter(pk=operation.pk).update(updated_at=operation.created_at.replace(year=2020))
    # when
    resumed = committed(services.operations_resume_stalled)
    again = services.operation_run(operation_id=operation.pk)
    # then
    assert resumed == 1 and again is False
    operation.refresh_from_db()
    order.refresh_from_db()
    assert operation.status == "completed" and order.status == "confirmed"
    assert OrderActivity.objects.filter(order=order, activity_type="status_change").count() == 1


def _approval_event(tenant, order, **data):
    return event_record(
        organization=tenant.organization,
        event_type="action_request.resolved",
        resource_type="action_request",
        resource_id=data.get("id"),
        data={
            "id": str(uuid.uuid4()),
            "status": "approved",
            "order_id": str(order.pk),
            "requested_changes": {},
            "resolution_note": "",
            "resolved_by": str(tenant.user.membership.public_id),
            **data,
        },
    )


def test_approved_request_becomes_an_operation_that_can_be_undone(client, tenant):
    # given
    order = order_for(tenant, status="confirmed")
    # when
    committed(
        lambda: _approval_event(
            tenant, order, action_type="cancel", requested_changes={"reason": "duplicate"}
        )
    )
    # then
    operation = Operation.objects.get(order=order)
    assert (operation.type, operation.status, operation.input) == (
        "cancel_order",
        "completed",
        {"reason": "duplicate"},
    )
    assert operation.created_by_id == tenant.user.pk and operation.action_request_id is not None
    order.refresh_from_db()
    assert order.status == "cancelled"
    # when
    response = client.post(f"{URL}/{operation.pk}/undo", **bearer(tenant.api_key()))
    # then
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "confirmed"


@pytest.mark.parametrize(
    ("action_type", "changes", "type", "check"),
    [
        ("hold", {}, "hold_order", lambda o: o.status == "on_hold"),
        ("expedite", {}, "add_order_note", lambda o: o.notes.startswith("Expedite requested")),
        ("note", {"note": "leave at door"}, "add_order_note", lambda o: o.notes == "leave at door"),
        (
            "address_change",
            {"address": {"city": "Oslo"}},
            "update_shipping_address",
            lambda o: o.shipping_address == {"city": "Oslo"},
        ),
    ],
)
def test_each_approved_action_type_maps_to_its_operation(tenant, action_type, changes, type, check):
    # given
    order = order_for(tenant, status="confirmed", notes=None)
    # when
    committed(lambda: _approval_event(tenant, order, action_type=action_type, requested_changes=changes))
    # then
    assert Operation.objects.get(order=order).type == type
    order.refresh_from_db()
    assert check(order)


def test_denied_or_unmapped_requests_start_nothing_and_bad_input_is_a_failed_operation(tenant):
    # given
    order = order_for(tenant)
    # when
    committed(lambda: _approval_event(tenant, order, action_type="cancel", status="denied"))
    _approval_event(tenant, order, action_type="refund")
    committed(lambda: _approval_event(tenant, order, action_type="address_change", requested_changes={}))
    # then
    operation = Operation.objects.get(order=order)
    assert operation.status == "failed" and "Address: This field may not be null." in operation.error


def test_approval_through_the_actions_app_links_the_request(client, tenant):
    actions_services = pytest.importorskip("actions.services")
    from django.utils import timezone

    from actions.models import ActionRequest

    # given
    order = order_for(tenant, status="confirmed")
    request = ActionRequest.objects.create(
        organization=tenant.organization,
        end_user=order.end_user,
        order=order,
        action_type="hold",
        title="Hold please",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    # when
    committed(
        lambda: actions_services.action_request_resolve(
            request_id=request.pk,
            organization=tenant.organization,
            status="approved",
            note="ok",
            actor=tenant.user,
        )
    )
    # then
    operation = Operation.objects.get(action_request_id=request.pk)
    request.refresh_from_db()
    assert request.operation_id == operation.pk
    assert operation.type == "hold_order" and operation.status == "completed"
    order.refresh_from_db()
    assert order.status == "on_hold"


@pytest.mark.django_db(transaction=True)
def test_concurrent_execute_runs_exactly_once(tenant):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    # given
    order = order_for(tenant, notes=None)
    operation = services.operation_create(
        organization=tenant.organization, type="add_order_note", order_id=order.pk, input={"note": "once"}
    )
    # when
    results = run_together(
        *[lambda: services.operation_execute(organization=tenant.organization, operation_id=operation.pk)] * 4
    )
    # then
    outcomes = ["ok" if isinstance(r, Operation) else getattr(r, "status", r) for r in results]
    assert sorted(outcomes, key=str) == [409, 409, 409, "ok"]
    order.refresh_from_db()
    assert order.notes == "once"
    assert OrderActivity.objects.filter(order=order, activity_type="note").count() == 1


@pytest.mark.celery_worker
def test_a_real_worker_executes_the_operation(client, tenant, celery_worker):
    # given
    order = order_for(tenant, status="pending")
    key = tenant.api_key()
    op_id = create(client, key, order, "update_order_status", {"status": "processing"}).json()["data"]["id"]
    # when
    response = client.post(f"{URL}/{op_id}/execute", **bearer(key))
    # then
    assert response.json()["data"]["status"] == "executing"
    wait_for(lambda: Operation.objects.get(pk=op_id).status == "completed", timeout=30)
    order.refresh_from_db()
    assert order.status == "processing"


@pytest.mark.django_db(transaction=True)
def test_execute_answers_the_real_state_and_names_staff_by_uuid(client, make_tenant):
    # given a pending hold on a confirmed order (real commits: the eager task runs as execute commits)
    tenant = make_tenant()
    order = order_for(tenant, status="confirmed")
    key = tenant.api_key()
    created = create(client, key, order, "hold_order", {"reason": "stock check"})
    staff = str(tenant.user.membership.public_id)
    assert created.json()["data"]["created_by"] == staff and created.json()["data"]["executed_by"] is None
    # when it is executed
    op_id = created.json()["data"]["id"]
    executed = client.post(f"{URL}/{op_id}/execute", **bearer(key))
    # then the answer is the state the operation is in by then, not a fixed "executing"
    assert executed.json()["data"]["status"] == Operation.objects.get(pk=op_id).status == "completed"
    detail = client.get(f"{URL}/{op_id}", **bearer(key)).json()["data"]
    assert detail["executed_by"] == staff


def test_operation_events_carry_the_order_s_end_user(client, tenant):
    # given an order of an end user
    order = order_for(tenant, status="confirmed")
    # when an operation on it completes, and another fails
    run(client, tenant, order, "hold_order", {})
    run(client, tenant, order, "hold_order", {})  # already on hold: fails
    # then both events name the order's end user, so that end user's webhooks receive them
    for topic in ("operation.completed", "operation.failed"):
        assert Event.objects.get(event_type=topic).end_user_id == order.end_user_id


def test_one_status_change_record_for_ingest_and_operations(client, tenant):
    # given an order whose status an operation changes
    order = order_for(tenant, status="pending")
    run(client, tenant, order, "update_order_status", {"status": "processing"})
    # then the activity is the seed's `status_change` and the event has the one payload
    assert list(OrderActivity.objects.filter(order=order).values_list("activity_type", flat=True)) == [
        "status_change"
    ]
    data = Event.objects.get(event_type="order.status_changed").data
    assert (data["id"], data["from"], data["to"], data["order_number"]) == (
        str(order.pk),
        "pending",
        "processing",
        order.order_number,
    )
    assert "from_status" not in data and data["status"] == "processing"
