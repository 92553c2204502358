"""The one dashboard pager: every list pages with it, its links keep the filters, it is accessible."""

import pytest

from operations.models import Operation
from orderly.dashboard.pagination import DASHBOARD_PAGE_SIZE
from orderly.events.services import event_record
from tests.actions.factories import ActionRequestFactory
from tests.factories import EndUserFactory, OrderFactory, ShipmentFactory
from tracking.services import tracking_page_create
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db


def test_pager_says_where_it_is_and_keeps_the_filters(staff, tenant):
    # given more cancelled orders than a page holds, and orders the filter leaves out
    end_user = tenant.end_user()
    OrderFactory.create_batch(DASHBOARD_PAGE_SIZE + 3, end_user=end_user, status="cancelled")
    OrderFactory.create_batch(2, end_user=end_user, status="pending")

    # when
    first = staff.get("/dashboard/orders/", {"status": "cancelled", "search": ""})
    second = staff.get("/dashboard/orders/", {"status": "cancelled", "page": "2"})

    # then the first page links to the second with the filter kept (and the empty one dropped)
    html = first.content.decode()
    assert '<nav class="pager" aria-label="Pages">' in html
    assert f'aria-current="page">Page 1 of 2 · {DASHBOARD_PAGE_SIZE + 3} in all<' in html
    assert 'href="?status=cancelled&amp;page=2">Next' in html
    assert "Previous" not in html
    assert len(first.context["page"].object_list) == DASHBOARD_PAGE_SIZE
    # and the second page holds the rest, with a way back and none forward
    html = second.content.decode()
    assert "Page 2 of 2" in html
    assert 'href="?status=cancelled&amp;page=1">← Previous' in html
    assert 'rel="next"' not in html
    assert len(second.context["page"].object_list) == 3
    assert {o.status for o in second.context["page"].object_list} == {"cancelled"}


def test_a_page_past_the_end_or_not_a_number_shows_the_nearest_page(staff, tenant):
    OrderFactory.create_batch(3, end_user=tenant.end_user())
    assert staff.get("/dashboard/orders/", {"page": "9"}).context["page"].number == 1
    assert staff.get("/dashboard/orders/", {"page": "x"}).context["page"].number == 1


def test_every_dashboard_list_uses_the_one_pager(staff, tenant, httpserver):
    # given one row in each of the seven lists
    end_user = EndUserFactory(organization=tenant.organization)
    order = OrderFactory(end_user=end_user)
    ActionRequestFactory(order=order)
    Operation.objects.create(organization=tenant.organization, order=order, type="hold_order", input={})
    tracking_page_create(end_user=end_user, shipment_id=ShipmentFactory(order=order).pk)
    webhook, _ = webhook_create(
        organization=tenant.organization, end_user=None, url=httpserver.url_for("/h"), events=["order.created"]
    )
    event_record(organization=tenant.organization, event_type="order.created", data={"id": str(order.pk)})
    lists = [
        "/dashboard/orders/",
        "/dashboard/requests/",
        "/dashboard/embed/end-users/",
        "/dashboard/embed/events/",
        "/dashboard/operations/",
        "/dashboard/tracking/",
        f"/dashboard/webhooks/{webhook.pk}/",
    ]

    for url in lists:
        # when
        response = staff.get(url, {"page": "1"})
        # then
        assert response.status_code == 200, url
        page = response.context["page"]
        assert page.paginator.per_page == DASHBOARD_PAGE_SIZE, url
        assert len(page.object_list) >= 1, url
        assert "dashboard/_pager.html" in [t.name for t in response.templates], url
        assert response.content.decode().count('<nav class="pager"') == 1, url
