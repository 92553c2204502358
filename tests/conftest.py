"""Shared fixtures. Tenants, credentials and clients; apps add their own in their test folders."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from orderly.accounts.models import API_KEY_SCOPES, EmbedSession
from orderly.accounts.services import api_key_create
from orderly.api.tokens import SESSION_PREFIX, token_digest, token_generate
from orderly.celery import app as celery_app
from orderly.features import SESSION_SCOPES
from tests.factories import EmbedConfigFactory, EndUserFactory, MembershipFactory

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def _cache_reachable(request, settings) -> bool:
    """Without REDIS_URL the cache is a database table (orderly/cache.py): only a test that may use
    the database can reach it, once pytest-django has set the database up for it."""
    if not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        return True
    if request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")  # the test's own db/transactional_db, set up now
        return True
    return False


@pytest.fixture(autouse=True)
def _isolation(settings, request):
    """Eager Celery (tests that need a real worker opt out) and a clean cache for throttles."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = True
    clear = _cache_reachable(request, settings)
    if clear:
        cache.clear()
    yield
    if clear:
        cache.clear()


@pytest.fixture(autouse=True)
def _delivered_payloads_match_the_catalog(monkeypatch):
    """Every webhook body the suite sends must match its topic's schema in the event catalogue."""
    from tests.catalog_check import catalog_violations
    from webhooks import delivery

    violations = []
    send = delivery.http_send

    def checked_send(*, url, body, headers):
        violations.extend(catalog_violations(body))
        return send(url=url, body=body, headers=headers)

    monkeypatch.setattr(delivery, "http_send", checked_send)
    yield
    assert not violations, "delivered payloads that do not match the event catalogue:\n" + "\n".join(violations)


class Tenant:
    """An organization with a staff admin, an embed config and helpers to mint credentials."""

    def __init__(self, **config):
        membership = MembershipFactory()
        self.organization = membership.organization
        self.user = membership.user
        self.config = EmbedConfigFactory(organization=self.organization, **config)

    def api_key(self, *scopes: str) -> str:
        _key, token = api_key_create(
            organization=self.organization, user=self.user, name="test", scopes=list(scopes or API_KEY_SCOPES)
        )
        return token

    def end_user(self, **kwargs):
        return EndUserFactory(organization=self.organization, **kwargs)

    def session(self, end_user=None, *scopes: str, ttl: int = 3600, allowed_bridge_types=None) -> str:
        """A session token for `end_user` (a new one if None) with `scopes` (default: all)."""
        end_user = end_user or self.end_user()
        token = token_generate(SESSION_PREFIX)
        EmbedSession.objects.create(
            organization=self.organization,
            end_user=end_user,
            digest=token_digest(token),
            scopes=list(scopes or SESSION_SCOPES),
            allowed_bridge_types=allowed_bridge_types,
            expires_at=timezone.now() + dt.timedelta(seconds=ttl),
        )
        return token


@pytest.fixture
def tenant(db):
    return Tenant()


@pytest.fixture
def other_tenant(db):
    return Tenant()


@pytest.fixture
def make_tenant(db):
    return Tenant


@pytest.fixture
def client():
    return APIClient()


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real Celery worker thread (solo pool) on the configured broker (Redis in CI).

    Tasks are sent through the broker, not run eagerly; the test DB is shared with the worker,
    hence `transactional_db`.
    """
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    if not settings.REDIS_URL:
        celery_app.conf.broker_url = "memory://"
        # Eager tasks of earlier tests acquire a producer pool on the old broker; drop it so
        # messages go to the broker this worker consumes.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    celery_app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy (for asynchronous effects); returns its value or fails."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def free_consecutive_ports(count: int = 1) -> int:
    """The first of `count` consecutive free loopback ports, below the ephemeral range, for a server
    started later by another process: a port bind(0) hands out is one the kernel may give the next
    outgoing connection (to PostgreSQL, say) before that server binds it."""
    import random
    import socket
    from pathlib import Path

    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(200):
        port = random.randrange(10000, low - count)
        try:
            for candidate in range(port, port + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise AssertionError(f"no {count} consecutive free ports")
