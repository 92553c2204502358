"""The orders search (`search=`): an order number or external id containing the term, any case.

Its index condition is only the term's tail from the first digit (`orders.filters.search_anchor`:
the letters ids share are in every row); these tests show the answer is still the term's."""

import pytest

from tests.conftest import bearer
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders"


@pytest.fixture
def orders(tenant):
    end_user = tenant.end_user()
    made = {}
    for external_id, number in [
        ("ext_51234", "1001"),
        ("EXT_512345", "1002"),
        ("abc_51234", "1003"),  # same tail, another prefix
        ("extx51234", "1004"),  # `_` read as a LIKE wildcard would match it
        ("ext_5123", "1005"),  # the prefix and part of the tail
        ("shop-9", "851234"),  # the tail in the order number, not the prefix
        ("gid://shopify/Order/777", "1007"),
    ]:
        made[external_id] = OrderFactory(end_user=end_user, external_id=external_id, order_number=number)
    return {"key": tenant.api_key("orders:read"), "made": made}


def _found(client, orders, term) -> set[str]:
    body = client.get(ORDERS, {"search": term, "limit": 100}, **bearer(orders["key"])).json()
    by_id = {str(o.pk): name for name, o in orders["made"].items()}
    return {by_id[o["id"]] for o in body["data"]}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ext_51234", {"ext_51234", "EXT_512345"}),
        ("Ext_5123", {"ext_51234", "EXT_512345", "ext_5123"}),
        ("51234", {"ext_51234", "EXT_512345", "abc_51234", "extx51234", "shop-9"}),
        ("xt_51", {"ext_51234", "EXT_512345", "ext_5123"}),
        ("Order/777", {"gid://shopify/Order/777"}),
        ("abc", {"abc_51234"}),
        ("%", set()),
        ("t_5", {"ext_51234", "EXT_512345", "ext_5123"}),
    ],
)
def test_a_search_finds_exactly_what_contains_the_term(client, orders, term, expected):
    assert _found(client, orders, term) == expected


def test_the_dashboard_search_is_the_same(client, orders, tenant):
    client.force_login(tenant.user)
    page = client.get("/dashboard/orders/", {"search": "ext_51234"}).context["page"]
    assert {o.external_id for o in page.object_list} == {"ext_51234", "EXT_512345"}
