"""Default-deny permissions: a view states its credential kind, scopes and feature in one line.

    required = Session("actions:write", feature="action_requests")
    required = {"GET": ApiKey("operations:read"), "POST": ApiKey("operations:write")}
"""

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from orderly.errors import DomainError, ErrorCode


class Requirement:
    def check(self, request, view) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


class Public(Requirement):
    def check(self, request, view) -> bool:
        return True

    def describe(self) -> str:
        return "Public"


class _Credential(Requirement):
    kind = ""
    label = ""

    def __init__(self, *scopes: str, feature: str | None = None):
        self.scopes = scopes
        self.feature = feature

    def describe(self) -> str:
        parts = [self.label, *self.scopes]
        if self.feature:
            parts.append(f"feature {self.feature}")
        return " ".join(parts)

    def check(self, request, view) -> bool:
        principal = request.auth
        if principal is None:
            raise exceptions.NotAuthenticated()
        if principal.kind != self.kind:
            raise exceptions.AuthenticationFailed(f"This endpoint requires {self.label}.")
        self.check_extra(principal)
        missing = [s for s in self.scopes if s not in principal.scopes]
        if missing:
            raise DomainError(
                ErrorCode.INSUFFICIENT_SCOPE,
                f"Missing scope: {', '.join(missing)}.",
                details={"required": list(self.scopes), "missing": missing},
            )
        return True

    def check_extra(self, principal) -> None:
        pass


class ApiKey(_Credential):
    kind = "api_key"
    label = "an API key (oh_…)"


class Session(_Credential):
    kind = "session"
    label = "an embed session (est_…)"

    def check_extra(self, principal) -> None:
        config = principal.embed_config
        if config is None or not config.is_active:
            raise DomainError(ErrorCode.EMBED_INACTIVE, "The embed configuration is not active.")
        if self.feature and not config.has_feature(self.feature):
            raise DomainError(
                ErrorCode.FEATURE_DISABLED,
                f"The '{self.feature}' feature is not enabled.",
                details={"feature": self.feature},
            )


class Required(BasePermission):
    """Reads `view.required`; a view that declares nothing is refused."""

    def has_permission(self, request, view) -> bool:
        requirement = requirement_for(view, request.method)
        if requirement is None:
            return False
        return requirement.check(request, view)


def requirement_for(view, method: str):
    required = getattr(view, "required", None)
    if isinstance(required, dict):
        if method == "OPTIONS":
            return Public()
        return required.get(method) or (required.get("GET") if method == "HEAD" else None)
    return required
