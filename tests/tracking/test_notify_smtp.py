"""Notify me, end to end: a real SMTP server on loopback (aiosmtpd), a real Celery worker.

Subscribe on the page, confirm through the link in the mail that arrived, a checkpoint sends
exactly one mail, a second scan of the same step sends none, unsubscribe through the mail's link.
"""

import email
import email.policy
import re
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from orderly.crypto import decrypt_text
from tests.conftest import bearer, wait_for
from tests.factories import ShipmentFactory
from tracking.models import TrackingNotification, TrackingSubscription
from tracking.services import tracking_page_create

pytestmark = pytest.mark.celery_worker

CUSTOMER = "customer@example.net"


class Inbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.messages.append(
                (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
            )
        return "250 Message accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.ORDERLY_PUBLIC_URL = "http://testserver"
    yield inbox
    controller.stop()


def _parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def _link(text: str, path: str) -> str:
    match = re.search(rf"http://testserver({re.escape(path)}\?\S+)", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(1)


def test_subscribe_confirm_one_mail_per_change_unsubscribe(tenant, celery_worker, smtp_server, client):
    # given a shipment with a label printed, and its public page
    tenant.config.branding = {"company_name": "Acme Fulfillment", "support_email": "help@acme.example"}
    tenant.config.save()
    end_user = tenant.end_user()
    shipment = ShipmentFactory(order__end_user=end_user, status="info_received", tracking_number="1ZNOTIFY01")
    page, _ = tracking_page_create(end_user=end_user, shipment_id=shipment.id)
    api_key = tenant.api_key("tracking:write")

    # when the customer signs up on the page
    response = client.post(f"/t/{page.token}/notify", {"email": CUSTOMER, "lang": "en"})

    # then they are told to check their inbox, and the confirmation arrives by SMTP
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    wait_for(lambda: smtp_server.count() == 1)
    recipients, confirmation = smtp_server.messages[0]
    assert recipients == [CUSTOMER]
    assert confirmation["Subject"] == "Confirm updates for your parcel from Acme Fulfillment"
    assert confirmation["From"].addresses[0].display_name == "Acme Fulfillment"
    assert confirmation["Reply-To"] == "help@acme.example"
    text, html = _parts(confirmation)
    assert "Confirm updates" in html
    unsubscribe_header = str(confirmation["List-Unsubscribe"]).strip()
    assert unsubscribe_header.startswith("<http://testserver/track/email/unsubscribe?t=")
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # the address is stored only encrypted
    subscription = TrackingSubscription.objects.get()
    assert CUSTOMER not in subscription.email_encrypted and CUSTOMER not in subscription.email_digest
    assert decrypt_text(subscription.email_encrypted) == CUSTOMER
    assert CUSTOMER not in client.get(f"/t/{page.token}").content.decode()

    # a checkpoint before confirming sends nothing
    checkpoint = {"status": "in_transit", "checkpointTime": "2030-03-01T10:00:00Z", "location": "Malmö"}
    assert (
        client.post(
            f"/api/v1/shipments/{shipment.id}/checkpoints", checkpoint, format="json", **bearer(api_key)
        ).status_code
        == 201
    )
    assert not TrackingNotification.objects.exclude(kind="confirm").exists()

    # when they confirm through the link in the mail
    response = client.get(_link(text, "/track/email/confirm"))
    assert response.status_code == 200
    assert "You will get e-mail updates" in response.content.decode()

    # and the parcel is out for delivery
    checkpoint = {"status": "out_for_delivery", "checkpointTime": "2030-03-02T07:00:00Z", "location": "Lund"}
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/checkpoints", checkpoint, format="json", **bearer(api_key)
    )
    assert response.status_code == 201

    # then exactly one mail says so, branded, with a text part, a link to the page and one to leave
    wait_for(lambda: smtp_server.count() == 2)
    _recipients, update = smtp_server.messages[1]
    assert update["Subject"] == "Your parcel from Acme Fulfillment is out for delivery"
    text, html = _parts(update)
    assert "Your parcel is out for delivery today." in text
    assert "1ZNOTIFY01" in text and "1ZNOTIFY01" in html
    assert f"http://testserver/t/{page.token}?lang=en" in text
    assert "Acme Fulfillment" in html

    # a second scan of the same step sends nothing more
    checkpoint = {"status": "out_for_delivery", "checkpointTime": "2030-03-02T09:00:00Z", "location": "Lund"}
    client.post(f"/api/v1/shipments/{shipment.id}/checkpoints", checkpoint, format="json", **bearer(api_key))
    assert TrackingNotification.objects.filter(kind="out_for_delivery").count() == 1

    # when they unsubscribe with the link in that mail
    response = client.get(_link(text, "/track/email/unsubscribe"))

    # then the row and the address are gone and the delivery sends no mail
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not TrackingSubscription.objects.exists()
    checkpoint = {"status": "delivered", "checkpointTime": "2030-03-02T12:00:00Z", "location": "Lund"}
    client.post(f"/api/v1/shipments/{shipment.id}/checkpoints", checkpoint, format="json", **bearer(api_key))
    assert not TrackingNotification.objects.exists()
    assert smtp_server.count() == 2
