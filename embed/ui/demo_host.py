"""A sample host page on a second origin that embeds the drop-in UI for a demo end user.

    python -m embed.ui.demo_host --port 8001 --orderly http://127.0.0.1:8000

It plays the integrator: a page with the ten lines of docs/embed-ui.md, and a tiny "host backend"
(`/orderly-session`) that mints a session for the demo end user through the real API with an API
key. The key comes from ORDERLY_DEMO_API_KEY, else from var/embed-demo-host.json, else it is
created once with `manage.py create_api_key` for the demo organization (`manage.py seed_demo`).
At start it adds its own origin to the demo config's allowed_origins through the API.

The standard library and `requests`, no Django: it is the host's server, not Orderly's.
"""

import argparse
import html
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from orderly.features import SESSION_SCOPES as ALL_SESSION_SCOPES

ROOT = Path(__file__).resolve().parents[2]
# Beside the other local state (ORDERLY_VAR_DIR, as in settings): a run on another database keeps its own.
KEY_FILE = Path(os.environ.get("ORDERLY_VAR_DIR", ROOT / "var")) / "embed-demo-host.json"
DEMO_ORG, DEMO_USER = "demo", "demo@orderly.local"
# What the host backend asks for: every scope, as an integrator would list them (CONTRACT §1).
SESSION_SCOPES = list(ALL_SESSION_SCOPES)
DEMO_END_USER = {
    "externalId": "merchant_acme",
    "name": "Acme Outdoor Co.",
    "email": "ops@acme-outdoor.example",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Outdoor — merchant portal (sample host page)</title>
  <style>
    body {{ margin: 0; font-family: system-ui, sans-serif; background: #f1f5f9; color: #0f172a; }}
    header {{ background: #0f172a; color: #fff; padding: 14px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }}
    header small {{ opacity: .8; }}
    main {{ max-width: 1200px; margin: 20px auto; padding: 0 12px; }}
    #orderly {{ background: #fff; border-radius: 10px; }}
    label {{ font-size: 14px; }}
  </style>
</head>
<body>
  <header>
    <strong>Acme Outdoor — merchant portal</strong>
    <small>a host page on {origin}, embedding Orderly from {orderly}</small>
    <label>Language <select id="locale"><option value="en">English</option><option value="sv">Svenska</option></select></label>
    <label><input type="checkbox" id="dark"> Dark host</label>
  </header>
  <main>
    <!-- The ten lines of docs/embed-ui.md: -->
    <div id="orderly"></div>
    <script src="{orderly}/embed/v1/orderly.js"></script>
    <script>
      const embed = Orderly.init({{
        slug: {slug},
        fetchSessionToken: async () => (await fetch("/orderly-session")).text(),
      }});
      embed.on("ready", () => console.log("Orderly embed ready"));
      embed.mount("#orderly", {{ view: "home" }});
    </script>
    <!-- Demo controls, not part of an integration: -->
    <script>
      ["navigate", "bridge_connected", "action_request_submitted", "session_expired", "error"].forEach((name) =>
        embed.on(name, (detail) => console.log("Orderly event", name, detail)));
      document.getElementById("locale").addEventListener("change", (e) => embed.update({{ locale: e.target.value }}));
      document.getElementById("dark").addEventListener("change", (e) => {{
        document.body.style.background = e.target.checked ? "#020617" : "#f1f5f9";
        document.getElementById("orderly").style.background = e.target.checked ? "#111827" : "#fff";
        embed.update({{ appearance: e.target.checked
          ? {{ colorBackground: "#111827", colorText: "#F9FAFB", colorPrimary: "#818CF8" }}
          : {{ colorBackground: "#FFFFFF", colorText: "#1F2937", colorPrimary: "#4F46E5" }} }});
      }});
    </script>
  </main>
</body>
</html>
"""


def call(orderly: str, method: str, path: str, key: str, body=None) -> tuple[int, dict]:
    response = requests.request(
        method, f"{orderly}/api/v1/{path}", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, {}


def wait_until_up(orderly: str, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{orderly}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit(f"Orderly did not answer at {orderly}")


def demo_api_key(orderly: str) -> str:
    candidates = [os.environ.get("ORDERLY_DEMO_API_KEY", "")]
    if KEY_FILE.exists():
        candidates.append(json.loads(KEY_FILE.read_text()).get("key", ""))
    for key in filter(None, candidates):
        if call(orderly, "GET", "embed/config/me", key)[0] == 200:
            return key
    created = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "manage.py",
            "create_api_key",
            "--org",
            DEMO_ORG,
            "--user",
            DEMO_USER,
            "--name",
            "Embed demo host page",
            "--scopes",
            "embed:manage",
            "--json",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    key = json.loads(created.stdout)["key"]
    KEY_FILE.parent.mkdir(exist_ok=True)
    KEY_FILE.write_text(json.dumps({"key": key}))
    KEY_FILE.chmod(0o600)
    return key


def allow_origins(orderly: str, key: str, origins: list[str]) -> str:
    """Add the host page's origins to the demo config; returns the config's slug."""
    status, body = call(orderly, "GET", "embed/config/me", key)
    if status != 200:
        raise SystemExit(f"No demo embed config ({status}): run manage.py seed_demo")
    config = body["data"]
    wanted = list(dict.fromkeys([*config["allowed_origins"], *origins]))
    if wanted != config["allowed_origins"]:
        status, body = call(orderly, "PATCH", "embed/config", key, {"allowed_origins": wanted})
        if status != 200:
            raise SystemExit(f"Could not allow {origins}: {body}")
    return config["slug"]


def make_handler(*, orderly: str, key: str, page: bytes):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/":
                self.reply(200, "text/html", page)
            elif self.path == "/orderly-session":
                # The host backend: its own user is the demo merchant; it asks Orderly for a session.
                body = {**DEMO_END_USER, "scopes": list(SESSION_SCOPES), "ttlSeconds": 3600}
                status, answer = call(orderly, "POST", "embed/sessions", key, body)
                if status == 201:
                    self.reply(200, "application/json", json.dumps(answer["data"]).encode())
                else:
                    self.reply(502, "text/plain", b"could not mint a session")
            else:
                self.reply(404, "text/plain", b"not found")

        def reply(self, status: int, content_type: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--orderly", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    orderly = args.orderly.rstrip("/")
    wait_until_up(orderly)
    key = demo_api_key(orderly)
    origins = [f"http://127.0.0.1:{args.port}", f"http://localhost:{args.port}"]
    slug = allow_origins(orderly, key, origins)
    page = PAGE.format(
        origin=html.escape(origins[0]), orderly=html.escape(orderly), slug=json.dumps(slug)
    ).encode()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(orderly=orderly, key=key, page=page))
    print(f"Embed demo host page: {origins[0]}/ (embeds {orderly}, config {slug!r})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
