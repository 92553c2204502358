"""Expiry: a frozen clock, set-based, events once, and the Celery task."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions import services
from actions.models import ActionRequest
from actions.tasks import action_requests_expire
from orderly.events.models import Event
from orders.models import OrderActivity
from tests.actions.factories import ActionRequestFactory
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 21, 18, 0, tzinfo=dt.UTC)


def file_request(tenant, **kwargs):
    end_user = tenant.end_user()
    order = OrderFactory(end_user=end_user)
    fields = {"action_type": "cancel", "title": "Cancel", "description": "Changed my mind"}
    fields.update(kwargs)
    return services.action_request_create(end_user=end_user, order_id=order.pk, **fields)


def test_requests_expire_exactly_after_seven_days(tenant):
    # given
    with time_machine.travel(START, tick=False):
        request = file_request(tenant)
    # when: one second early, then right on time
    with time_machine.travel(START + dt.timedelta(days=7) - dt.timedelta(seconds=1), tick=False):
        early = action_requests_expire.delay().get()
    request.refresh_from_db()
    status_early = request.status
    with time_machine.travel(START + dt.timedelta(days=7), tick=False):
        on_time = action_requests_expire.delay().get()
    # then
    assert (early, status_early) == (0, "pending")
    assert on_time == 1
    request.refresh_from_db()
    assert request.status == "expired"
    assert request.updated_at == START + dt.timedelta(days=7)
    assert request.resolved_by is None and request.resolved_at is None


def test_expiry_records_expired_events_once_and_no_cancellation_update(tenant):
    # given
    with time_machine.travel(START, tick=False):
        request = file_request(tenant)
    # when
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        first = services.action_requests_expire()
        second = services.action_requests_expire()
    # then
    assert (first, second) == (1, 0)
    expired = Event.objects.filter(event_type="action_request.expired")
    assert expired.count() == 1
    assert expired.get().data["id"] == str(request.pk)
    assert expired.get().data["status"] == "expired"
    assert not Event.objects.filter(event_type="order.cancellationrequest.updated").exists()
    activity = OrderActivity.objects.get(order_id=request.order_id, title="Cancel request expired")
    assert activity.actor_type == "system"


def test_only_overdue_pending_requests_expire(tenant):
    # given
    order = OrderFactory(end_user=tenant.end_user())
    now = dt.datetime.now(dt.UTC)
    overdue = ActionRequestFactory(order=order, expires_at=now - dt.timedelta(minutes=1))
    fresh = ActionRequestFactory(order=order, expires_at=now + dt.timedelta(days=1))
    settled = ActionRequestFactory(order=order, status="approved", expires_at=now - dt.timedelta(days=1))
    # when
    count = services.action_requests_expire(now=now)
    # then
    assert count == 1
    statuses = dict(ActionRequest.objects.values_list("pk", "status"))
    assert statuses == {overdue.pk: "expired", fresh.pk: "pending", settled.pk: "approved"}


def test_expiry_is_set_based(tenant):
    """The number of statements does not grow with the table, only events per expired row."""
    # given
    order = OrderFactory(end_user=tenant.end_user())
    now = dt.datetime.now(dt.UTC)
    ActionRequestFactory.create_batch(30, order=order, expires_at=now + dt.timedelta(days=1))
    ActionRequestFactory.create_batch(5, order=order, expires_at=now - dt.timedelta(days=1))
    # when
    with CaptureQueriesContext(connection) as ctx:
        count = services.action_requests_expire(now=now)
    # then
    assert count == 5
    updates = [
        q["sql"]
        for q in ctx.captured_queries
        if "UPDATE" in q["sql"] and "actions_actionrequest" in q["sql"]
    ]
    assert len(updates) == 1


def test_expiry_works_in_batches(tenant):
    order = OrderFactory(end_user=tenant.end_user())
    now = dt.datetime.now(dt.UTC)
    ActionRequestFactory.create_batch(7, order=order, expires_at=now - dt.timedelta(days=1))
    assert services.action_requests_expire(now=now, batch_size=3) == 7
    assert Event.objects.filter(event_type="action_request.expired").count() == 7
    assert not ActionRequest.objects.filter(status="pending").exists()


def test_an_expired_request_cannot_be_resolved_or_withdrawn(tenant, client):
    # given
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    services.action_requests_expire(now=request.expires_at)
    # when
    from tests.conftest import bearer

    response = client.patch(
        f"/api/v1/embed/action-requests/{request.pk}/resolve",
        {"status": "approved"},
        format="json",
        **bearer(tenant.api_key("embed:manage")),
    )
    # then
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Request is already expired."


def _expire_with_subscribers(tenant, count):
    """`count` overdue requests of two end users; an organization webhook, one end user's webhook
    and an in-app alert rule all listen to `action_request.expired`."""
    from alerts.models import AlertRule
    from webhooks.models import WebhookDelivery
    from webhooks.services import webhook_create

    alice, bob = tenant.end_user(), tenant.end_user()
    webhook_create(
        organization=tenant.organization,
        end_user=None,
        url="https://hooks.example.com/org",
        events=["action_request.expired"],
    )
    webhook_create(
        organization=tenant.organization,
        end_user=alice,
        url="https://hooks.example.com/alice",
        events=["action_request.expired"],
    )
    AlertRule.objects.create(
        organization=tenant.organization,
        end_user=alice,
        name="Expired",
        event_type="action_request.expired",
        delivery_method="in_app",
    )
    now = dt.datetime.now(dt.UTC)
    for end_user in (alice, bob):
        ActionRequestFactory.create_batch(
            count, order=OrderFactory(end_user=end_user), expires_at=now - dt.timedelta(days=1)
        )
    with CaptureQueriesContext(connection) as ctx:
        expired = services.action_requests_expire(now=now)
    return (
        expired,
        len(ctx.captured_queries),
        WebhookDelivery.objects.count(),
        alice.alert_notifications.count(),
    )


@pytest.mark.parametrize("count", [3, 30])
def test_expiry_fans_out_a_batch_at_a_time(tenant, count):
    """Deliveries and alerts for every expired request, with statements that do not grow per row."""
    # when
    expired, queries, deliveries, notifications = _expire_with_subscribers(tenant, count)
    # then: the organization's endpoint gets every event, Alice's endpoint only hers
    assert expired == 2 * count
    assert deliveries == 2 * count + count
    assert notifications == 1  # the first fired; its hour of cooldown held back the rest
    assert Event.objects.filter(event_type="action_request.expired").count() == 2 * count
    assert queries <= 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement sweep is PostgreSQL's")
def test_the_one_statement_sweep_records_what_the_python_builders_would(tenant):
    """The SQL reading of the event payload and the activity are the Python ones, field for field."""
    from actions.services import _activity, _events, _expired_title, _type_label, action_request_event_data

    # given two overdue requests of different kinds, one with requested changes and no description
    end_user = tenant.end_user()
    now = dt.datetime.now(dt.UTC)
    cancel = ActionRequestFactory(order=OrderFactory(end_user=end_user), expires_at=now - dt.timedelta(hours=1))
    move = ActionRequestFactory(
        order=OrderFactory(end_user=end_user),
        action_type="address_change",
        description="",
        requested_changes={"address": {"city": "Malmö", "zip": "211 22"}},
        expires_at=now - dt.timedelta(hours=2),
    )
    # when the sweep runs
    assert services.action_requests_expire(now=now) == 2
    # then each event and activity is what the Python builders make of the expired request
    for request in (cancel, move):
        request = ActionRequest.objects.select_related("order").get(pk=request.pk)
        event = Event.objects.get(event_type="action_request.expired", resource_id=str(request.pk))
        (expected,) = _events(request, topic="action_request.expired")
        assert event.data == action_request_event_data(request)
        assert (event.organization_id, event.end_user_id, event.resource_type) == (
            expected.organization_id,
            expected.end_user_id,
            expected.resource_type,
        )
        activity = OrderActivity.objects.get(order_id=request.order_id)
        built = _activity(request, _expired_title(_type_label(request)), OrderActivity.ActorType.SYSTEM)
        fields = ("organization_id", "activity_type", "title", "description", "actor_type", "actor_id", "metadata")
        assert {f: getattr(activity, f) for f in fields} == {f: getattr(built, f) for f in fields}
