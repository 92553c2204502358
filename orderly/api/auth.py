"""Bearer authentication for API keys (`oh_…`) and embed sessions (`est_…`).

Both are looked up by the SHA-256 digest of the presented token under a unique index; a token
whose checksum does not verify is refused before any query.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from orderly.api.context import current_request_context
from orderly.api.tokens import API_KEY_PREFIX, SESSION_PREFIX, token_digest, token_is_well_formed


@dataclass
class Principal:
    """Who is calling: an organization's API key or one end user's embed session."""

    kind: str  # "api_key" | "session"
    organization: object
    scopes: frozenset = field(default_factory=frozenset)
    api_key: object = None
    session: object = None
    end_user: object = None
    is_authenticated: bool = True

    @property
    def is_session(self) -> bool:
        return self.kind == "session"

    @property
    def user_id(self):
        """The staff user acting through an API key (CONTRACT §1: `resolved_by` and the like)."""
        return self.api_key.created_by_id if self.api_key is not None else None

    @property
    def embed_config(self):
        return getattr(self.organization, "embed_config", None)

    @property
    def allowed_bridge_types(self):
        return self.session.allowed_bridge_types if self.session is not None else None


def _invalid(message="Invalid or expired credentials."):
    return exceptions.AuthenticationFailed(message)


def principal_for_api_key(token: str) -> Principal:
    from orderly.accounts.models import ApiKey

    if not token_is_well_formed(token, API_KEY_PREFIX):
        raise _invalid("Malformed API key.")
    try:
        key = ApiKey.objects.select_related("organization").get(digest=token_digest(token))
    except ApiKey.DoesNotExist:
        raise _invalid() from None
    if not key.is_usable:
        raise _invalid()
    now = timezone.now()
    if (
        key.last_used_at is None
        or (now - key.last_used_at).total_seconds() > settings.ORDERLY_API_KEY_TOUCH_SECONDS
    ):
        # Throttled so a busy key costs one UPDATE a minute, not one per request.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return Principal(kind="api_key", organization=key.organization, scopes=frozenset(key.scopes), api_key=key)


def principal_for_session(token: str) -> Principal:
    from orderly.accounts.models import EmbedSession

    if not token_is_well_formed(token, SESSION_PREFIX):
        raise _invalid("Malformed session token.")
    try:
        session = EmbedSession.objects.select_related("end_user", "organization__embed_config").get(
            digest=token_digest(token)
        )
    except EmbedSession.DoesNotExist:
        raise _invalid() from None
    if not session.is_usable:
        raise _invalid("Session expired or revoked.")
    current_request_context().session_id = session.pk
    return Principal(
        kind="session",
        organization=session.organization,
        scopes=frozenset(session.scopes),
        session=session,
        end_user=session.end_user,
    )


class BearerAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise _invalid("Malformed Authorization header; expected 'Bearer <token>'.")
        if token.startswith(API_KEY_PREFIX):
            principal = principal_for_api_key(token)
        elif token.startswith(SESSION_PREFIX):
            principal = principal_for_session(token)
        else:
            raise _invalid("Unknown credential type.")
        # Lets the CORS middleware answer for this tenant's origins only.
        request._request.orderly_organization_id = principal.organization.pk
        return (principal, principal)

    def authenticate_header(self, request):
        return 'Bearer realm="orderly"'
