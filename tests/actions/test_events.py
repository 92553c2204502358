"""Events and order activities recorded by each transition, once each."""

import datetime as dt

import pytest
import time_machine

from actions import services
from orderly.errors import DomainError
from orderly.events.models import Event
from orders.models import OrderActivity
from tests.actions.factories import ActionRequestFactory
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

RESOLVED_KEYS = {
    "id",
    "status",
    "action_type",
    "order_id",
    "requested_changes",
    "resolution_note",
    "resolved_by",
}
DATA_KEYS = RESOLVED_KEYS | {"title", "resolved_at", "created_at", "updated_at"}


def topics():
    return list(Event.objects.order_by("created_at", "id").values_list("event_type", flat=True))


def create(end_user, order, **kwargs):
    fields = {"action_type": "cancel", "title": "Please cancel", "description": "Wrong item ordered"}
    fields.update(kwargs)
    return services.action_request_create(end_user=end_user, order_id=order.pk, **fields)


def test_create_cancel_records_created_and_cancellation_created(tenant):
    # given
    end_user = tenant.end_user()
    order = OrderFactory(end_user=end_user, po_number="customer-po-number")
    # when
    with time_machine.travel(dt.datetime(2025, 3, 18, 15, 30, 45, 123456, tzinfo=dt.UTC), tick=False):
        request = create(end_user, order, requested_changes={"reason": "wrong_item"})
    # then
    assert sorted(topics()) == ["action_request.created", "order.cancellationrequest.created"]
    cancellation = Event.objects.get(event_type="order.cancellationrequest.created")
    assert cancellation.data == {
        "orderId": str(order.pk),
        "poNumber": "customer-po-number",
        "status": "Pending",
        "reason": "Wrong item ordered",
        "createdAt": "2025-03-18T15:30:45.123Z",
        "updatedAt": "2025-03-18T15:30:45.123Z",
    }
    assert cancellation.end_user_id == end_user.pk
    created = Event.objects.get(event_type="action_request.created")
    assert set(created.data) >= DATA_KEYS
    assert created.data["id"] == str(request.pk)
    assert created.data["requested_changes"] == {"reason": "wrong_item"}
    assert created.end_user_id == end_user.pk
    activity = OrderActivity.objects.get(order=order)
    assert (activity.activity_type, activity.title, activity.actor_type) == (
        "action_request",
        "Cancel requested",
        "end_user",
    )


def test_po_number_is_null_when_the_order_has_none(tenant):
    end_user = tenant.end_user()
    order = OrderFactory(end_user=end_user, po_number=None)
    create(end_user, order)
    assert Event.objects.get(event_type="order.cancellationrequest.created").data["poNumber"] is None


def test_updated_never_fires_on_creation(tenant):
    end_user = tenant.end_user()
    create(end_user, OrderFactory(end_user=end_user))
    assert not Event.objects.filter(event_type="order.cancellationrequest.updated").exists()


@pytest.mark.parametrize(("status", "seed_status"), [("approved", "Approved"), ("denied", "Denied")])
def test_resolve_cancel_records_resolved_and_cancellation_updated(tenant, status, seed_status):
    # given
    end_user = tenant.end_user()
    order = OrderFactory(end_user=end_user, po_number="PO-9")
    with time_machine.travel(dt.datetime(2025, 3, 18, 15, 30, 45, 123000, tzinfo=dt.UTC), tick=False):
        request = create(end_user, order)
    # when
    with time_machine.travel(dt.datetime(2025, 3, 18, 16, 45, 22, 456000, tzinfo=dt.UTC), tick=False):
        services.action_request_resolve(
            request_id=request.pk,
            organization=tenant.organization,
            status=status,
            note="Refund initiated",
            actor=tenant.user,
        )
    # then
    updated = Event.objects.get(event_type="order.cancellationrequest.updated")
    assert updated.data == {
        "orderId": str(order.pk),
        "poNumber": "PO-9",
        "status": seed_status,
        "reason": "Wrong item ordered",
        "createdAt": "2025-03-18T15:30:45.123Z",
        "updatedAt": "2025-03-18T16:45:22.456Z",
    }
    resolved = Event.objects.get(event_type="action_request.resolved")
    assert resolved.data["id"] == str(request.pk)
    assert resolved.data["status"] == status
    assert resolved.data["action_type"] == "cancel"
    assert resolved.data["order_id"] == str(order.pk)
    assert resolved.data["resolution_note"] == "Refund initiated"
    assert resolved.data["resolved_by"] == str(tenant.user.membership.public_id)
    assert resolved.data["resolved_at"] == "2025-03-18T16:45:22.456Z"
    assert topics().count("action_request.resolved") == 1
    titles = set(OrderActivity.objects.filter(order=order).values_list("title", "actor_type"))
    assert (f"Cancel request {status}", "staff") in titles


def test_non_cancel_types_emit_no_cancellation_topics(tenant):
    # given
    end_user = tenant.end_user()
    request = create(end_user, OrderFactory(end_user=end_user), action_type="hold", title="Hold it")
    # when
    services.action_request_resolve(
        request_id=request.pk,
        organization=tenant.organization,
        status="approved",
        note=None,
        actor=tenant.user,
    )
    # then
    assert sorted(topics()) == ["action_request.created", "action_request.resolved"]


def test_withdrawing_a_cancel_request_emits_no_cancellation_update(tenant):
    end_user = tenant.end_user()
    request = create(end_user, OrderFactory(end_user=end_user))
    services.action_request_cancel(request_id=request.pk, end_user=end_user)
    assert "order.cancellationrequest.updated" not in topics()
    assert topics().count("action_request.cancelled") == 1
    assert Event.objects.get(event_type="action_request.cancelled").data["status"] == "cancelled"


def test_a_losing_transition_records_nothing(tenant):
    # given
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()), status="denied")
    # when
    with pytest.raises(DomainError) as error:
        services.action_request_resolve(
            request_id=request.pk,
            organization=tenant.organization,
            status="approved",
            note=None,
            actor=tenant.user,
        )
    # then
    assert error.value.status == 409
    assert topics() == []
    assert not OrderActivity.objects.exists()


def test_resolving_after_expires_at_but_before_the_job_is_409(tenant):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    with (
        time_machine.travel(request.expires_at + dt.timedelta(seconds=1)),
        pytest.raises(DomainError) as error,
    ):
        services.action_request_resolve(
            request_id=request.pk,
            organization=tenant.organization,
            status="approved",
            note=None,
            actor=tenant.user,
        )
    assert error.value.status == 409
    assert error.value.message == "Request has expired."
