"""The orders search (`search=`): an order number or external id containing the term, any case.

Its index condition is only the term's tail from the first digit (`orders.filters.search_anchor`:
the letters ids share are in every row); these tests show the answer is still the term's."""

import pytest

from orders.filters import search_anchor
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
        ("ext_999999", "1008"),  # a tail of one repeated trigram
        ("abc999999", "1009"),
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
        ("abc", {"abc_51234", "abc999999"}),
        ("%", set()),
        ("t_5", {"ext_51234", "EXT_512345", "ext_5123"}),
        ("ext_999999", {"ext_999999"}),
        ("_999999", {"ext_999999"}),
        ("999999", {"ext_999999", "abc999999"}),
        ("C999", {"abc999999"}),
    ],
)
def test_a_search_finds_exactly_what_contains_the_term(client, orders, term, expected):
    assert _found(client, orders, term) == expected


@pytest.mark.parametrize(
    ("term", "anchor"),
    [
        ("ext_51234", "51234"),  # the shared prefix left to the recheck
        ("gid://shopify/Order/51234", "51234"),
        ("ext_999999", "_999999"),  # one repeated trigram: from the prefix's last character
        ("Order/777", "/777"),
        ("1001", "1001"),
        ("ext", "ext"),  # no digit: the whole term
        ("t_5", "t_5"),  # too short a tail: the whole term
    ],
)
def test_the_index_is_asked_for_the_tail_from_the_first_digit(term, anchor):
    assert search_anchor(term) == anchor


def test_the_dashboard_search_is_the_same(client, orders, tenant):
    client.force_login(tenant.user)
    page = client.get("/dashboard/orders/", {"search": "ext_51234"}).context["page"]
    assert {o.external_id for o in page.object_list} == {"ext_51234", "EXT_512345"}
