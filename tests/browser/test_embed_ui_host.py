"""The host-facing contract: framing only from allowed origins, messages only from the parent,
session refresh and expiry, events, update() and views that follow features and scopes."""

import pytest

from tests.browser.embed_host import *  # noqa: F403 - the embed fixtures (host, embed, axe_source)
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


def nav_labels(embed):
    return [text.strip() for text in embed.frame.locator(".o-nav button").all_inner_texts()]


def test_a_host_origin_not_in_allowed_origins_cannot_frame_the_app(embed):
    # given: the config allows another origin only
    embed.tenant.config.allowed_origins = ["https://portal.example"]
    embed.tenant.config.save()
    console = []
    embed.page.on("console", lambda message: console.append(message.text))

    # when
    embed.open(wait=False)
    embed.page.wait_for_timeout(2500)

    # then: the browser refused the frame; no app, no ready, no session minted
    assert any("frame-ancestors" in line for line in console), console
    assert embed.frame.locator("#orderly-app").count() == 0
    assert embed.events() == []
    assert embed.host.minted == []


def test_messages_from_a_window_other_than_the_parent_are_ignored(embed):
    # given: the host page also holds another frame of its own origin
    embed.host.pages["/other"] = "<!doctype html><title>other</title><p>other frame</p>"
    embed.open(view="home", extra='<iframe id="other" title="other" src="/other"></iframe>')
    embed.settle("home")
    other = next(f for f in embed.page.frames if f.url.endswith("/other"))

    # when: that frame posts a navigation and a forged session to the app
    other.evaluate(
        """() => { const app = parent.document.querySelector('#orderly iframe').contentWindow;
             app.postMessage({source: 'orderly-embed', v: 1, type: 'navigate', view: 'webhooks'}, '*');
             app.postMessage({source: 'orderly-embed', v: 1, type: 'session', token: 'est_forged'}, '*'); }"""
    )
    embed.page.wait_for_timeout(800)

    # then: nothing happened; the parent's own navigate still works, with the real token
    assert embed.frame.locator(".o-view-home").count() == 1
    embed.navigate("webhooks")
    api_calls = [r for r in embed.requests if "/api/v1/embed/webhooks" in r.url]
    assert api_calls and all("est_forged" not in r.headers.get("authorization", "") for r in api_calls)
    assert [e["detail"] for e in embed.events("navigate")] == [{"view": "webhooks"}]


def test_a_60_second_session_is_refreshed_without_the_user_noticing_then_expiry_reaches_the_host(embed):
    # given: sessions of 60 s, and a clock the test can move
    embed.host.session_body["ttlSeconds"] = 60
    embed.page.clock.install()
    embed.open(view="home")
    embed.settle("home")
    assert len(embed.host.minted) == 1

    # when: time nears the expiry, the app asks for a new token before it is needed
    embed.page.clock.fast_forward("00:55")
    wait_for(lambda: len(embed.host.minted) == 2)
    embed.navigate("orders")
    fresh = embed.host.minted[-1]["token"]
    last = [r for r in embed.requests if "/api/v1/embed/orders" in r.url][-1]
    assert last.headers["authorization"] == f"Bearer {fresh}"

    # when: the session is revoked under it, the 401 is answered with a new token, silently
    embed.api("DELETE", f"embed/sessions/{embed.host.minted[-1]['sessionId']}")
    embed.navigate("bridges")
    assert len(embed.host.minted) == 3
    assert embed.frame.locator(".o-error").count() == 0
    assert embed.events("session_expired") == []

    # when: the host backend can no longer mint one
    embed.host.fail_sessions = True
    embed.api("DELETE", f"embed/sessions/{embed.host.minted[-1]['sessionId']}")
    embed.page.evaluate("window.handle.navigate('requests')")

    # then: the host hears session_expired and the user sees why
    embed.wait_event("session_expired")
    embed.frame.get_by_text("Your session has ended").wait_for()


def test_events_update_and_the_publishable_key_path(embed, axe_source):
    # given: no host backend at all — the publishable key mints an auto-session
    slug, key = embed.tenant.config.slug, embed.tenant.config.publishable_key
    init = f'{{ slug: "{slug}", publishableKey: "{key}", externalId: "storefront_user_7", locale: "en" }}'
    embed.open(view="home", init=init)
    embed.settle("home")
    assert embed.host.minted == []

    # when: the user moves around inside the frame
    embed.frame.locator(".o-nav button[data-view=orders]").click()
    embed.settle("orders")
    assert embed.events("navigate")[-1]["detail"] == {"view": "orders"}

    # when: the host switches to Swedish and a dark appearance
    embed.page.evaluate(
        """() => window.embed.update({ locale: 'sv', appearance: { colorBackground: '#111827', colorText: '#F9FAFB', colorPrimary: '#F59E0B', borderRadius: '2px' } })"""
    )
    embed.frame.get_by_role("heading", name="Ordrar").wait_for()
    assert "Översikt" in nav_labels(embed)
    background = embed.inner.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 24, 39)"
    embed.axe(axe_source, "dark Swedish orders")
    embed.navigate("alerts")
    embed.axe(axe_source, "dark Swedish alerts")

    # when: a value that is not a plain colour is refused, and the host is told
    embed.page.evaluate(
        "() => window.embed.update({ appearance: { colorPrimary: 'red; background: url(https://evil.example)' } })"
    )
    errors = embed.wait_event("error")
    assert errors[-1]["detail"]["code"] == "invalid_appearance"

    # when: the host logs out
    embed.page.evaluate("() => window.embed.logout()")
    embed.frame.get_by_text("Du är utloggad.").wait_for()


def test_views_follow_enabled_features_and_session_scopes(embed, make_tenant):
    # given: webhooks and alerts disabled for the organization
    config = embed.tenant.config
    config.enabled_features = ["bridges", "data_room", "action_requests", "branded_tracking"]
    config.save()
    embed.open(view="webhooks")
    embed.settle("home")

    # then: their views are not offered, and asking for one lands on Home
    assert nav_labels(embed) == ["Home", "Bridges", "Orders", "Tracking", "Requests"]
    assert embed.frame.locator(".o-view-home").count() == 1
    embed.navigate("home")

    # given: a bare token (no scopes handed over) that may only manage bridges
    embed.host.bare_token = True
    embed.host.session_body["scopes"] = ["bridges:read", "bridges:write"]
    embed.open(view="orders", path="/narrow")
    embed.settle("home")

    # then: the app found out from the API's 403s and offers only what the token can do
    assert nav_labels(embed) == ["Home", "Bridges"]
    assert embed.frame.locator(".o-error").count() == 0
