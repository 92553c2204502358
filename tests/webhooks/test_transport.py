"""The webhook transport: every connection pinned to an address the SSRF guard checked, kept alive
between deliveries, no redirect followed, answers read only as far as the excerpt."""

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import transport
from webhooks.delivery import EXCERPT_BYTES, http_send


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real receivers answer

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server = self.server
        server.seen.append({"path": self.path, "host": self.headers["Host"], "peer": self.client_address})
        status, body, extra = server.answers.get(self.path, (200, b"ok", {}))
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(ConnectionError):  # the client stops reading after its excerpt
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen, server.answers = [], {}
    server.handle_error = lambda request, address: None  # a client hanging up after its excerpt
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def dns(monkeypatch):
    """A resolver for made-up names; counts lookups. Real names resolve as usual."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    transport._manager = None  # no pooled connection from an earlier test
    yield answers, lookups
    transport._manager = None


def _send(url: str):
    return http_send(url=url, body='{"id":"1"}', headers={"webhook-id": "msg_1"})


def test_a_name_is_resolved_once_and_the_connection_kept_alive(receiver, dns, settings):
    # given a name that resolves to the receiver (private addresses allowed, as in development)
    answers, lookups = dns
    answers["hooks.receiver.test"] = ["127.0.0.1"]
    url = f"http://hooks.receiver.test:{receiver.server_port}/hook"
    # when two deliveries go to it
    first, second = _send(url), _send(url)
    # then both arrive, addressed to the name, over one connection made after one lookup
    assert (first.status, first.error, second.status, second.error) == (200, None, 200, None)
    assert [s["host"] for s in receiver.seen] == [f"hooks.receiver.test:{receiver.server_port}"] * 2
    assert receiver.seen[0]["peer"] == receiver.seen[1]["peer"]
    assert lookups == ["hooks.receiver.test"]


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(receiver, dns, settings):
    # given production rules, and a name whose every lookup answers the receiver's loopback address
    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = False
    answers, _lookups = dns
    answers["rebind.example"] = ["127.0.0.1"]
    answers["mixed.example"] = ["93.184.216.34", "127.0.0.1"]
    # when deliveries are sent there
    results = [_send(f"https://{name}:{receiver.server_port}/hook") for name in ("rebind.example", "mixed.example")]
    # then each is refused and nothing reached the receiver
    assert [r.status for r in results] == [None, None]
    assert all("private address" in r.error for r in results)
    assert receiver.seen == []


def test_link_local_is_refused_even_in_development(dns):
    answers, _lookups = dns
    answers["metadata.example"] = ["169.254.169.254"]
    result = _send("http://metadata.example/latest")
    assert result.status is None and "link-local" in result.error


def test_a_redirect_is_a_failure_and_is_not_followed(receiver):
    # given an endpoint that redirects elsewhere
    receiver.answers["/moved"] = (302, b"", {"Location": "/elsewhere"})
    # when
    result = _send(f"http://127.0.0.1:{receiver.server_port}/moved")
    # then
    assert (result.status, result.error) == (302, "HTTP 302")
    assert [s["path"] for s in receiver.seen] == ["/moved"]


def test_a_long_answer_is_cut_to_the_excerpt_and_its_connection_not_reused(receiver):
    # given an endpoint answering more than the excerpt, and a Retry-After
    receiver.answers["/long"] = (503, b"x" * (EXCERPT_BYTES * 3), {"Retry-After": "120"})
    url = f"http://127.0.0.1:{receiver.server_port}/long"
    # when it is sent twice
    first, second = _send(url), _send(url)
    # then each records the excerpt only, the status and the wish, over a fresh connection each
    assert (first.status, first.error, first.retry_after) == (503, "HTTP 503", "120")
    assert len(first.excerpt) == EXCERPT_BYTES
    assert receiver.seen[0]["peer"] != receiver.seen[1]["peer"]
    assert second.status == 503


def test_a_refused_connection_and_a_timeout_are_failures(receiver, settings):
    # given nothing listening on a port, and an endpoint that never answers in time
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.ORDERLY_WEBHOOK_TIMEOUT = (1, 0.5)
    transport._manager = None
    try:
        refused = _send(f"http://127.0.0.1:{closed_port}/hook")
        timed_out = _send(f"http://127.0.0.1:{silent.getsockname()[1]}/hook")
    finally:
        silent.close()
        transport._manager = None
    assert (refused.status, refused.error) == (None, "Connection refused or failed")
    assert (timed_out.status, timed_out.error) == (None, "Timed out")
