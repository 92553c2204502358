"""A Content-Security-Policy on every HTML page, unless the view set its own.

No page runs inline script: every script is a file under /static/ (`script-src 'self'`), so an
injected `<script>` or `onclick=` does nothing even if some escaping were ever missed. Inline
*styles* stay allowed ('unsafe-inline' in style-src): the tracking page's brand colour is a
server-rendered style, and CSS cannot run code in the browsers we support. Nothing may frame a
page (`frame-ancestors 'none'`, beside X-Frame-Options: DENY); the embed app's pages set their
own policy naming the integrator's origins, which this leaves alone.

HSTS, Secure cookies and the proxy's https header are Django settings, set from the environment
in orderly/settings.py (on by default when not DEBUG).
"""

from django.conf import settings

DEFAULT_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self' 'unsafe-inline'"),
    # Brand logos live on the integrator's CDN (https); http only on this machine, for development.
    ("img-src", "'self' data: https: http://localhost:* http://127.0.0.1:*"),
    ("connect-src", "'self'"),
    ("font-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)


def content_security_policy() -> str:
    return settings.ORDERLY_CONTENT_SECURITY_POLICY or "; ".join(f"{k} {v}" for k, v in DEFAULT_POLICY)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        return response
