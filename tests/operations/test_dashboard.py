import pytest
from django.test import Client

from operations.models import Operation
from tests.factories import OrderFactory


@pytest.fixture
def staff(tenant):
    browser = Client()
    browser.force_login(tenant.user)
    return browser


def completed_status_operation(tenant, order):
    return Operation.objects.create(
        organization=tenant.organization,
        order=order,
        type="update_order_status",
        status="completed",
        input={"status": "processing"},
        output={"from": "pending", "to": "processing"},
        undo_data={"previous_status": "pending"},
        logs=[{"at": "2026-01-01T00:00:00.000Z", "message": "Completed."}],
    )


def test_list_filters_and_badges(staff, tenant, other_tenant):
    # given
    order = OrderFactory(end_user=tenant.end_user(), status="processing")
    mine = completed_status_operation(tenant, order)
    Operation.objects.create(organization=tenant.organization, order=order, type="hold_order", input={})
    foreign = Operation.objects.create(organization=other_tenant.organization, type="hold_order", input={})
    # when
    page = staff.get("/dashboard/operations/?status=completed")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert str(mine.pk) in html and "badge badge-completed" in html
    assert "hold_order</a>" not in html and str(foreign.pk) not in html
    assert "not valid" in staff.get("/dashboard/operations/?status=bogus").content.decode()
    assert staff.get(f"/dashboard/operations/{foreign.pk}/").status_code == 404


def test_detail_and_undo_through_the_dashboard(staff, tenant):
    # given
    order = OrderFactory(end_user=tenant.end_user(), status="processing")
    operation = completed_status_operation(tenant, order)
    # when
    detail = staff.get(f"/dashboard/operations/{operation.pk}/")
    response = staff.post(f"/dashboard/operations/{operation.pk}/undo/", follow=True)
    # then
    assert "Undo" in detail.content.decode() and "csrfmiddlewaretoken" in detail.content.decode()
    assert "was undone" in response.content.decode()
    order.refresh_from_db()
    operation.refresh_from_db()
    assert (
        order.status == "pending"
        and operation.status == "undone"
        and operation.undone_by_id == tenant.user.pk
    )


def test_dashboard_undo_shows_the_conflict(staff, tenant):
    # given
    order = OrderFactory(end_user=tenant.end_user(), status="shipped")
    operation = completed_status_operation(tenant, order)
    # when
    response = staff.post(f"/dashboard/operations/{operation.pk}/undo/", follow=True)
    # then
    assert "Undo refused" in response.content.decode() and "shipped" in response.content.decode()
    operation.refresh_from_db()
    assert operation.status == "completed"


def test_dashboard_requires_login(client):
    assert Client().get("/dashboard/operations/").status_code == 302
