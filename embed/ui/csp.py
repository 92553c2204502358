"""The app page's Content-Security-Policy, built in one place.

`frame-ancestors` lists the config's allowed origins, so only the integrator's pages can frame the
app (none configured → `'none'`). No inline script or style: the app is external ES modules and one
stylesheet; appearance variables are applied through the CSSOM, which CSP does not restrict.
"""

APP_DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    # Branding logos are https images on the integrator's CDN; icons are inline SVG or data: URLs.
    ("img-src", "'self' data: https:"),
    ("connect-src", "'self'"),
    ("font-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
)


def frame_ancestors(allowed_origins) -> str:
    origins = [origin for origin in (allowed_origins or []) if origin]
    return " ".join(origins) if origins else "'none'"


# The directives that never vary, joined once (a constant of this module, not a cache).
_APP_FIXED = "; ".join(f"{name} {value}" for name, value in APP_DIRECTIVES)


def app_csp(*, allowed_origins) -> str:
    return f"{_APP_FIXED}; frame-ancestors {frame_ancestors(allowed_origins)}"
