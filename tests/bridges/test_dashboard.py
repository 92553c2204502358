"""The end user's dashboard page shows each bridge's sync runs, and "Sync now" starts one."""

import pytest
from django.test import Client

from bridges.models import SyncRun
from tests.factories import BridgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tenant):
    browser = Client()
    browser.force_login(tenant.user)
    return browser


def test_the_end_user_page_shows_runs_with_their_errors_and_sync_now_starts_one(staff, tenant):
    # given a bridge with a finished run that skipped an order
    owner = tenant.end_user()
    bridge = BridgeFactory(end_user=owner, name="Corner shop")
    SyncRun.objects.create(
        organization=tenant.organization,
        bridge=bridge,
        end_user=owner,
        trigger="schedule",
        status="succeeded",
        orders_created=7,
        orders_skipped=1,
        errors=[{"externalId": "store-9", "errors": {}, "message": "orderNumber: This field is required."}],
        error_message="1 order(s) skipped. store-9: orderNumber: This field is required.",
    )
    page = f"/dashboard/embed/end-users/{owner.pk}/"

    # when staff open the end user's page
    html = staff.get(page).content.decode()

    # then the run, its counts and the skipped order's error show
    assert f'id="sync-runs-{bridge.pk}"' in html
    assert "Corner shop" in html and "Succeeded" in html and '<td class="num">7</td>' in html
    assert "store-9" in html and "orderNumber: This field is required." in html

    # when they press "Sync now", twice
    first = staff.post(f"/dashboard/bridges/{bridge.pk}/sync/")
    second = staff.post(f"/dashboard/bridges/{bridge.pk}/sync/", follow=True)

    # then one manual run is queued, and the page says so
    assert first.status_code == 302 and first["Location"] == page
    assert SyncRun.objects.filter(bridge=bridge, trigger="manual", status="queued").count() == 1
    assert "is already syncing" in second.content.decode()


def test_sync_now_is_404_for_another_organizations_bridge(staff, other_tenant):
    bridge = BridgeFactory(end_user=other_tenant.end_user())
    assert staff.post(f"/dashboard/bridges/{bridge.pk}/sync/").status_code == 404
    assert not SyncRun.objects.exists()


def test_sync_now_needs_a_login(tenant):
    bridge = BridgeFactory(end_user=tenant.end_user())
    response = Client().post(f"/dashboard/bridges/{bridge.pk}/sync/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not SyncRun.objects.exists()
