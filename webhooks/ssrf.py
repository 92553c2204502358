"""Where a webhook may point (CONTRACT §6): https, and never loopback, private, link-local,
multicast or reserved addresses — checked on save and again at delivery, on every address a name
resolves to. `ORDERLY_WEBHOOKS_ALLOW_PRIVATE` lets http, loopback and private ranges through for
local development; link-local (cloud metadata) stays refused always."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))


class UnsafeUrl(ValueError):
    pass


def _ip(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(value.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip


def address_refused(ip, *, allow_private: bool) -> str | None:
    if any(ip in net for net in LINK_LOCAL) or ip.is_link_local:
        return "link-local"
    if ip.is_loopback:
        # Before `is_reserved`: Python files ::1 under the reserved ::/8, so IPv6 loopback would
        # otherwise be refused even where IPv4 loopback is allowed.
        return None if allow_private else "private"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if not allow_private and (ip.is_private or not ip.is_global):
        return "private"
    return None


def connect_address_check(address: str) -> None:
    """Raise UnsafeUrl when a resolved address may not be connected to (the pinned transport
    checks every address of a name before it connects to one of them)."""
    reason = address_refused(_ip(address), allow_private=settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE)
    if reason:
        raise UnsafeUrl(f"The URL resolves to a {reason} address, which webhooks may not reach.")


def resolve(host: str, port: int) -> list:
    """Every address `host` resolves to; decimal, hex and octal IPv4 spellings resolve like the OS does."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [_ip(info[4][0]) for info in infos]


def url_check(url: str, *, resolve_names: bool = True) -> None:
    """Raise UnsafeUrl when `url` may not receive webhooks. A name that does not resolve now is
    accepted here (it is checked again, and pinned, at delivery)."""
    allow_private = settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed_schemes:
        raise UnsafeUrl("The URL must use https.")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeUrl("The URL must have a host and no credentials.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl("The URL has an invalid port.") from None
    try:
        addresses = resolve(parts.hostname, port) if resolve_names else [_ip(parts.hostname)]
    except (socket.gaierror, UnicodeError, ValueError):
        return
    for ip in addresses:
        reason = address_refused(ip, allow_private=allow_private)
        if reason:
            raise UnsafeUrl(f"The URL resolves to a {reason} address, which webhooks may not reach.")
