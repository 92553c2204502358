"""Dashboard (and admin) log-in locks out after repeated failures, per account and per IP (issue 13, item 9).

30 wrong passwords in a row used to be 30 trials; now the sixth attempt on an account, right
password or not, is refused with 429 for the lockout time, and so is a client IP that failed 20 times.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/dashboard/login/"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    user = MembershipFactory().user
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(user):
    client = Client()
    # given five wrong passwords
    for _ in range(5):
        assert _login(client, user.username, "wrong").status_code == 200

    # when the right one follows, from the same IP and from another
    locked = _login(client, user.username, PASSWORD)
    elsewhere = _login(Client(), user.username.upper(), PASSWORD, ip="10.9.9.9")

    # then both are refused with 429, a Retry-After and a message; nobody is logged in
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 900
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert elsewhere.status_code == 429
    assert not _logged_in(client)


def test_the_lock_ends_after_the_lockout_time(user):
    client = Client()
    for _ in range(5):
        _login(client, user.username, "wrong")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=901), tick=False):
        response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_a_success_clears_the_accounts_count(user):
    client = Client()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        _login(other, user.username, "wrong")
    assert _login(other, user.username, PASSWORD).status_code == 302


def test_twenty_failures_from_one_ip_lock_that_ip_for_every_account(user):
    # given 20 wrong passwords from one IP, spread over user names (password spraying)
    for attempt in range(20):
        _login(Client(), f"someone{attempt}@example.com", "wrong", ip="10.6.6.6")

    # when a real user logs in from that IP, and from another
    from_sprayer = _login(Client(), user.username, PASSWORD, ip="10.6.6.6")
    client = Client()
    from_elsewhere = _login(client, user.username, PASSWORD, ip="10.1.1.1")

    # then only the other IP gets in
    assert from_sprayer.status_code == 429
    assert from_elsewhere.status_code == 302
    assert _logged_in(client)


def test_the_admin_log_in_locks_out_too(user):
    user.is_staff = True
    user.save()
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert "Too many failed log-in attempts" in response.content.decode()
    assert not _logged_in(client)
