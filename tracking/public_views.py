"""The customer's pages: tracking page, notify-me, order lookup. Server-rendered, no PII, no inline script.

Every page is in the customer's language (English or Swedish: `?lang=` from the switcher, else
`Accept-Language`) and in the 3PL's brand, including the error pages. The forms post without a
CSRF token on purpose: these pages are public and cached, there is no session to ride on, and
what a forged post could do is bounded by the same limits as a real one (a subscription still
needs the mailed confirmation; a lookup is throttled and reveals nothing without the contact).
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from embed.models import EmbedConfig
from orderly.api.throttling import FixedWindowThrottle
from orderly.errors import DomainError, ErrorCode
from tracking import notify, selectors, services

LANGUAGES = dict(settings.LANGUAGES)


def customer_language(request) -> str:
    requested = (request.POST.get("lang") or request.GET.get("lang") or "").lower()
    if requested in LANGUAGES:
        return requested
    return translation.get_language_from_request(request)


def in_customer_language(view):
    """Render `view` in the customer's language and say so (Content-Language, Vary)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = customer_language(request)
        with translation.override(language):
            request.customer_language = language
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def _languages(request, language: str) -> list[dict]:
    """The switcher: the same page in each language (the query string kept, `lang` replaced)."""
    query = request.GET.copy()
    links = []
    for code, name in settings.LANGUAGES:
        query["lang"] = code
        links.append({"code": code, "name": name, "url": f"?{query.urlencode()}", "current": code == language})
    return links


# How long the tracking page may be kept, by browsers and shared caches, and its rendering here.
PAGE_SECONDS = 60


def _render(request, template: str, context: dict, *, status: int = 200, cache_seconds: int = 0):
    language = request.customer_language
    branding = context.get("branding") or selectors.tracking_branding(None)
    response = render(
        request,
        template,
        {
            **context,
            "branding": branding,
            "brand_text": selectors.brand_text_color(branding["primary_color"]),
            "language": language,
            "languages": _languages(request, language),
            "confirm_days": settings.ORDERLY_TRACKING_CONFIRM_DAYS,
        },
        status=status,
    )
    if cache_seconds:
        patch_cache_control(response, public=True, max_age=cache_seconds)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


class _ClientThrottle(FixedWindowThrottle):
    def __init__(self, scope: str, key: str = ""):
        super().__init__()
        self.scope = scope
        self.key = key

    def client_key(self, request) -> str:
        return self.key or self.get_ident(request)


def _throttled(request, *throttles) -> float | None:
    """Seconds to wait when any of `throttles` refuses this request, else None (all are counted)."""
    waits = [t.wait() for t in throttles if not t.allow_request(request, None)]
    return max(waits) if waits else None


def _too_many(request, context: dict, wait: float):
    response = _render(request, "tracking/throttled.html", context, status=429)
    response["Retry-After"] = str(max(1, int(wait) + 1))
    return response


def _unavailable(request, token: str, exc: DomainError):
    gone = exc.code is ErrorCode.GONE
    page = selectors.tracking_page_by_token(token) if gone else None
    config = getattr(page.organization, "embed_config", None) if page is not None else None
    # Why, when it is gone: revoked, expired, or tracking turned off (tracking.services.UNAVAILABLE_REASONS).
    context = {"gone": gone, "reason": exc.details.get("reason"), "branding": selectors.tracking_branding(config)}
    return _render(request, "tracking/unavailable.html", context, status=410 if gone else 404, cache_seconds=60)


@require_GET
@in_customer_language
def tracking_page(request, token):
    try:
        page = services.tracking_page_view(token=token)
    except DomainError as exc:
        return _unavailable(request, token, exc)
    # The page says it may be cached for PAGE_SECONDS; so, shared by every web process, is its
    # rendering (the journey's query and the template were half the request), keyed by what it
    # shows: the shipment and the configuration as last changed, the language and the query string.
    key = _page_cache_key(request, page)
    body = cache.get(key)
    if body is not None:
        response = HttpResponse(body)
        patch_cache_control(response, public=True, max_age=PAGE_SECONDS)
        return response
    response = _render(request, "tracking/page.html", selectors.tracking_page_context(page), cache_seconds=PAGE_SECONDS)
    cache.set(key, response.content, PAGE_SECONDS)
    return response


def _page_cache_key(request, page) -> str:
    shipment = page.shipment
    config = getattr(page.organization, "embed_config", None)
    stamps = [
        page.pk,
        page.token,
        shipment.updated_at,
        shipment.latest_checkpoint_at,
        config.updated_at if config is not None else None,
        request.customer_language,
        request.GET.urlencode(),
    ]
    return "tracking:page:" + hashlib.sha256(repr(stamps).encode()).hexdigest()


@csrf_exempt
@require_POST
@in_customer_language
def tracking_subscribe(request, token):
    try:
        page = services.tracking_page_live(token=token)
    except DomainError as exc:
        return _unavailable(request, token, exc)
    context = selectors.tracking_page_context(page)
    wait = _throttled(request, _ClientThrottle("tracking_subscribe"))
    if wait is not None:
        return _too_many(request, {"branding": context["branding"], "back_url": _page_url(page)}, wait)
    try:
        notify.tracking_subscription_create(
            page=page, email=request.POST.get("email", ""), language=request.customer_language
        )
    except DomainError as exc:
        if exc.code is ErrorCode.VALIDATION_ERROR:
            context.update(notify_error=exc.details.get("email", [exc.message])[0], email=request.POST.get("email", ""))
            return _render(request, "tracking/page.html", context, status=400)
        return _render(request, "tracking/notify_result.html", {**context, "result": "full"}, status=exc.status)
    return _render(request, "tracking/notify_result.html", {**context, "result": "check_inbox"})


def _page_url(page, language: str | None = None) -> str:
    url = reverse("tracking-page", args=[page.token])
    return f"{url}?{urlencode({'lang': language})}" if language else url


@require_GET
@in_customer_language
def tracking_subscription_confirm(request):
    subscription = notify.tracking_subscription_confirm(token=request.GET.get("t", ""))
    if subscription is None:
        return _render(request, "tracking/notify_result.html", {"result": "invalid_link"}, status=400)
    context = selectors.tracking_page_context(subscription.tracking_page)
    return _render(request, "tracking/notify_result.html", {**context, "result": "confirmed"})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs here with no cookie or token
@require_http_methods(["GET", "POST"])
@in_customer_language
def tracking_unsubscribe(request):
    token = request.GET.get("t") or request.POST.get("t", "")
    subscription = notify.tracking_subscription_delete(token=token)
    if subscription is None:
        return _render(request, "tracking/notify_result.html", {"result": "invalid_link"}, status=400)
    page = subscription.tracking_page
    config = getattr(page.organization, "embed_config", None)
    context = {"branding": selectors.tracking_branding(config), "page": page, "result": "unsubscribed"}
    return _render(request, "tracking/notify_result.html", context)


def _lookup_config(slug: str):
    """The organization whose lookup page this is: an active config with branded tracking on."""
    config = EmbedConfig.objects.select_related("organization").filter(slug=slug, is_active=True).first()
    if config is None or not config.has_feature("branded_tracking"):
        return None
    return config


@csrf_exempt
@require_http_methods(["GET", "POST"])
@in_customer_language
def tracking_lookup(request, slug):
    config = _lookup_config(slug)
    if config is None:
        return _render(request, "tracking/unavailable.html", {"gone": False, "lookup": True}, status=404)
    branding = selectors.tracking_branding(config)
    context = {"branding": branding, "config": config}
    if request.method == "GET":
        return _render(request, "tracking/lookup.html", context)
    order_number = request.POST.get("order_number", "")[:100]
    contact = request.POST.get("contact", "")[:254]
    context.update(order_number=order_number, contact=contact)
    if not order_number.strip() or not contact.strip():
        return _render(request, "tracking/lookup.html", {**context, "error": "missing"}, status=400)
    number_key = f"{config.pk}:{order_number.strip().lstrip('#').strip().lower()}"
    wait = _throttled(
        request, _ClientThrottle("tracking_lookup"), _ClientThrottle("tracking_lookup_order", key=number_key)
    )
    if wait is not None:
        return _too_many(request, {"branding": branding, "back_url": request.path}, wait)
    pages = services.tracking_lookup(organization=config.organization, order_number=order_number, contact=contact)
    if pages is None:
        return _render(request, "tracking/lookup.html", {**context, "error": "no_match"}, status=404)
    if len(pages) == 1:
        response = HttpResponse(status=303)
        response["Location"] = _page_url(pages[0], request.customer_language)
        patch_cache_control(response, private=True, no_store=True)
        return response
    links = [
        {**selectors.tracking_page_context(p), "url": _page_url(p, request.customer_language)} for p in pages
    ]
    return _render(request, "tracking/lookup_result.html", {**context, "results": links})


@require_GET
def tracking_theme(request, slug):
    """The brand as CSS custom properties, so the pages need no inline style (CSP `style-src 'self'`)."""
    config = EmbedConfig.objects.filter(slug=slug).first()
    branding = selectors.tracking_branding(config)
    color = branding["primary_color"]
    css = f":root {{ --brand: {color}; --brand-text: {selectors.brand_text_color(color)}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=300)
    return response
