import pytest

from tests.conftest import bearer
from tests.factories import OrderFactory

BASE = "/api/v1/embed/action-requests"


class EndUserClient:
    """One end user with an order and a session, and helpers to call the endpoints as them."""

    def __init__(self, tenant, client, *scopes):
        self.tenant = tenant
        self.end_user = tenant.end_user()
        self.order = OrderFactory(end_user=self.end_user)
        self.token = tenant.session(self.end_user, *scopes)
        self.client = client

    def create(self, **body):
        payload = {"orderId": str(self.order.pk), "actionType": "cancel", "title": "Please cancel this order"}
        payload.update(body)
        return self.client.post(BASE, payload, format="json", **bearer(self.token))

    def get(self, path="", **params):
        return self.client.get(BASE + path, params, **bearer(self.token))

    def delete(self, pk):
        return self.client.delete(f"{BASE}/{pk}", **bearer(self.token))


@pytest.fixture
def shopper(tenant, client):
    return EndUserClient(tenant, client)


@pytest.fixture
def manage_key(tenant):
    return tenant.api_key("embed:manage")
