from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_canonical_paths(endpoints, **kwargs):
    """Document each route once: the /api/embed, /api/operations and /api/v3 aliases and the
    trailing-slash twins serve the same views."""
    return [e for e in endpoints if e[0].startswith("/api/v1/") and not e[0].endswith("/")]


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "orderly.api.auth.BearerAuthentication"
    name = ["ApiKey", "EmbedSession"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "API key `oh_…` (integrator's server)"},
            {"type": "http", "scheme": "bearer", "description": "Embed session token `est_…` (end user)"},
        ]
