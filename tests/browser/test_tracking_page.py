"""The public tracking page as a customer sees it on a phone, in a real headless Chromium."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import CheckpointFactory, ShipmentFactory
from tracking.services import tracking_page_create, tracking_page_revoke

pytestmark = pytest.mark.browser


@pytest.fixture
def tracking_page(tenant):
    end_user = tenant.end_user()
    shipment = ShipmentFactory(
        order__end_user=end_user, status="out_for_delivery", tracking_number="1ZPHONE0001"
    )
    now = timezone.now()
    CheckpointFactory(
        shipment=shipment,
        status="picked_up",
        status_detail="Picked up by carrier",
        location="Los Angeles, CA",
        checkpoint_time=now - dt.timedelta(days=2),
    )
    CheckpointFactory(
        shipment=shipment,
        status="out_for_delivery",
        status_detail="Out for delivery",
        location="New York, NY",
        checkpoint_time=now - dt.timedelta(hours=1),
    )
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    return page


def test_customer_sees_the_journey_on_a_phone(chromium, live_server, tracking_page, screenshot):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, timezone_id="America/New_York"
    )
    page = context.new_page()

    page.goto(f"{live_server.url}/t/{tracking_page.token}")

    assert page.locator("header.brand .name").inner_text().strip() == "Acme Fulfillment"
    assert page.locator("h1").inner_text().startswith("Arriving ")
    assert page.locator(".status-line").inner_text() == "Out for delivery"
    assert page.locator("#tracking-number").inner_text() == "1ZPHONE0001"
    entries = page.locator("ol.timeline li .what").all_inner_texts()
    assert entries == ["Out for delivery", "Picked up by carrier"]  # newest first
    assert "UTC" not in page.locator("ol.timeline time").first.inner_text()  # shown in local time
    assert page.locator("[aria-current=step]").inner_text() == "Out for delivery"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    screenshot(page, "tracking-page-phone")
    context.close()


def test_revoked_link_shows_a_clear_page(page, live_server, tracking_page, screenshot):
    tracking_page_revoke(end_user=tracking_page.end_user, page_id=tracking_page.id)
    response = page.goto(f"{live_server.url}/t/{tracking_page.token}")
    assert response.status == 410
    assert "no longer available" in page.locator("h1").inner_text()
    screenshot(page, "tracking-page-revoked")
