"""Web processes are stateless: what one process caches, a change made in another invalidates.

The allowed embed origins (CORS) are cached for every request; a change to them on one web process
(the dashboard, the API) must be seen by every other at once, not after the cache's TTL. That holds
with a shared cache (Redis when REDIS_URL is set); Django's local-memory cache is per process, so
this test needs the shared one.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from embed.selectors import _ORIGINS_CACHE_KEY, embed_origin_allowed

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "https://shop.example"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "locmem" in settings.CACHES["default"]["BACKEND"].lower(),
        reason="the local-memory cache is per process: a shared cache (REDIS_URL) is what makes web processes stateless",
    ),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="another process shares the test database"),
]


def _in_another_process(code: str) -> None:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60
    )


def test_an_origin_removed_on_one_process_is_refused_by_another_at_once(tenant):
    # given this process has the allowed origins cached
    tenant.config.allowed_origins = [ORIGIN]
    tenant.config.save()
    assert embed_origin_allowed(ORIGIN, organization_id=tenant.organization.pk)
    assert cache.get(_ORIGINS_CACHE_KEY) is not None
    # when another process removes the origin through the service every view calls
    _in_another_process(
        "from embed.services import embed_config_upsert\n"
        "from orderly.accounts.models import Organization\n"
        f"embed_config_upsert(organization=Organization.objects.get(pk='{tenant.organization.pk}'),"
        " changes={'allowed_origins': []})"
    )
    # then this process refuses it on its very next request
    assert not embed_origin_allowed(ORIGIN, organization_id=tenant.organization.pk)
