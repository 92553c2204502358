"""The database going away under load: clean 503s with Retry-After, then recovery on its own."""

import pytest
from django.db import connection

from tests.conftest import bearer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="an outage of a database server: PostgreSQL"
    ),
]


@pytest.fixture
def database_down():
    """Point the connection at a closed port, as when PostgreSQL restarts or the network drops."""

    def go_down():
        connection.close()
        connection.settings_dict["PORT"] = (
            "1" if connection.vendor == "postgresql" else connection.settings_dict["PORT"]
        )
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/dir/orderly.sqlite3"

    original = dict(connection.settings_dict)
    yield go_down
    connection.close()
    connection.settings_dict.update(original)


def test_requests_fail_cleanly_while_the_database_is_down_and_recover(client, tenant, database_down):
    # given a working API
    token = tenant.api_key()
    assert client.get("/api/v1/embed/users", **bearer(token)).status_code == 200
    original = dict(connection.settings_dict)

    # when the database goes away
    database_down()
    responses = [client.get("/api/v1/embed/users", **bearer(token)) for _ in range(3)]

    # then every request gets a clean 503 in the envelope, with no internals
    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        body = response.json()
        assert body["error"]["code"] == "service_unavailable"
        assert "port" not in body["error"]["message"].lower()

    # and once it is back, the next request succeeds without a restart
    connection.close()
    connection.settings_dict.update(original)
    assert client.get("/api/v1/embed/users", **bearer(token)).status_code == 200


def test_health_probes_tell_liveness_from_readiness(client, database_down):
    database_down()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
