"""HTTP calls to bridge services (CONTRACT §7): one base URL per bridge type, from settings.

Bridge services are configured by the operator, not by tenants, so their URLs are trusted; the
calls still carry explicit timeouts and never follow redirects (a redirect could carry the
decrypted credentials somewhere else).
"""

from urllib.parse import urlencode

import requests
from django.conf import settings


class BridgeServiceError(Exception):
    """The bridge service could not be reached or gave an answer we cannot use."""


def bridge_service_base_url(bridge_type: str) -> str:
    return settings.ORDERLY_BRIDGE_SERVICE_URL.format(type=bridge_type).rstrip("/")


def bridge_service_post(*, bridge_type: str, path: str, payload: dict) -> tuple[int, dict]:
    """POST JSON to `<base><path>`; returns (status code, JSON object) or raises BridgeServiceError.

    A 5xx, a redirect, a non-JSON body or a transport failure raise; a 4xx with a JSON object is
    returned, since bridge services explain refused credentials that way.
    """
    url = bridge_service_base_url(bridge_type) + path
    try:
        response = requests.post(
            url,
            json=payload,
            timeout=settings.ORDERLY_BRIDGE_TIMEOUT,
            allow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "Orderly-Bridges/1.0"},
        )
    except requests.Timeout:
        raise BridgeServiceError("The bridge service did not answer in time.") from None
    except requests.RequestException:
        raise BridgeServiceError("The bridge service could not be reached.") from None
    if response.status_code >= 500 or 300 <= response.status_code < 400:
        raise BridgeServiceError(f"The bridge service answered with HTTP {response.status_code}.")
    try:
        body = response.json()
    except ValueError:
        raise BridgeServiceError("The bridge service sent an answer that is not JSON.") from None
    if not isinstance(body, dict):
        raise BridgeServiceError("The bridge service sent an unexpected answer.")
    return response.status_code, body


def bridge_oauth_authorize_url(*, bridge_type: str, shop: str, state: str) -> str:
    return f"{bridge_service_base_url(bridge_type)}/oauth/authorize?" + urlencode(
        {"shop": shop, "state": state}
    )
