"""Real concurrency on PostgreSQL: threads with their own connections, not mocks."""

import datetime as dt

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from actions import services
from actions.models import ActionRequest
from orderly.errors import DomainError
from orderly.events.models import Event
from tests.actions.factories import ActionRequestFactory
from tests.concurrency import run_together
from tests.conftest import bearer
from tests.factories import OrderFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="row locks and concurrent writers need PostgreSQL"),
]


def test_concurrent_resolves_have_exactly_one_winner(tenant):
    # given
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    key = tenant.api_key("embed:manage")
    url = f"/api/v1/embed/action-requests/{request.pk}/resolve"

    def resolve(status):
        return lambda: APIClient().patch(url, {"status": status}, format="json", **bearer(key)).status_code

    # when
    codes = run_together(*(resolve("approved" if i % 2 else "denied") for i in range(6)))
    # then
    assert sorted(codes) == [200, 409, 409, 409, 409, 409]
    assert Event.objects.filter(event_type="action_request.resolved").count() == 1
    assert ActionRequest.objects.get(pk=request.pk).status in ("approved", "denied")


def test_resolve_racing_expiry_has_one_winner(tenant):
    for _ in range(5):
        # given
        request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))

        def resolve(request=request):
            return services.action_request_resolve(
                request_id=request.pk,
                organization=tenant.organization,
                status="approved",
                note=None,
                actor=tenant.user,
            )

        def expire(request=request):
            return services.action_requests_expire(now=request.expires_at + dt.timedelta(seconds=1))

        # when
        resolved, expired_count = run_together(resolve, expire)
        # then
        final = ActionRequest.objects.get(pk=request.pk).status
        if final == "approved":
            assert isinstance(resolved, ActionRequest) and expired_count == 0
        else:
            assert final == "expired"
            assert isinstance(resolved, DomainError) and resolved.status == 409
            assert expired_count == 1
        events = Event.objects.filter(resource_id=str(request.pk)).values_list("event_type", flat=True)
        expected = ["action_request.resolved"] if final == "approved" else ["action_request.expired"]
        assert sorted(events) == expected


def test_withdraw_racing_resolve_has_one_winner(tenant):
    # given
    end_user = tenant.end_user()
    request = ActionRequestFactory(order=OrderFactory(end_user=end_user))
    # when
    results = run_together(
        lambda: services.action_request_cancel(request_id=request.pk, end_user=end_user),
        lambda: services.action_request_resolve(
            request_id=request.pk,
            organization=tenant.organization,
            status="denied",
            note=None,
            actor=tenant.user,
        ),
    )
    # then
    winners = [r for r in results if isinstance(r, ActionRequest)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1 and losers[0].status == 409
    assert ActionRequest.objects.get(pk=request.pk).status == winners[0].status


def test_two_expiry_runs_at_once_expire_each_row_once(tenant):
    # given
    order = OrderFactory(end_user=tenant.end_user())
    now = dt.datetime.now(dt.UTC)
    ActionRequestFactory.create_batch(40, order=order, expires_at=now - dt.timedelta(minutes=5))
    # when
    counts = run_together(
        lambda: services.action_requests_expire(now=now, batch_size=7),
        lambda: services.action_requests_expire(now=now, batch_size=7),
    )
    # then
    assert sum(counts) == 40
    assert Event.objects.filter(event_type="action_request.expired").count() == 40
    assert (
        Event.objects.filter(event_type="action_request.expired").values("resource_id").distinct().count()
        == 40
    )
