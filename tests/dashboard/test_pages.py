"""Dashboard pages through Django's test client: content, API keys shown once, organization isolation."""

import pytest
from django.test import Client

from embed.models import EmbedConfig
from orderly.accounts.models import ApiKey
from orderly.events.services import event_record
from tests.factories import BridgeFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client):
    for url in ("/dashboard/", "/dashboard/embed/end-users/", "/dashboard/api-keys/", "/dashboard/tracking/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/dashboard/login/")


def test_login_logout_and_password_change(tenant):
    browser = Client()
    assert (
        browser.post("/dashboard/login/", {"username": tenant.user.username, "password": "wrong"}).status_code
        == 200
    )
    response = browser.post(
        "/dashboard/login/", {"username": tenant.user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    response = browser.post(
        "/dashboard/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a much better one 42",
            "new_password2": "a much better one 42",
        },
    )
    assert response.status_code == 302
    browser.post("/dashboard/logout/")
    assert browser.get("/dashboard/").status_code == 302
    assert Client().login(username=tenant.user.username, password="a much better one 42")


def test_overview_shows_real_numbers(staff, tenant):
    OrderFactory.create_batch(3, end_user=tenant.end_user())
    html = staff.get("/dashboard/").content.decode()
    assert "Pending requests" in html
    assert "Orders per day" in html
    assert '<div class="stat-value">3</div><div class="stat-label">Orders</div>' in html


def test_end_users_search_and_detail(staff, tenant):
    alice = tenant.end_user(name="Alice Outdoor", email="alice@example.com")
    tenant.end_user(name="Bob Bikes")
    BridgeFactory(end_user=alice, name="Alice Shopify")
    tenant.session(alice)

    html = staff.get("/dashboard/embed/end-users/?q=alice").content.decode()
    assert "Alice Outdoor" in html and "Bob Bikes" not in html

    detail = staff.get(f"/dashboard/embed/end-users/{alice.pk}/").content.decode()
    assert "Alice Shopify" in detail
    assert "active" in detail


def test_events_filter(staff, tenant):
    event_record(organization=tenant.organization, event_type="bridge.created")
    event_record(organization=tenant.organization, event_type="session.created")
    html = staff.get("/dashboard/embed/events/?event_type=bridge.created").content.decode()
    assert "<code>bridge.created</code>" in html and "<code>session.created</code>" not in html


def test_config_editor_saves_through_the_api_rules(staff, tenant):
    form = {
        "slug": "acme-new",
        "company_name": "Acme",
        "primary_color": "#059669",
        "logo_url": "",
        "allowed_origins": "https://app.acme.example",
        "enabled_features": ["bridges", "data_room"],
        "allowed_bridge_types": ["shopify"],
        "is_active": "on",
    }
    assert staff.post("/dashboard/embed/config/", form).status_code == 302
    config = EmbedConfig.objects.get(organization=tenant.organization)
    assert config.slug == "acme-new"
    assert config.allowed_origins == ["https://app.acme.example"]
    assert config.branding["primary_color"] == "#059669"

    bad = staff.post("/dashboard/embed/config/", {**form, "allowed_origins": "https://x.example/path"})
    assert bad.status_code == 200
    assert "an origin like https://app.example.com" in bad.content.decode()


def test_api_key_is_shown_once_then_only_its_prefix(staff, tenant):
    response = staff.post("/dashboard/api-keys/", {"name": "ci", "scopes": ["orders:read"]})
    html = response.content.decode()
    key = ApiKey.objects.get(name="ci")
    token = html.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("oh_") and token.startswith(key.prefix)
    assert response["Cache-Control"] == "no-store"

    later = staff.get("/dashboard/api-keys/").content.decode()
    assert token not in later and key.prefix in later

    assert staff.post(f"/dashboard/api-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_staff_never_see_another_organization(staff, tenant, other_tenant):
    theirs = other_tenant.end_user(name="Their Merchant")
    event_record(organization=other_tenant.organization, event_type="secret.thing")
    _key = other_tenant.api_key()
    their_key = ApiKey.objects.get(organization=other_tenant.organization)

    assert staff.get(f"/dashboard/embed/end-users/{theirs.pk}/").status_code == 404
    assert "Their Merchant" not in staff.get("/dashboard/embed/end-users/").content.decode()
    assert "secret.thing" not in staff.get("/dashboard/embed/events/").content.decode()
    assert their_key.prefix not in staff.get("/dashboard/api-keys/").content.decode()
    assert staff.post(f"/dashboard/api-keys/{their_key.pk}/revoke/").status_code == 404
    their_key.refresh_from_db()
    assert their_key.revoked_at is None
