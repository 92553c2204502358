"""HTTP calls to bridge services (CONTRACT §7, §10): one base URL per bridge type, from settings.

Bridge services are configured by the operator, not by tenants, but the SSRF policy of webhooks
(CONTRACT §6) applies to them all the same: https, no loopback, private, link-local or reserved
address (unless ORDERLY_WEBHOOKS_ALLOW_PRIVATE), checked before each call and enforced again at
connect time. The calls carry explicit timeouts and never follow redirects (a redirect could carry
the decrypted credentials somewhere else).
"""

import datetime as dt
import email.utils
from functools import lru_cache
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils import timezone
from requests_hardened import Config, Manager

import orderly
from webhooks import ssrf

USER_AGENT = f"Orderly-Bridges/{orderly.__version__}"
# A page of 100 orders with their line items and shipments fits in far less; more is refused
# rather than read into memory.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024


class BridgeServiceError(Exception):
    """The bridge service could not be reached or gave an answer we cannot use."""


class BridgeAuthRefused(BridgeServiceError):
    """The service refused the bridge's credentials (401/403): the connection needs the user."""


class BridgeServiceBusy(BridgeServiceError):
    """Worth trying again later: 429, 5xx, a timeout or a refused connection."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def bridge_service_base_url(bridge_type: str) -> str:
    return settings.ORDERLY_BRIDGE_SERVICE_URL.format(type=bridge_type).rstrip("/")


@lru_cache(maxsize=2)
def _session(allow_private: bool) -> requests.Session:
    """One keep-alive session per process and mode. Outside ALLOW_PRIVATE, requests-hardened
    resolves the name once, refuses private ranges and connects to that very address."""
    config = Config(
        ip_filter_enable=not allow_private,
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=tuple(settings.ORDERLY_BRIDGE_TIMEOUT),
        user_agent_override=USER_AGENT,
    )
    return Manager(config).get_session()


def http_post_json(
    *, url: str, payload: dict, headers: dict | None = None, timeout=None, what: str = "bridge service"
) -> requests.Response:
    """POST JSON under the SSRF policy; the body is read (bounded) before this returns.

    Raises BridgeServiceBusy for a timeout or a connection failure, BridgeServiceError for a URL
    the policy refuses or an oversized answer.
    """
    try:
        ssrf.url_check(url)
    except ssrf.UnsafeUrl as exc:
        raise BridgeServiceError(f"The {what} URL is not allowed: {exc}") from None
    try:
        response = _session(settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE).post(
            url,
            json=payload,
            timeout=timeout or settings.ORDERLY_BRIDGE_TIMEOUT,
            allow_redirects=False,
            stream=True,
            headers={"Accept": "application/json", **(headers or {})},
        )
        body = response.raw.read(MAX_RESPONSE_BYTES + 1, decode_content=True)
        response.close()
    except requests.Timeout:
        raise BridgeServiceBusy(f"The {what} did not answer in time.") from None
    except requests.RequestException:
        raise BridgeServiceBusy(f"The {what} could not be reached.") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise BridgeServiceError(f"The {what} sent an answer larger than 32 MB.")
    response._content = body
    return response


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - timezone.now()).total_seconds())


def _json_object(response: requests.Response, what: str = "bridge service") -> dict:
    try:
        body = response.json()
    except ValueError:
        raise BridgeServiceError(f"The {what} sent an answer that is not JSON.") from None
    if not isinstance(body, dict):
        raise BridgeServiceError(f"The {what} sent an unexpected answer.")
    return body


def bridge_service_post(*, bridge_type: str, path: str, payload: dict) -> tuple[int, dict]:
    """POST JSON to `<base><path>`; returns (status code, JSON object) or raises BridgeServiceError.

    A 5xx, a redirect, a non-JSON body or a transport failure raise; a 4xx with a JSON object is
    returned, since bridge services explain refused credentials that way.
    """
    response = http_post_json(url=bridge_service_base_url(bridge_type) + path, payload=payload)
    if response.status_code >= 500 or 300 <= response.status_code < 400:
        raise BridgeServiceError(f"The bridge service answered with HTTP {response.status_code}.")
    return response.status_code, _json_object(response)


def _refusal_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    message = body.get("message") or body.get("error") if isinstance(body, dict) else None
    detail = f": {str(message)[:300]}" if isinstance(message, str) and message else "."
    return f"The bridge service refused the credentials (HTTP {response.status_code}){detail}"


def bridge_service_orders_page(
    *, bridge_type: str, config: dict, since: str | None, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `POST <base>/orders` (CONTRACT §10): (orders, nextCursor).

    401/403 raise BridgeAuthRefused; 429, 5xx and transport failures BridgeServiceBusy (with the
    service's Retry-After); any other answer that is not a page raises BridgeServiceError.
    """
    response = http_post_json(
        url=bridge_service_base_url(bridge_type) + "/orders",
        payload={"config": config, "since": since, "cursor": cursor, "limit": limit},
    )
    status = response.status_code
    if status in (401, 403):
        raise BridgeAuthRefused(_refusal_message(response))
    if status == 429 or status >= 500:
        raise BridgeServiceBusy(
            f"The bridge service answered with HTTP {status}.",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if not 200 <= status < 300:
        raise BridgeServiceError(f"The bridge service answered with HTTP {status}.")
    body = _json_object(response)
    orders, next_cursor = body.get("orders"), body.get("nextCursor")
    if not isinstance(orders, list):
        raise BridgeServiceError("The bridge service sent a page without an `orders` list.")
    if next_cursor is not None and (
        not isinstance(next_cursor, str) or not next_cursor or len(next_cursor) > 4096
    ):
        raise BridgeServiceError("The bridge service sent an invalid `nextCursor`.")
    if next_cursor is not None and next_cursor == cursor:
        raise BridgeServiceError("The bridge service sent the same `nextCursor` again.")
    return orders, next_cursor


def bridge_oauth_authorize_url(*, bridge_type: str, shop: str, state: str) -> str:
    return f"{bridge_service_base_url(bridge_type)}/oauth/authorize?" + urlencode(
        {"shop": shop, "state": state}
    )
