"""Checks over the UI's own source: the token never meets storage, cookies or logs, no HTML is
built from strings, and every message goes through the one catalogue, in English and Swedish."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static" / "embed"
APP = STATIC / "app"
SOURCES = [STATIC / "orderly.js", *sorted(p for p in APP.rglob("*.js") if "locales" not in p.parts)]


def catalogue(lang: str) -> dict[str, str]:
    text = (APP / "locales" / f"{lang}.js").read_text()
    return dict(re.findall(r'^\s*"([^"]+)":\s*"((?:[^"\\]|\\.)*)",?\s*$', text, flags=re.M))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_storage_cookie_or_markup_strings_in_ui_code(path):
    source = path.read_text()
    for forbidden in (
        "localStorage",
        "sessionStorage",
        "document.cookie",
        "indexedDB",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "eval(",
        "new Function",
    ):
        assert forbidden not in source, f"{path.name} uses {forbidden}"
    # Nothing that might hold a token is logged.
    for call in re.findall(r"console\.\w+\(([^)]*)\)", source):
        assert "token" not in call.lower() and "session" not in call.lower()


def test_the_token_is_posted_only_to_the_orderly_origin():
    loader = (STATIC / "orderly.js").read_text()
    posts = re.findall(r"postMessage\(([^)]*)\)", loader)
    assert posts == ["message, ORIGIN"]
    assert 'type: "session"' in loader


def test_english_and_swedish_have_the_same_messages():
    en, sv = catalogue("en"), catalogue("sv")
    assert len(en) > 300
    assert set(en) == set(sv)
    for key, message in en.items():
        assert set(re.findall(r"\{\w+\}", message)) == set(re.findall(r"\{\w+\}", sv[key])), key


def test_every_message_the_code_names_is_in_the_catalogue():
    en = catalogue("en")
    used = set()
    for path in SOURCES:
        used.update(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
        used.update(re.findall(r"""\?\s*["']([a-z_]+\.[a-z_]+)["']\s*:""", path.read_text()))
    assert used, "no t() calls found"
    missing = sorted(used - set(en))
    assert missing == []


def test_every_status_topic_and_type_the_api_sends_has_a_label():
    # Model imports kept to this one test (they move in the redesign).
    from actions.models import ActionStatus, ActionType
    from bridges.models import Bridge
    from orders.models import FulfillmentStatus, OrderStatus, PaymentStatus, ShipmentStatus
    from webhooks.models import WebhookDelivery
    from webhooks.topics import SUBSCRIBABLE_TOPICS

    en = catalogue("en")
    expected = (
        [f"order_status.{v}" for v in OrderStatus.values]
        + [f"fulfillment_status.{v}" for v in FulfillmentStatus.values]
        + [f"payment_status.{v}" for v in PaymentStatus.values]
        + [f"shipment_status.{v}" for v in ShipmentStatus.values]
        + [f"request_status.{v}" for v in ActionStatus.values]
        + [f"action_type.{v}" for v in ActionType.values]
        + [f"actions.title.{v}" for v in ActionType.values]
        + [f"bridge_status.{v}" for v in Bridge.Status.values]
        + [f"delivery_status.{v}" for v in WebhookDelivery.Status.values]
        + [f"topic.{v}" for v in SUBSCRIBABLE_TOPICS]
        + [f"nav.{v}" for v in ("home", "bridges", "orders", "requests", "alerts", "webhooks", "tracking")]
    )
    assert sorted(k for k in expected if k not in en) == []
