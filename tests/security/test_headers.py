"""Security headers (issue 13, item 8): a CSP on every HTML page and no inline script to need it,
HSTS and Secure cookies, the proxy's https header — each on by default unless DEBUG, and each
configurable from the environment."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from operations.services import operation_create
from tests.actions.factories import ActionRequestFactory
from tests.factories import OrderFactory, ShipmentFactory
from tracking.services import tracking_page_create
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class _InlineCode(HTMLParser):
    """Collects every inline script and inline event handler in a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.found += [f"<{tag} {name}=…>" for name in attributes if name.startswith("on")]
        self.found += [
            f"<{tag} href=javascript:…>" for v in attributes.values() if (v or "").startswith("javascript:")
        ]
        data_only = attributes.get("type") in ("application/json", "application/ld+json")
        self._in_inline_script = tag == "script" and "src" not in attributes and not data_only

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _directives(policy: str) -> dict[str, str]:
    return {
        part.split()[0]: part.strip()[len(part.split()[0]) :].strip()
        for part in policy.split(";")
        if part.strip()
    }


@pytest.fixture
def html_pages(tenant):
    """Every kind of HTML page: the dashboard's (as an admin), public, admin and error pages."""
    owner = tenant.end_user()
    order = OrderFactory(end_user=owner)
    shipment = ShipmentFactory(order=order)
    page, _created = tracking_page_create(end_user=owner, shipment_id=shipment.pk)
    request = ActionRequestFactory(order=order)
    operation = operation_create(
        organization=tenant.organization,
        type="update_order_status",
        order_id=order.pk,
        input={"status": "processing"},
    )
    webhook, _secret = webhook_create(
        organization=tenant.organization, end_user=None, url="http://127.0.0.1:9/h", events=["order.created"]
    )
    dashboard = [
        "/dashboard/",
        "/dashboard/requests/",
        f"/dashboard/requests/{request.pk}/",
        "/dashboard/orders/",
        f"/dashboard/orders/{order.pk}/",
        "/dashboard/operations/",
        f"/dashboard/operations/{operation.pk}/",
        "/dashboard/embed/end-users/",
        f"/dashboard/embed/end-users/{owner.pk}/",
        "/dashboard/embed/events/",
        "/dashboard/embed/config/",
        "/dashboard/api-keys/",
        "/dashboard/webhooks/",
        f"/dashboard/webhooks/{webhook.pk}/",
        "/dashboard/tracking/",
        "/dashboard/password/",
    ]
    public = [
        "/dashboard/login/",
        f"/t/{page.token}",
        "/t/" + "x" * 32,
        "/api/v1/docs",
        "/admin/login/",
        "/no-such-page",
    ]
    return dashboard, public


def test_every_html_page_has_a_csp_without_inline_script_and_runs_none(tenant, html_pages):
    dashboard, public = html_pages
    admin = Client()
    admin.force_login(tenant.user)
    wrong = []
    for url in dashboard + public:
        # when the page is fetched (as an admin for the dashboard, anonymously otherwise)
        response = (admin if url in dashboard else Client()).get(url)
        html = response.content.decode()
        assert response["Content-Type"].startswith("text/html"), url

        # then a CSP that refuses inline script and framing, and nothing inline that would need it
        policy = _directives(response.get("Content-Security-Policy", ""))
        if policy.get("script-src") != "'self'" or "'unsafe-inline'" in policy.get("default-src", ""):
            wrong.append(f"{url}: policy {response.get('Content-Security-Policy')!r}")
        if policy.get("frame-ancestors") != "'none'" or policy.get("object-src") != "'none'":
            wrong.append(f"{url}: framing or plugins not refused")
        if inline := _inline_code(html):
            wrong.append(f"{url}: inline code {inline}")
    assert wrong == [], "\n".join(wrong)


def test_the_docs_page_loads_its_init_script_as_a_file(client):
    html = client.get("/api/v1/docs").content.decode()
    script = client.get("/api/v1/docs?script=")
    assert "?script=" in html
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_a_view_with_its_own_policy_keeps_it(client, tenant):
    # given the embed app page, whose policy names the integrator's origins in frame-ancestors
    from embed.models import EmbedConfig

    EmbedConfig.objects.filter(pk=tenant.config.pk).update(allowed_origins=["https://shop.example.com"])
    response = client.get(f"/embed/v1/app/{tenant.config.slug}/")
    assert response.status_code == 200

    # then its own frame-ancestors stands, not the global 'none'
    assert _directives(response["Content-Security-Policy"])["frame-ancestors"] == "https://shop.example.com"


def test_hsts_on_https_through_the_proxy_and_secure_cookies(tenant):
    # given a request the TLS-terminating proxy marks as https
    client = Client()
    response = client.get("/dashboard/login/", HTTP_X_FORWARDED_PROTO="https")

    # then HSTS for a year, and the CSRF cookie is Secure
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.cookies["csrftoken"]["secure"] is True

    # and the session cookie a log-in sets is Secure and HttpOnly
    tenant.user.set_password("a long enough password")
    tenant.user.save()
    logged_in = client.post(
        "/dashboard/login/",
        {"username": tenant.user.username, "password": "a long enough password"},
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert logged_in.status_code == 302
    assert logged_in.cookies["sessionid"]["secure"] is True
    assert logged_in.cookies["sessionid"]["httponly"] is True


def _settings_in_a_process(**env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER]))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SECURE_") and k != "DEBUG"}
    environment.update(DJANGO_SETTINGS_MODULE="orderly.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    hsts, session_secure, csrf_secure, proxy = json.loads(out.stdout.strip().splitlines()[-1])
    return {"hsts": hsts, "secure_cookies": session_secure and csrf_secure, "proxy": proxy}


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, {"hsts": 31536000, "secure_cookies": True, "proxy": ["HTTP_X_FORWARDED_PROTO", "https"]}),
        ({"DEBUG": "1"}, {"hsts": 0, "secure_cookies": False, "proxy": None}),
        (
            {"SECURE_HSTS_SECONDS": "600", "SECURE_COOKIES": "0", "SECURE_PROXY_SSL_HEADER": ""},
            {"hsts": 600, "secure_cookies": False, "proxy": None},
        ),
        (
            {"SECURE_PROXY_SSL_HEADER": "HTTP_X_SCHEME,https"},
            {"hsts": 31536000, "secure_cookies": True, "proxy": ["HTTP_X_SCHEME", "https"]},
        ),
    ],
)
def test_transport_settings_come_from_the_environment(env, expected):
    assert _settings_in_a_process(**env) == expected
