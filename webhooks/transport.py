"""The HTTP client webhooks are sent with: urllib3 connection pools whose every new connection is
pinned to an address checked by the SSRF guard.

Pinning: a new connection resolves the endpoint's name once, refuses it if any address is one
webhooks may not reach (`ssrf.address_refused`), and connects to those very addresses — there is
no second lookup a rebinding DNS server could answer differently. TLS still verifies the
certificate against the name (SNI and hostname check use the URL's host, not the address).
A pooled connection is one made that way, so keep-alive reuse is as safe as a new connection.

Why not requests: under load, a delivery worker spent about half its CPU in requests' per-request
machinery (sessions, adapters, hooks, cookie jars), and the previous client closed each
connection after reading the excerpt, so every delivery paid a new TCP (and TLS) handshake.
"""

import os
import socket
from dataclasses import dataclass

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError

from webhooks import ssrf

# Distinct hosts a process keeps connections to (least recently used dropped first). Each keeps
# as many as the process sends at once (ORDERLY_WEBHOOK_SEND_CONCURRENCY): many endpoints often
# share one host (a platform receiving for many merchants).
POOLS = 256


def _pinned_socket(connection) -> socket.socket:
    """Resolve, check every address, connect to the first that answers (what urllib3 does, checked)."""
    host, port = connection._dns_host, connection.port
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NewConnectionError(connection, f"Name resolution failed: {exc}") from exc
    for info in infos:
        ssrf.connect_address_check(info[4][0])
    error: OSError | None = None
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if connection.timeout is not None:
                sock.settimeout(connection.timeout)
            sock.connect(address)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(connection, f"Connection to {host} timed out") from exc
        except OSError as exc:
            sock.close()
            error = exc
    raise NewConnectionError(connection, f"Failed to establish a new connection: {error}")


class PinnedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _pinned_socket(self)


class PinnedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _pinned_socket(self)


class PinnedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class PinnedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection


_manager: tuple[int, urllib3.PoolManager] | None = None


def pool_manager() -> urllib3.PoolManager:
    """One manager per process (re-made after a fork: a prefork child must not share sockets)."""
    global _manager
    if _manager is None or _manager[0] != os.getpid():
        connect, read = settings.ORDERLY_WEBHOOK_TIMEOUT
        manager = urllib3.PoolManager(
            num_pools=POOLS,
            maxsize=settings.ORDERLY_WEBHOOK_SEND_CONCURRENCY,
            block=False,
            retries=False,
            timeout=urllib3.Timeout(connect=connect, read=read, total=read),
        )
        manager.pool_classes_by_scheme = {"http": PinnedHTTPConnectionPool, "https": PinnedHTTPSConnectionPool}
        _manager = (os.getpid(), manager)
    return _manager[1]


@dataclass
class Answer:
    status: int
    excerpt: bytes
    retry_after: str | None


def post(url: str, *, body: bytes, headers: dict, excerpt_bytes: int) -> Answer:
    """POST once: no retries, no redirects followed. Reads at most `excerpt_bytes` of the answer;
    a connection goes back to the pool only when its answer was read to the end."""
    response = pool_manager().urlopen(
        "POST", url, body=body, headers=headers, redirect=False, retries=False, preload_content=False
    )
    try:
        excerpt = response.read(excerpt_bytes, decode_content=True)
        finished = response.length_remaining == 0 or not response.read(1)
    except HTTPError:
        response.close()
        raise
    if finished:
        response.release_conn()
    else:
        response.close()  # an answer longer than the excerpt: not worth draining
    return Answer(response.status, excerpt, response.headers.get("Retry-After"))


