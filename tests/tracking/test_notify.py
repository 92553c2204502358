"""Notify me, rule by rule (eager Celery, Django's in-memory outbox); the SMTP round trip is in
test_notify_smtp.py."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from orderly.email_config import email_settings_from_url
from orders.services import tracking_checkpoint_create
from tests.factories import ShipmentFactory
from tracking.models import TrackingNotification, TrackingSubscription
from tracking.notify import tracking_subscriptions_purge
from tracking.services import tracking_page_create, tracking_page_revoke

# Real commits: the mails are sent by on-commit tasks, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ORDERLY_PUBLIC_URL = "http://testserver"


@pytest.fixture
def page(tenant):
    end_user = tenant.end_user()
    shipment = ShipmentFactory(order__end_user=end_user, status="info_received")
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    return page


def _subscribe(client, page, email="c@example.net", **headers):
    return client.post(f"/t/{page.token}/notify", {"email": email}, **headers)


def _confirm(client, message):
    path = re.search(r"http://testserver(/track/email/confirm\?\S+)", message.body).group(1)
    return client.get(path)


def _scan(page, status, minutes):
    tracking_checkpoint_create(
        organization=page.organization,
        shipment_id=page.shipment_id,
        data={"status": status, "checkpoint_time": timezone.now() + dt.timedelta(minutes=minutes)},
    )


def _subjects():
    return [m.subject for m in mail.outbox]


def test_one_mail_per_meaningful_change(client, page):
    _subscribe(client, page)
    _confirm(client, mail.outbox[0])
    mail.outbox.clear()

    for minutes, status in enumerate(
        ["picked_up", "in_transit", "in_transit", "exception", "exception", "in_transit", "exception",
         "out_for_delivery", "failed_attempt", "out_for_delivery", "delivered", "delivered"]
    ):
        _scan(page, status, minutes)

    assert _subjects() == [
        "Your parcel from Acme Fulfillment is on its way",
        "There is a problem with your parcel from Acme Fulfillment",
        "There is a problem with your parcel from Acme Fulfillment",  # a new problem after it cleared
        "Your parcel from Acme Fulfillment is out for delivery",
        "Your parcel from Acme Fulfillment has been delivered",
    ]
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        assert "/track/email/unsubscribe?t=" in message.body and "/track/email/unsubscribe?t=" in html
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_older_scan_does_not_mail(client, page):
    _subscribe(client, page)
    _confirm(client, mail.outbox[0])
    _scan(page, "out_for_delivery", 10)
    mail.outbox.clear()
    _scan(page, "picked_up", 5)  # arrives late: history, not news
    assert mail.outbox == []


def test_confirmation_starts_from_the_current_step(client, page):
    _scan(page, "in_transit", 1)
    _subscribe(client, page)
    _confirm(client, mail.outbox[0])
    mail.outbox.clear()
    _scan(page, "in_transit", 2)
    assert mail.outbox == []
    _scan(page, "out_for_delivery", 3)
    assert _subjects() == ["Your parcel from Acme Fulfillment is out for delivery"]


def test_unconfirmed_subscribers_get_nothing_but_the_confirmation(client, page):
    _subscribe(client, page)
    _scan(page, "in_transit", 1)
    assert _subjects() == ["Confirm updates for your parcel from Acme Fulfillment"]


def test_signing_up_again_answers_the_same_and_does_not_flood(client, page):
    first = _subscribe(client, page, email="Same@Example.net")
    again = _subscribe(client, page, email="same@example.net")
    assert first.status_code == again.status_code == 200
    assert "Check your inbox" in again.content.decode()
    assert len(mail.outbox) == 1  # a second confirmation only after ten minutes
    assert TrackingSubscription.objects.count() == 1

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        _subscribe(client, page, email="same@example.net")
    assert len(mail.outbox) == 2

    _confirm(client, mail.outbox[1])
    confirmed = _subscribe(client, page, email="same@example.net")
    assert "Check your inbox" in confirmed.content.decode()  # nothing says it is already subscribed
    assert len(mail.outbox) == 2


def test_invalid_address_redisplays_the_page_with_an_error(client, page):
    response = _subscribe(client, page, email="not an address")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and "Enter a valid e-mail address." in html
    assert not TrackingSubscription.objects.exists()


def test_sign_ups_are_rate_limited_per_client(client, page, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "tracking_subscribe": "2/h"},
    }
    assert _subscribe(client, page, email="a@example.net").status_code == 200
    assert _subscribe(client, page, email="b@example.net").status_code == 200
    response = _subscribe(client, page, email="c@example.net")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert TrackingSubscription.objects.count() == 2


def test_a_page_takes_a_bounded_number_of_subscribers(client, page, settings):
    settings.ORDERLY_TRACKING_SUBSCRIPTIONS_PER_PAGE = 2
    _subscribe(client, page, email="a@example.net", REMOTE_ADDR="10.0.0.1")
    _subscribe(client, page, email="b@example.net", REMOTE_ADDR="10.0.0.2")
    response = _subscribe(client, page, email="c@example.net", REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429
    assert "cannot take more e-mail subscribers" in response.content.decode()


def test_swedish_subscriber_gets_swedish_mail(client, page):
    _subscribe(client, page, HTTP_ACCEPT_LANGUAGE="sv")
    assert mail.outbox[0].subject == "Bekräfta uppdateringar om ditt paket från Acme Fulfillment"
    _confirm(client, mail.outbox[0])
    _scan(page, "delivered", 1)
    assert mail.outbox[-1].subject == "Ditt paket från Acme Fulfillment har levererats"
    assert "Avsluta uppdateringar" in mail.outbox[-1].body


def test_forged_or_expired_confirm_links_are_refused(client, page, settings):
    assert client.get("/track/email/confirm?t=forged").status_code == 400
    _subscribe(client, page)
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.ORDERLY_TRACKING_CONFIRM_DAYS, hours=1)):
        response = _confirm(client, mail.outbox[0])
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert TrackingSubscription.objects.get().confirmed_at is None


def test_one_click_unsubscribe_by_post_and_repeat(client, page):
    _subscribe(client, page)
    token = re.search(r"/track/email/unsubscribe\?t=([^&\s]+)", mail.outbox[0].body).group(1)
    from urllib.parse import unquote

    response = client.post(f"/track/email/unsubscribe?t={token}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not TrackingSubscription.objects.exists()
    assert client.post("/track/email/unsubscribe", {"t": unquote(token)}).status_code == 400  # already gone


def test_revoking_the_page_deletes_its_subscriptions(client, page):
    _subscribe(client, page)
    tracking_page_revoke(end_user=page.end_user, page_id=page.id)
    assert not TrackingSubscription.objects.exists()
    assert not TrackingNotification.objects.exists()


def test_expired_pages_lose_their_subscriptions(client, page, settings):
    _subscribe(client, page)
    _confirm(client, mail.outbox[0])
    _scan(page, "delivered", 0)

    assert tracking_subscriptions_purge() == 0  # delivered, but the page is still live
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.ORDERLY_TRACKING_PAGE_TTL_DAYS, hours=1)):
        assert tracking_subscriptions_purge() == 1
    assert not TrackingSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": "/d"}),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("file:///srv/mail", {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": "/srv/mail"}),
    ],
)
def test_email_url_local_backends(url, expected):
    from pathlib import Path

    assert email_settings_from_url(url, default_dir=Path("/d")) == expected


def test_email_url_smtp():
    from pathlib import Path

    submission = email_settings_from_url("smtp://u%40x:p%3Aw@mail.example.com", default_dir=Path("/d"))
    assert submission["EMAIL_HOST"] == "mail.example.com" and submission["EMAIL_PORT"] == 587
    assert submission["EMAIL_HOST_USER"] == "u@x" and submission["EMAIL_HOST_PASSWORD"] == "p:w"
    assert submission["EMAIL_USE_TLS"] is True and submission["EMAIL_USE_SSL"] is False
    implicit = email_settings_from_url("smtps://mail.example.com", default_dir=Path("/d"))
    assert implicit["EMAIL_PORT"] == 465 and implicit["EMAIL_USE_SSL"] is True and implicit["EMAIL_USE_TLS"] is False
    relay = email_settings_from_url("smtp://127.0.0.1:1025?tls=0", default_dir=Path("/d"))
    assert relay["EMAIL_PORT"] == 1025 and relay["EMAIL_USE_TLS"] is False
    with pytest.raises(ValueError, match="unsupported scheme"):
        email_settings_from_url("smpt://typo", default_dir=Path("/d"))
