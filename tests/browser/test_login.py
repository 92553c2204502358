import pytest

pytestmark = pytest.mark.browser


def test_staff_logs_in_and_sees_overview(page, live_server, tenant, staff_login, screenshot):
    staff_login(page, tenant.user)
    assert page.locator("h1").inner_text() == "Overview"
    assert tenant.organization.name in page.locator(".topbar").inner_text()
    screenshot(page, "dashboard-overview")


def test_wrong_password_is_refused(page, live_server, tenant):
    page.goto(f"{live_server.url}/dashboard/login/")
    page.fill("#id_username", tenant.user.username)
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "/dashboard/login/" in page.url
    assert page.locator("[role=alert]").is_visible()
