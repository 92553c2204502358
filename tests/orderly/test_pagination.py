"""The paginator's bounded counts and deep pages: what a client sees stays right as lists grow."""

import pytest
from django.test import Client

from orderly.api import pagination
from tests.conftest import bearer
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/embed/orders"


@pytest.fixture
def merchant(tenant):
    end_user = tenant.end_user()
    orders = [OrderFactory(end_user=end_user, order_number=str(5000 + n)) for n in range(12)]
    newest_first = [str(o.pk) for o in sorted(orders, key=lambda o: (o.created_at, o.pk), reverse=True)]
    return {"token": tenant.session(end_user), "ids": newest_first}


def _get(client, merchant, **params):
    response = client.get(ORDERS, params, **bearer(merchant["token"]))
    assert response.status_code == 200
    return response.json()


def test_total_is_exact_up_to_the_bound(client, merchant, settings):
    # given a bound the list fits in
    settings.ORDERLY_PAGINATION_EXACT_COUNT = 12
    # when
    body = _get(client, merchant, limit=5, page=3)
    # then
    assert body["pagination"] == {"page": 3, "limit": 5, "total": 12, "totalPages": 3, "hasMore": False}
    assert [o["id"] for o in body["data"]] == merchant["ids"][10:]


def test_past_the_bound_total_is_an_estimate_and_has_more_stays_exact(client, merchant, settings):
    # given a list longer than the bound
    settings.ORDERLY_PAGINATION_EXACT_COUNT = 4
    # when the first, a middle and the last page are read
    first = _get(client, merchant, limit=5)
    middle = _get(client, merchant, limit=5, page=2)
    last = _get(client, merchant, limit=5, page=3)
    # then the pages are right, `hasMore` is exact and `total` is never below what was shown
    assert [o["id"] for o in first["data"] + middle["data"] + last["data"]] == merchant["ids"]
    assert [first["pagination"]["hasMore"], middle["pagination"]["hasMore"], last["pagination"]["hasMore"]] == [
        True,
        True,
        False,
    ]
    assert first["pagination"]["total"] >= 5
    assert last["pagination"]["total"] >= 12
    assert last["pagination"]["totalPages"] >= 3
    # and a page past the end is empty
    assert _get(client, merchant, limit=5, page=9)["data"] == []


def test_a_page_past_the_bound_skips_the_count_and_answers_as_with_it(client, merchant, settings, monkeypatch):
    # given a bound below the offset of the third page
    settings.ORDERLY_PAGINATION_EXACT_COUNT = 9
    counted = []
    real_count = pagination.count_bounded
    monkeypatch.setattr(pagination, "count_bounded", lambda qs, **kw: counted.append(1) or real_count(qs, **kw))
    # when the third page (offset 10, rows on it) and a page past the end are read
    third = _get(client, merchant, limit=5, page=3)
    past = _get(client, merchant, limit=5, page=4)
    # then the third page is the list's, its total an estimate above the bound and what was shown,
    # read without counting; the empty page past the end counted, and says the list's end exactly
    assert [o["id"] for o in third["data"]] == merchant["ids"][10:]
    assert third["pagination"]["hasMore"] is False and third["pagination"]["total"] >= 12
    assert past["data"] == [] and past["pagination"]["total"] >= 12
    assert len(counted) == 1


@pytest.mark.parametrize("bound", [10_000, 4])
def test_a_page_no_database_could_reach_is_empty(client, merchant, settings, bound):
    # given a page whose offset is past a bigint, under a bound the list fits in or not
    settings.ORDERLY_PAGINATION_EXACT_COUNT = bound
    body = _get(client, merchant, limit=5, page=str(2**62))
    # then it is an empty page past the end, not a database error
    assert body["data"] == [] and body["pagination"]["hasMore"] is False


def test_a_deep_page_is_the_same_page_as_a_plain_offset(client, merchant, monkeypatch):
    # given every page counts as deep
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 0)
    # when each page is read
    pages = [_get(client, merchant, limit=5, page=n) for n in (1, 2, 3)]
    # then the rows and their order are the list's
    assert [o["id"] for page in pages for o in page["data"]] == merchant["ids"]
    assert [page["pagination"]["hasMore"] for page in pages] == [True, True, False]


def test_the_dashboard_says_about_when_the_count_is_an_estimate(tenant, settings):
    # given more orders than the bound
    settings.ORDERLY_PAGINATION_EXACT_COUNT = 3
    end_user = tenant.end_user()
    for n in range(30):
        OrderFactory(end_user=end_user, order_number=str(7000 + n))
    staff = Client()
    staff.force_login(tenant.user)
    # when the orders page is shown
    page = staff.get("/dashboard/orders/")
    # then the count is marked as approximate and the next page is offered and works
    html = page.content.decode()
    assert page.status_code == 200
    assert "about " in html and "page=2" in html
    second = staff.get("/dashboard/orders/", {"page": 2})
    assert second.status_code == 200 and len(second.context["page"].object_list) == 5
    assert second.context["page"].has_next() is False


@pytest.mark.parametrize("bound", [100, 4])
def test_a_search_pages_from_one_scan_with_the_same_pages_and_totals(client, tenant, settings, bound):
    # given 12 orders matching a search among others, and a bound the matches fit in or not
    settings.ORDERLY_PAGINATION_EXACT_COUNT = bound
    end_user = tenant.end_user()
    matching = [OrderFactory(end_user=end_user, order_number=f"SRCH-{n}") for n in range(12)]
    for n in range(5):
        OrderFactory(end_user=end_user, order_number=f"OTHER-{n}")
    expected = [str(o.pk) for o in sorted(matching, key=lambda o: (o.created_at, o.pk), reverse=True)]
    key = bearer(tenant.api_key("orders:read"))
    # when every page of the search is read
    pages = [
        client.get("/api/v1/orders", {"search": "srch", "limit": 5, "page": n}, **key).json() for n in (1, 2, 3, 4)
    ]
    # then the pages are the list's, `hasMore` exact, and the total exact within the bound
    assert [o["id"] for page in pages for o in page["data"]] == expected
    assert [page["pagination"]["hasMore"] for page in pages] == [True, True, False, False]
    if bound > 12:
        assert {page["pagination"]["total"] for page in pages} == {12}
    else:
        assert all(page["pagination"]["total"] > bound for page in pages)
    # and the staff page's search shows the same rows
    staff = Client()
    staff.force_login(tenant.user)
    shown = staff.get("/dashboard/orders/", {"search": "srch"}).context["page"]
    assert [str(o.pk) for o in shown.object_list] == expected[:12]
    assert shown.paginator.count == 12 if bound > 12 else shown.paginator.count > bound


@pytest.mark.parametrize("value", ["", " 5", "+5", "٥", "1.0", "0", "-1", "x"])
def test_page_and_limit_are_ascii_integers_of_at_least_one(client, merchant, value):
    # an empty or otherwise non-numeric value is a 400, as the schema's `integer, minimum 1` says
    for name in ("page", "limit"):
        response = client.get(ORDERS, {name: value}, **bearer(merchant["token"]))
        assert response.status_code == 400, (name, value)
        assert list(response.json()["error"]["details"]) == [name]
    # and a number is read as such
    assert _get(client, merchant, page="2", limit="5")["pagination"]["page"] == 2
