"""The one domain error. Services raise `DomainError(code, message, details=…)` with a stable
snake_case code from CONTRACT §3; `orderly.api.errors` maps it to the wire envelope."""

from enum import StrEnum


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "validation_error"
    INVALID_JSON = "invalid_json"
    UNAUTHENTICATED = "unauthenticated"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    FEATURE_DISABLED = "feature_disabled"
    EMBED_INACTIVE = "embed_inactive"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    IDENTITY_VERIFICATION_FAILED = "identity_verification_failed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    INVALID_STATE = "invalid_state"
    CONFLICT = "conflict"
    GONE = "gone"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNPROCESSABLE = "unprocessable"
    LIMIT_EXCEEDED = "limit_exceeded"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    RATE_LIMITED = "rate_limited"
    BAD_GATEWAY = "bad_gateway"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INTERNAL_ERROR = "internal_error"


DEFAULT_STATUS = {
    ErrorCode.VALIDATION_ERROR: 400,
    ErrorCode.INVALID_JSON: 400,
    # A full collection is a conflict with its current state (409), not a malformed request: the same
    # request succeeds once one is deleted.
    ErrorCode.LIMIT_EXCEEDED: 409,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INSUFFICIENT_SCOPE: 403,
    ErrorCode.FEATURE_DISABLED: 403,
    ErrorCode.EMBED_INACTIVE: 403,
    ErrorCode.ORIGIN_NOT_ALLOWED: 403,
    ErrorCode.IDENTITY_VERIFICATION_FAILED: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.NOT_ACCEPTABLE: 406,
    ErrorCode.INVALID_STATE: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.GONE: 410,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.UNPROCESSABLE: 422,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.IDEMPOTENCY_KEY_IN_USE: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.BAD_GATEWAY: 502,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}


class DomainError(Exception):
    """Raised by services (and views) with one of the contract's codes. It knows nothing of HTTP
    beyond the status its code implies: the API layer maps it to the error envelope, and dashboard
    views catch it and show its message."""

    def __init__(
        self, code: ErrorCode, message: str, *, details: dict | None = None, status: int | None = None
    ):
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.details = details or {}
        self.status = status or DEFAULT_STATUS[self.code]

    def as_text(self) -> str:
        """The message and each field's messages as one sentence staff can read (never a dict repr)."""
        parts = [self.message]
        for field, errors in self.details.items():
            items = errors if isinstance(errors, list | tuple) else [errors]
            # "input.note" → "Note": the field as the form names it.
            label = str(field).rsplit(".", 1)[-1].replace("_", " ").capitalize()
            parts.append(f"{label}: {' '.join(str(e) for e in items)}")
        return " ".join(parts)


def not_found(what: str = "Resource") -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found.")


def invalid_state(message: str, **details) -> DomainError:
    return DomainError(ErrorCode.INVALID_STATE, message, details=details)


def validation_error(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, "Invalid input.", details={field: [message]})
