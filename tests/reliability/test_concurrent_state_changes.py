"""Twenty clients change one thing at the same instant through the HTTP API: exactly one wins.

Each transition is one conditional UPDATE (docs/actions.md, docs/operations.md); these tests show
that holds under real contention — twenty threads, each with its own PostgreSQL connection,
released together — and that the losers neither record events nor start work. PostgreSQL only:
SQLite serializes writers, so it cannot show a race.
"""

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from actions.models import ActionRequest
from operations import services as operations
from operations.models import Operation
from orderly.events.models import Event
from orders.models import OrderActivity
from tests.actions.factories import ActionRequestFactory
from tests.concurrency import run_together
from tests.conftest import bearer, wait_for
from tests.factories import OrderFactory

CLIENTS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="row locks and concurrent writers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _connection_headroom(transactional_db):
    """Fail with a clear reason, not a pile of connection errors, if PostgreSQL cannot serve every thread."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        free = cursor.fetchone()[0]
    # The clients, the test's own connection and a worker's.
    assert free >= CLIENTS + 2, f"PostgreSQL has {free} free connections; this test needs {CLIENTS + 2}"


def test_twenty_concurrent_resolves_of_one_request_have_one_winner(tenant):
    # given one pending request and twenty staff clients, half approving and half denying it
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()), action_type="cancel")
    key = tenant.api_key("embed:manage")
    url = f"/api/v1/embed/action-requests/{request.pk}/resolve"

    def resolve(status):
        def call():
            response = APIClient().patch(url, {"status": status}, format="json", **bearer(key))
            return response.status_code, response.json()

        return call

    # when they all send PATCH …/resolve at the same instant
    results = run_together(*(resolve("approved" if i % 2 else "denied") for i in range(CLIENTS)))

    # then exactly one is answered 200 and the other nineteen 409 invalid_state naming its decision
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * (CLIENTS - 1), codes
    winner = next(body["data"] for code, body in results if code == 200)
    losers = [body["error"] for code, body in results if code == 409]
    assert {(e["code"], e["details"]["status"]) for e in losers} == {("invalid_state", winner["status"])}
    # and the request holds the winner's decision, recorded once
    assert ActionRequest.objects.get(pk=request.pk).status == winner["status"]
    resolved = Event.objects.filter(event_type="action_request.resolved", resource_id=str(request.pk))
    assert resolved.count() == 1
    assert resolved.get().data["status"] == winner["status"]
    # and an approval started one operation, a denial none
    started = Operation.objects.filter(action_request_id=request.pk).count()
    assert started == (1 if winner["status"] == "approved" else 0)


@pytest.mark.celery_worker
def test_twenty_concurrent_executes_of_one_operation_run_it_once(tenant, celery_worker):
    # given one pending operation that appends a note to its order, and a real worker to run it
    order = OrderFactory(end_user=tenant.end_user(), notes=None)
    operation = operations.operation_create(
        organization=tenant.organization, type="add_order_note", order_id=order.pk, input={"note": "once"}
    )
    key = tenant.api_key("operations:execute")
    url = f"/api/v1/operations/{operation.pk}/execute"

    def execute():
        response = APIClient().post(url, **bearer(key))
        return response.status_code, response.json()

    # when twenty clients POST …/execute at the same instant
    results = run_together(*[execute] * CLIENTS)

    # then one is answered 200 "executing" (the run is queued) and nineteen 409 invalid_state
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * (CLIENTS - 1), codes
    assert next(body["data"]["status"] for code, body in results if code == 200) == "executing"
    assert {body["error"]["code"] for code, body in results if code == 409} == {"invalid_state"}
    # and the worker runs it once: one success, one note, one activity, one completion event
    wait_for(lambda: Operation.objects.get(pk=operation.pk).status == "completed", timeout=20)
    operation.refresh_from_db()
    messages = [line["message"] for line in operation.logs]
    assert messages.count("Execution requested.") == 1 and messages.count("Completed.") == 1, messages
    order.refresh_from_db()
    assert order.notes == "once"
    assert OrderActivity.objects.filter(order=order, activity_type="note").count() == 1
    outcomes = Event.objects.filter(resource_id=str(operation.pk), event_type__startswith="operation.")
    assert list(outcomes.values_list("event_type", flat=True)) == ["operation.completed"]
