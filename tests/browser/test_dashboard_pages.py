"""Each dashboard page in a real headless Chromium, asserting what a staff member sees."""

import pytest

from orderly.events.services import event_record
from tests.factories import BridgeFactory, OrderFactory, ShipmentFactory
from tracking.services import tracking_page_create

pytestmark = pytest.mark.browser


@pytest.fixture
def data(tenant):
    alice = tenant.end_user(name="Alice Outdoor", email="alice@example.com")
    BridgeFactory(end_user=alice, name="Alice Shopify", type="shopify")
    OrderFactory.create_batch(3, end_user=alice)
    shipment = ShipmentFactory(order__end_user=alice)
    tracking_page_create(end_user=alice, shipment_id=shipment.id)
    event_record(organization=tenant.organization, event_type="bridge.created", end_user=alice)
    return {"alice": alice}


def test_overview_end_users_events_and_tracking(page, live_server, tenant, data, staff_login, screenshot):
    staff_login(page, tenant.user)
    assert page.locator(".stat-label", has_text="Orders").count() == 1
    screenshot(page, "dashboard-overview-data")

    page.click("nav.sidebar >> text=End users")
    page.fill("input[name=q]", "alice")
    page.click("button:has-text('Search')")
    page.click("#end-users >> text=Alice Outdoor")
    assert "Alice Shopify" in page.locator("#bridges").inner_text()
    screenshot(page, "dashboard-end-user")

    page.click("nav.sidebar >> text=Events")
    page.select_option("select[name=event_type]", "bridge.created")
    page.click("button:has-text('Filter')")
    assert page.locator("#events tbody tr").count() == 1
    screenshot(page, "dashboard-events")

    page.click("nav.sidebar >> text=Tracking pages")
    assert page.locator("#tracking-pages tbody tr").count() == 1
    screenshot(page, "dashboard-tracking-pages")


def test_config_editor_live_preview_and_save(page, live_server, tenant, staff_login, screenshot):
    staff_login(page, tenant.user)
    page.click("nav.sidebar >> text=Embed config")
    page.fill("#id_company_name", "Northwind Logistics")
    preview = page.frame_locator("iframe.preview-tracking")
    preview.locator("header.brand .name", has_text="Northwind Logistics").wait_for()
    page.click("button:has-text('Save')")
    assert "Embed configuration saved." in page.locator(".messages").inner_text()
    assert page.input_value("#id_company_name") == "Northwind Logistics"
    screenshot(page, "dashboard-config")


def test_api_key_created_once_and_revoked(page, live_server, tenant, staff_login, screenshot):
    staff_login(page, tenant.user)
    page.click("nav.sidebar >> text=API keys")
    page.fill("#id_name", "warehouse sync")
    page.check("input[value='orders:read']")
    page.click("button:has-text('Create key')")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("oh_")
    screenshot(page, "dashboard-api-key-created")

    page.goto(f"{live_server.url}/dashboard/api-keys/")
    assert page.locator("#new-token").count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#api-keys >> text=Revoke")
    assert "Revoked" in page.locator("#api-keys").inner_text()
    screenshot(page, "dashboard-api-keys")
