"""Ops staff work the review queue in a real headless Chromium."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import ActionRequest
from tests.actions.factories import ActionRequestFactory
from tests.factories import EndUserFactory, OrderFactory, ShipmentFactory

pytestmark = pytest.mark.browser


def test_staff_approves_a_request_and_it_leaves_the_queue(page, live_server, tenant, staff_login, screenshot):
    # given
    merchant = EndUserFactory(
        organization=tenant.organization, name="Acme Outdoor Co.", email="ops@acme.example"
    )
    order = OrderFactory(end_user=merchant, order_number="10042")
    ShipmentFactory(order=order)
    cancel = ActionRequestFactory(
        order=order, title="Please cancel this order", description="Wrong size ordered"
    )
    ActionRequest.objects.filter(pk=cancel.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    ActionRequestFactory(
        order=OrderFactory(end_user=merchant, order_number="10043"),
        action_type="address_change",
        title="Update shipping address",
        requested_changes={"address": {"street": "456 New Street", "city": "San Francisco", "zip": "94102"}},
    )
    staff_login(page, tenant.user)

    # when: open the queue from the navigation, then the oldest request
    page.click("nav.sidebar >> text=Review queue")
    page.wait_for_url(f"{live_server.url}/dashboard/requests/")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 2
    assert "Please cancel this order" in rows.nth(0).inner_text()  # oldest first
    screenshot(page, "review-queue")
    page.click("text=Please cancel this order")
    assert "Order #10042" in page.locator("main").inner_text()
    page.fill("#id_note", "Order cancelled, refund initiated")
    page.click("#resolve-form button[value=approved]")
    page.wait_for_url(f"{live_server.url}/dashboard/requests/{cancel.pk}/")

    # then the request page says it was approved and shows what its operation did
    assert "approved" in page.locator(".messages").inner_text()
    page.locator("#operation-outcome:not([data-refresh])").wait_for()
    assert "Cancel order" in page.locator("#operation-outcome").inner_text()
    assert "Done: the order was changed as requested." in page.locator("#operation-outcome").inner_text()
    screenshot(page, "review-request-approved")
    page.click("text=← Review queue")
    remaining = page.locator("#queue tbody tr")
    assert remaining.count() == 1
    assert "Please cancel this order" not in page.locator("#queue").inner_text()
    cancel.refresh_from_db()
    assert (cancel.status, cancel.resolution_note, cancel.resolved_by_id) == (
        "approved",
        "Order cancelled, refund initiated",
        tenant.user.pk,
    )
    screenshot(page, "review-queue-after-approval")

    page.click("text=Update shipping address")
    assert page.locator("#address-change").is_visible()
    assert "456 New Street" in page.locator("#address-change").inner_text()
    screenshot(page, "review-request-address-change")
