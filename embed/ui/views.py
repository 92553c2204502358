"""Thin views: the loader script and the framed app page (CONTRACT §9)."""

import json

from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from embed.api.serializers import public_bridge_types
from embed.models import EmbedConfig
from embed.ui.assets import app_urls, app_version, loader_source
from embed.ui.csp import app_csp

VIEWS = ("home", "bridges", "orders", "requests", "alerts", "webhooks", "tracking")
# The loader's URL never changes, so it is cached for a day and revalidated by ETag after that.
LOADER_CACHE = "public, max-age=86400, stale-while-revalidate=604800"


@require_safe
@gzip_page
def loader(request):
    body, etag = loader_source()
    quoted = f'"{etag}"'
    if quoted in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = quoted
    response["Cache-Control"] = LOADER_CACHE
    # Host pages with Cross-Origin-Embedder-Policy may still load it.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _https_only(branding: dict) -> dict:
    branding = dict(branding or {})
    if not str(branding.get("logo_url") or "").startswith("https://"):
        branding["logo_url"] = None
    return branding


def _language(value: str) -> str:
    base = value.split("-")[0].lower()
    return base if base.isalpha() and len(base) == 2 else "en"


@require_safe
@xframe_options_exempt  # framing is governed by the CSP's frame-ancestors instead
def app_page(request, slug, view="home"):
    # No ORDER BY (`.first()` adds one by id, which the planner may answer by walking the primary
    # key): the slug is unique, its index finds the row alone.
    config = next(iter(EmbedConfig.objects.filter(slug=slug, is_active=True).order_by()[:1]), None)
    if config is None:
        response = render(request, "embed_ui/unavailable.html", status=404)
        response["Content-Security-Policy"] = app_csp(allowed_origins=[])
        return response
    # The public config's fields as PublicConfigOutput shows them (its branding is the column as
    # stored, its bridge types `public_bridge_types`), without building a serializer per request.
    boot = {
        "slug": config.slug,
        "view": view.split("/")[0] if view.split("/")[0] in VIEWS else "home",
        "branding": _https_only(config.branding),
        "allowedBridgeTypes": public_bridge_types(config.allowed_bridge_types),
        "apiBase": "/api/v1/",
        "trackingBase": request.build_absolute_uri("/t/"),
    }
    # A plain context: the page reads only these four, so the context processors (user, messages,
    # the dashboard's navigation) that `render()` would run are not.
    response = HttpResponse(
        get_template("embed_ui/app.html").render(
            {
                "boot": json.dumps(boot),
                "version": app_version(),
                "urls": app_urls(),
                "locale": _language(request.GET.get("locale", "")),
            }
        )
    )
    response["Content-Security-Policy"] = app_csp(allowed_origins=config.allowed_origins)
    response["Cache-Control"] = "no-cache"
    response["Referrer-Policy"] = "same-origin"
    return response
