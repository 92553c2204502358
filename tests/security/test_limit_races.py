"""Counted limits hold under concurrent creates (issue 13, item 2): PostgreSQL, real threads.

Each test fires more creates than the limit at the same instant, every one on its own thread and
database connection, through the API, and checks that exactly the limit succeeded, every other
request got `limit_exceeded`, and exactly the limit's rows exist.
"""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from alerts.models import AlertRule
from bridges.models import Bridge
from embed.models import EmbedConfig
from tests.concurrency import run_together
from tests.conftest import bearer
from webhooks.models import Webhook

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="row locks and concurrent writers need PostgreSQL"),
]

RECEIVER = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _offline(settings):
    # A new bridge starts its first sync after commit (eagerly here): against the discard port, and
    # with no retries, it fails at once instead of waiting out the retry schedule.
    settings.ORDERLY_BRIDGE_SERVICE_URL = "http://127.0.0.1:9/{type}"
    settings.ORDERLY_BRIDGE_SYNC_RETRIES = 0


def _race(count: int, path: str, body: dict, token: str) -> list[tuple[int, str | None]]:
    def create():
        response = APIClient().post(path, body, format="json", **bearer(token))
        return response.status_code, response.json().get("error", {}).get("code")

    return run_together(*(create for _ in range(count)))


def _assert_exactly(results, limit: int, created_status: int = 201) -> None:
    assert sorted(results, key=str) == sorted(
        [(created_status, None)] * limit + [(409, "limit_exceeded")] * (len(results) - limit), key=str
    ), results


def test_end_user_webhooks_stop_at_five(tenant):
    # given an end user's session
    end_user = tenant.end_user()
    token = tenant.session(end_user, "webhooks:read", "webhooks:write")

    # when 20 creates race
    results = _race(20, "/api/v1/embed/webhooks", {"url": RECEIVER, "events": ["order.created"]}, token)

    # then exactly five were created
    _assert_exactly(results, settings.ORDERLY_WEBHOOKS_PER_END_USER)
    assert Webhook.objects.filter(end_user=end_user, for_alert_rule=False).count() == 5


def test_organization_webhooks_stop_at_twenty(tenant):
    token = tenant.api_key("embed:manage")

    results = _race(30, "/api/v1/webhooks", {"url": RECEIVER, "events": ["order.created"]}, token)

    _assert_exactly(results, settings.ORDERLY_WEBHOOKS_PER_ORGANIZATION)
    assert Webhook.objects.filter(organization=tenant.organization, end_user=None).count() == 20


def test_alert_rules_stop_at_twenty(tenant):
    end_user = tenant.end_user()
    token = tenant.session(end_user, "alerts:read", "alerts:write")
    body = {"name": "Exceptions", "eventType": "shipment.exception", "condition": {}}

    results = _race(30, "/api/v1/embed/alerts/rules", body, token)

    _assert_exactly(results, 20)
    assert AlertRule.objects.filter(end_user=end_user).count() == 20


def test_bridges_stop_at_the_configured_maximum(tenant):
    EmbedConfig.objects.filter(pk=tenant.config.pk).update(settings={"maxBridgesPerUser": 3})
    end_user = tenant.end_user()
    token = tenant.session(end_user, "bridges:read", "bridges:write")
    body = {"type": "shipstation", "name": "Main", "config": {"apiKey": "k-123456", "apiSecret": "s-123456"}}

    results = _race(12, "/api/v1/embed/bridges", body, token)

    _assert_exactly(results, 3)
    assert Bridge.objects.filter(end_user=end_user).count() == 3


def test_one_owner_at_its_limit_does_not_block_another(tenant):
    # given one end user at the limit, and another with none
    full, empty = tenant.end_user(), tenant.end_user()
    full_token = tenant.session(full, "webhooks:read", "webhooks:write")
    empty_token = tenant.session(empty, "webhooks:read", "webhooks:write")
    for _ in range(5):
        _race(1, "/api/v1/embed/webhooks", {"url": RECEIVER, "events": ["order.created"]}, full_token)

    # when both create at once
    body = {"url": RECEIVER, "events": ["order.created"]}
    refused, created = run_together(
        lambda: (
            APIClient().post("/api/v1/embed/webhooks", body, format="json", **bearer(full_token)).status_code
        ),
        lambda: (
            APIClient().post("/api/v1/embed/webhooks", body, format="json", **bearer(empty_token)).status_code
        ),
    )

    # then the lock is per owner
    assert (refused, created) == (409, 201)
