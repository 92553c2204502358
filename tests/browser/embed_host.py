"""A host page on a second origin (127.0.0.1, while the live server is on localhost) for the embed
UI's browser tests, with a tiny "host backend" that mints sessions through the real API.

Fixtures: `host` (the server, reset per test), `embed_tenant` (a tenant whose config allows the
host's origin), `embed_page` (a Chromium page that opens a host page and waits for `ready`).
"""

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
__all__ = ["axe_source", "embed", "embed_tenant", "host", "host_server"]
EVENTS = ["ready", "navigate", "bridge_connected", "action_request_submitted", "session_expired", "error"]


class HostServer:
    """Serves `pages[path]` and `/session`, which mints a server-side session with `api_key`."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        self.reset()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        self.pages = {}
        self.orderly_url = ""
        self.api_key = ""
        self.session_body: dict = {}
        self.fail_sessions = False
        self.bare_token = False
        self.minted: list[dict] = []

    def mint(self) -> tuple[int, str]:
        if self.fail_sessions:
            return 503, "session service down"
        response = requests.post(
            f"{self.orderly_url}/api/v1/embed/sessions",
            json=self.session_body,
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=10,
        )
        if response.status_code != 201:
            return 502, response.text
        data = response.json()["data"]
        self.minted.append(data)
        return 200, data["token"] if self.bare_token else json.dumps(data)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path == "/session":
                    status, body = server.mint()
                    content_type = "text/plain"
                else:
                    page = server.pages.get(self.path.split("?")[0])
                    status, body, content_type = (
                        (200, page, "text/html") if page else (404, "not found", "text/plain")
                    )
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


def host_page(orderly_url: str, init: str, *, view: str = "home", extra: str = "") -> str:
    """The docs' ten lines, plus a recorder of every event for the test to read."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Merchant portal</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{margin:0;font-family:sans-serif}} header{{padding:12px 16px;background:#0f172a;color:#fff}}</style></head>
<body><header>Merchant portal (host page)</header><main><div id="orderly"></div></main>
<script src="{orderly_url}/embed/v1/orderly.js"></script>
<script>
  window.events = [];
  window.t0 = performance.now();
  const embed = Orderly.init({init});
  {json.dumps(EVENTS)}.forEach((name) => embed.on(name, (detail) => window.events.push({{name, detail, at: performance.now()}})));
  window.embed = embed;
  window.handle = embed.mount("#orderly", {{ view: "{view}" }});
</script>
{extra}
</body></html>"""


def session_init(slug: str, **options) -> str:
    parts = [
        f'slug: "{slug}"',
        'fetchSessionToken: async () => { const r = await fetch("/session"); if (!r.ok) throw new Error("host backend said " + r.status); return r.text(); }',
    ]
    parts += [f"{key}: {json.dumps(value)}" for key, value in options.items()]
    return "{ " + ", ".join(parts) + " }"


@pytest.fixture(scope="session")
def host_server():
    server = HostServer()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def host(host_server, live_server):
    host_server.reset()
    host_server.orderly_url = live_server.url
    yield host_server
    host_server.reset()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=AXE_DIR, check=True, timeout=300
        )
    return AXE.read_text()


@pytest.fixture
def embed_tenant(make_tenant, host):
    from orderly.features import SESSION_SCOPES

    tenant = make_tenant(allowed_origins=[host.url], allowed_bridge_types=["shopify", "shipstation"])
    host.api_key = tenant.api_key("embed:manage")
    end_user = tenant.end_user(external_id="merchant_1", name="Acme Outdoor Co.")
    tenant.merchant = end_user
    host.session_body = {"externalId": end_user.external_id, "scopes": list(SESSION_SCOPES)}
    return tenant


class Embed:
    """A host page with the embed in it, and helpers to look inside the frame."""

    def __init__(self, page, host, tenant):
        self.page, self.host, self.tenant = page, host, tenant
        self.requests: list = []
        page.on("request", lambda request: self.requests.append(request))

    def open(self, *, view="home", init=None, extra="", path="/portal", wait=True, **options):
        init = init or session_init(self.tenant.config.slug, **options)
        self.host.pages[path] = host_page(self.host.orderly_url, init, view=view, extra=extra)
        self.page.goto(self.host.url + path)
        if wait:
            self.wait_event("ready")
        return self

    @property
    def frame(self):
        return self.page.frame_locator("#orderly iframe")

    @property
    def inner(self):
        return next(f for f in self.page.frames if "/embed/v1/app/" in f.url)

    def events(self, name=None):
        events = self.page.evaluate("window.events")
        return [e for e in events if name is None or e["name"] == name]

    def wait_event(self, name, count=1, timeout=15000):
        self.page.wait_for_function(
            "([name, count]) => window.events.filter((e) => e.name === name).length >= count",
            arg=[name, count],
            timeout=timeout,
        )
        return self.events(name)

    def navigate(self, view):
        self.page.evaluate("(view) => window.handle.navigate(view)", view)
        self.settle(view)

    def settle(self, view=None):
        if view:
            self.frame.locator(f".o-view-{view}").wait_for()
        self.frame.locator(".o-loading").first.wait_for(state="detached", timeout=15000)

    def axe(self, axe_source, context=""):
        self.inner.evaluate(axe_source + "\n;0")
        result = self.inner.evaluate(
            """async () => { const r = await axe.run(document, { resultTypes: ['violations'] });
                 return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })); }"""
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{context}: {json.dumps(serious, indent=1)}"
        return result

    def api(self, method, path, token=None, **kwargs):
        """The API as the integrator's server sees it (API key), to check the UI's effects."""
        key = token or self.tenant.api_key()
        response = requests.request(
            method,
            f"{self.host.orderly_url}/api/v1/{path}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
            **kwargs,
        )
        return response


@pytest.fixture
def embed(page, host, embed_tenant):
    return Embed(page, host, embed_tenant)
