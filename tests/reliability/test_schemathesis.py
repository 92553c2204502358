"""Property-based API testing from our own OpenAPI schema: no input a client can send gives a 500.

Schemathesis generates requests for every documented operation and sends them through the WSGI app
with an API key (all scopes) and with an embed session (all scopes), checking each response is not
a server error and matches the documented schema. Examples per operation are bounded
(ORDERLY_SCHEMATHESIS_EXAMPLES, default 10) to keep CI fast.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from orderly.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]

EXAMPLES = int(os.environ.get("ORDERLY_SCHEMATHESIS_EXAMPLES", "10"))


def _exercise(operation, tokens, failures):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case):
        for token in tokens:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            try:
                case.validate_response(response, checks=[not_a_server_error])
            except Exception as exc:  # collected, so one run reports every broken operation
                failures.append(f"{operation.label}: {str(exc)[:300]}")

    run()


@pytest.fixture
def keep_test_connection():
    """Called as a bare WSGI app, Django would close the test's DB connection between requests
    (as its own test client prevents): keep it open for the test transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_input_gives_a_server_error(tenant, keep_test_connection):
    # given an organization with credentials for both kinds of caller
    tokens = [tenant.api_key(), tenant.session()]
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application)
    failures = []

    # when every operation is fed generated requests
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        _exercise(operation, tokens, failures)

    # then none answered with a server error
    assert len(operations) >= 20
    assert failures == []
