"""The review-queue pages: staff only, own organization only, same transition as the API."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from actions.models import ActionRequest
from orderly.events.models import Event
from tests.actions.factories import ActionRequestFactory
from tests.factories import EndUserFactory, MembershipFactory, OrderFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

QUEUE = "/dashboard/requests/"


@pytest.fixture
def staff(tenant):
    browser = Client()
    browser.force_login(tenant.user)
    return browser


def test_queue_requires_login(client):
    response = Client().get(QUEUE)
    assert response.status_code == 302
    assert "/dashboard/login/" in response["Location"]


def test_queue_lists_pending_oldest_first_with_counts(tenant, staff):
    # given
    order = OrderFactory(end_user=tenant.end_user())
    ActionRequestFactory(order=order, title="Newer one")
    older = ActionRequestFactory(order=order, title="Older one")
    ActionRequest.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    ActionRequestFactory(order=order, title="Done already", status="approved")
    # when
    response = staff.get(QUEUE)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Older one") < html.index("Newer one")
    assert "Done already" not in html
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts["pending"] == 2 and counts["approved"] == 1
    assert 'class="badge badge-pending"' in html
    assert 'href="/dashboard/requests/"' in html  # the nav entry "Review queue"


def test_queue_filters(tenant, staff):
    # given
    alice = EndUserFactory(organization=tenant.organization, name="Alice Outdoor", email="alice@shop.example")
    bob = EndUserFactory(organization=tenant.organization, name="Bob Coffee")
    old_hold = ActionRequestFactory(order=OrderFactory(end_user=alice), action_type="hold", title="Hold it")
    ActionRequest.objects.filter(pk=old_hold.pk).update(created_at=timezone.now() - dt.timedelta(days=4))
    ActionRequestFactory(
        order=OrderFactory(end_user=bob, order_number="77001"), action_type="note", title="A note"
    )
    ActionRequestFactory(order=OrderFactory(end_user=bob), status="denied", title="Refused")

    def titles(**params):
        return [r.title for r in staff.get(QUEUE, params).context["page"].object_list]

    # then
    assert titles(action_type="hold") == ["Hold it"]
    assert titles(end_user=str(bob.pk)) == ["A note"]
    assert titles(age="3") == ["Hold it"]
    assert titles(q="77001") == ["A note"]
    assert titles(q="alice@shop") == ["Hold it"]
    assert titles(q="Bob Coff") == ["A note"]
    assert titles(status="denied") == ["Refused"]
    assert sorted(titles(status="all")) == ["A note", "Hold it", "Refused"]
    assert titles(action_type="hold", end_user="not-an-id", age="99") == ["Hold it"]  # bad values are ignored


def test_queue_never_shows_another_org(other_tenant, staff):
    ActionRequestFactory(order=OrderFactory(end_user=other_tenant.end_user()), title="Foreign request")
    assert "Foreign request" not in staff.get(QUEUE, {"status": "all"}).content.decode()


def test_detail_shows_order_and_address_side_by_side(tenant, staff):
    # given
    order = OrderFactory(end_user=tenant.end_user(), order_number="5001")
    ShipmentFactory(order=order, tracking_number="1ZTRACK")
    request = ActionRequestFactory(
        order=order,
        action_type="address_change",
        title="Update shipping address",
        requested_changes={"address": {"street": "456 New Street", "city": "San Francisco", "zip": "94102"}},
    )
    # when
    response = staff.get(f"{QUEUE}{request.pk}/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Order #5001" in html and "Widget" in html and "1ZTRACK" in html
    rows = {r["label"]: (r["old"], r["new"], r["changed"]) for r in response.context["address_rows"]}
    assert rows["Street"] == ("123 Main St", "456 New Street", True)
    assert rows["City"] == ("Anytown", "San Francisco", True)
    assert rows["Postal code"] == ("90210", "94102", True)
    assert 'id="address-change"' in html


def test_detail_of_another_orgs_request_is_404(other_tenant, staff):
    request = ActionRequestFactory(order=OrderFactory(end_user=other_tenant.end_user()))
    assert staff.get(f"{QUEUE}{request.pk}/").status_code == 404
    assert staff.post(f"{QUEUE}{request.pk}/resolve/", {"decision": "approved"}).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_approve_with_a_note(tenant, staff):
    # given
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    # when
    response = staff.post(f"{QUEUE}{request.pk}/resolve/", {"decision": "approved", "note": "Refund issued"})
    # then staff land on the request, where its operation's outcome shows
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}{request.pk}/"
    request.refresh_from_db()
    assert (request.status, request.resolution_note, request.resolved_by_id) == (
        "approved",
        "Refund issued",
        tenant.user.pk,
    )
    assert Event.objects.filter(event_type="action_request.resolved").count() == 1


def test_a_stale_page_says_who_resolved_it(tenant, staff):
    # given: a colleague approved it after this page was loaded
    colleague = MembershipFactory(organization=tenant.organization).user
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    from actions.services import action_request_resolve

    action_request_resolve(
        request_id=request.pk, organization=tenant.organization, status="approved", note=None, actor=colleague
    )
    # when
    response = staff.post(f"{QUEUE}{request.pk}/resolve/", {"decision": "denied"}, follow=True)
    # then
    html = response.content.decode()
    assert f"Already approved by {colleague.email}." in html
    request.refresh_from_db()
    assert request.status == "approved"


def test_resolve_needs_csrf(tenant):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tenant.user)
    assert browser.post(f"{QUEUE}{request.pk}/resolve/", {"decision": "approved"}).status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"


def test_note_too_long_is_refused(tenant, staff):
    request = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    response = staff.post(f"{QUEUE}{request.pk}/resolve/", {"decision": "approved", "note": "n" * 2001})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    request.refresh_from_db()
    assert request.status == "pending"


def test_admin_action_resolves_through_the_service(tenant):
    # given
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    browser = Client()
    browser.force_login(admin_user)
    pending = ActionRequestFactory(order=OrderFactory(end_user=tenant.end_user()))
    settled = ActionRequestFactory(order=pending.order, status="denied")
    # when
    response = browser.post(
        "/admin/actions/actionrequest/",
        {"action": "approve", "_selected_action": [str(pending.pk), str(settled.pk)]},
        follow=True,
    )
    # then
    assert response.status_code == 200
    pending.refresh_from_db()
    settled.refresh_from_db()
    assert (pending.status, pending.resolved_by_id) == ("approved", admin_user.pk)
    assert settled.status == "denied"
    assert Event.objects.filter(event_type="action_request.resolved").count() == 1
    assert (
        browser.get(
            "/admin/actions/actionrequest/?status__exact=pending&action_type__exact=cancel"
        ).status_code
        == 200
    )


def test_demo_seed_is_idempotent(tenant):
    import io

    from actions import demo

    # no orders yet: nothing, quietly
    demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    assert not ActionRequest.objects.exists()
    OrderFactory.create_batch(3, end_user=tenant.end_user())
    demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    demo.seed(organization=tenant.organization, user=tenant.user, stdout=io.StringIO())
    # every type twice, except those changing the order's status or address: one per open order
    # (3 here), so that approving any demo request can succeed
    assert ActionRequest.objects.count() == 9
    assert set(ActionRequest.objects.values_list("action_type", flat=True)) == {
        "cancel",
        "hold",
        "expedite",
        "address_change",
        "note",
        "other",
    }


def test_queue_page_query_count_is_flat_in_rows(tenant, staff):
    """Each row's columns come with the page's one query (a deferred column read per row was an N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = OrderFactory(end_user=tenant.end_user())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(QUEUE).status_code == 200
        return len(captured.captured_queries)

    ActionRequestFactory.create_batch(2, order=order)
    few = queries()
    ActionRequestFactory.create_batch(12, order=order)
    assert queries() == few
