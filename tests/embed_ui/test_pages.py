"""The loader and the framed app page: caching, size, CSP, no token anywhere in what is served."""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from embed.ui.csp import app_csp

STATIC = Path(__file__).resolve().parents[2] / "static" / "embed"
LOADER_BUDGET = 15 * 1024


class ScriptTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []
        self.inline_styles = []
        self.handlers = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "style" or "style" in attrs:
            self.inline_styles.append(tag)
        self.handlers.extend(name for name in attrs if name.startswith("on"))


def test_the_loader_is_javascript_cached_for_a_day_and_revalidated_by_etag(client):
    # when
    response = client.get("/embed/v1/orderly.js")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert b"global.Orderly = {" in response.content
    etag = response["ETag"]
    again = client.get("/embed/v1/orderly.js", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["Cache-Control"] == response["Cache-Control"]


def test_the_loader_is_under_15_kb_gzipped_and_served_compressed(client):
    raw = (STATIC / "orderly.js").read_bytes()
    assert len(gzip.compress(raw, 9)) < LOADER_BUDGET

    response = client.get("/embed/v1/orderly.js", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < LOADER_BUDGET


def test_only_get_and_head_reach_the_loader(client):
    assert client.post("/embed/v1/orderly.js").status_code == 405


@pytest.mark.django_db
def test_the_app_page_is_framable_only_by_the_allowed_origins(client, make_tenant):
    # given
    tenant = make_tenant(allowed_origins=["https://shop.example", "http://127.0.0.1:9001"])

    # when
    response = client.get(f"/embed/v1/app/{tenant.config.slug}/orders")

    # then
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["frame-ancestors"] == "https://shop.example http://127.0.0.1:9001"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data: https:"
    assert "X-Frame-Options" not in response  # frame-ancestors decides, DENY would refuse every host


@pytest.mark.django_db
def test_no_allowed_origin_means_no_one_may_frame_the_app(client, make_tenant):
    tenant = make_tenant(allowed_origins=[])
    response = client.get(f"/embed/v1/app/{tenant.config.slug}/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_app_page_has_no_inline_script_style_or_handler_and_no_token(client, make_tenant):
    tenant = make_tenant(
        allowed_origins=["https://shop.example"],
        branding={"company_name": "Acme <b>", "primary_color": "#059669"},
    )
    response = client.get(f"/embed/v1/app/{tenant.config.slug}/home")
    html = response.content.decode()

    parser = ScriptTags()
    parser.feed(html)
    assert parser.scripts and all(s.get("src") for s in parser.scripts)
    assert all(s.get("type") == "module" for s in parser.scripts)
    assert parser.inline_styles == [] and parser.handlers == []
    assert "Acme <b>" not in html  # the boot data is escaped into an attribute
    assert not re.search(r"est_|oh_|pk_live_", html)  # not even the publishable key
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.django_db
def test_an_unknown_or_inactive_config_is_a_404_no_one_may_frame(client, make_tenant):
    tenant = make_tenant(is_active=False, allowed_origins=["https://shop.example"])
    for slug in ("no-such-config", tenant.config.slug):
        response = client.get(f"/embed/v1/app/{slug}/home")
        assert response.status_code == 404
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_logo_that_is_not_https_is_not_handed_to_the_app(client, make_tenant):
    tenant = make_tenant(branding={"logo_url": "http://localhost/logo.png", "company_name": "Acme"})
    html = client.get(f"/embed/v1/app/{tenant.config.slug}/home").content.decode()
    assert "localhost/logo.png" not in html


def test_the_csp_is_built_in_one_place():
    assert app_csp(allowed_origins=None).endswith("frame-ancestors 'none'")
    assert "frame-ancestors https://a.example https://b.example" in app_csp(
        allowed_origins=["https://a.example", "https://b.example"]
    )


@pytest.mark.django_db
def test_the_app_page_s_static_urls_follow_the_static_settings(client, make_tenant, settings):
    # The page's static URLs are looked up once per static-files storage: a changed STATIC_URL
    # (a new storage) is followed at once, and each URL is what `{% static %}` gives.
    from django.templatetags.static import static

    from embed.ui.assets import APP_DIR, app_modules

    path = f"/embed/v1/app/{make_tenant().config.slug}/home"
    for static_url in ("/static/", "https://cdn.example/assets/", "/static/"):
        settings.STATIC_URL = static_url
        html = client.get(path).content.decode()
        assert f'<link rel="stylesheet" href="{static(f"{APP_DIR}/app.css")}?v=' in html
        assert f'<script type="module" src="{static(f"{APP_DIR}/main.js")}?v=' in html
        preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
        assert preloads == [static(name) for name in app_modules()]
        assert all(url.startswith(static_url) for url in preloads)
