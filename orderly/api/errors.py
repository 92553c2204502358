"""One domain exception with a stable code, mapped to the CONTRACT §3 envelope by one handler."""

import logging
from enum import StrEnum

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "validation_error"
    INVALID_JSON = "invalid_json"
    UNAUTHENTICATED = "unauthenticated"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    FEATURE_DISABLED = "feature_disabled"
    EMBED_INACTIVE = "embed_inactive"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
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
    RATE_LIMITED = "rate_limited"
    BAD_GATEWAY = "bad_gateway"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INTERNAL_ERROR = "internal_error"


DEFAULT_STATUS = {
    ErrorCode.VALIDATION_ERROR: 400,
    ErrorCode.INVALID_JSON: 400,
    ErrorCode.LIMIT_EXCEEDED: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INSUFFICIENT_SCOPE: 403,
    ErrorCode.FEATURE_DISABLED: 403,
    ErrorCode.EMBED_INACTIVE: 403,
    ErrorCode.ORIGIN_NOT_ALLOWED: 403,
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
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.BAD_GATEWAY: 502,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}


class ApiError(Exception):
    """Raised by services and views; the handler turns it into the error envelope."""

    def __init__(
        self, code: ErrorCode, message: str, *, details: dict | None = None, status: int | None = None
    ):
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.details = details or {}
        self.status = status or DEFAULT_STATUS[self.code]


def not_found(what: str = "Resource") -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"{what} not found.")


def invalid_state(message: str, **details) -> ApiError:
    return ApiError(ErrorCode.INVALID_STATE, message, details=details)


def validation_error(field: str, message: str) -> ApiError:
    return ApiError(ErrorCode.VALIDATION_ERROR, "Invalid input.", details={field: [message]})


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": str(code), "message": message, "details": details or {}}}


def _flatten_details(detail) -> dict:
    if isinstance(detail, dict):
        return {str(k): _messages(v) for k, v in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value):
    if isinstance(value, dict):
        return {str(k): _messages(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, (list, dict)) for v in value):
            return [str(v) for v in value]
        return [_messages(v) for v in value]
    return [str(value)]


_DRF_MAP: list[tuple[type, ErrorCode]] = [
    (drf.ParseError, ErrorCode.INVALID_JSON),
    (drf.ValidationError, ErrorCode.VALIDATION_ERROR),
    (drf.NotAuthenticated, ErrorCode.UNAUTHENTICATED),
    (drf.AuthenticationFailed, ErrorCode.UNAUTHENTICATED),
    (drf.PermissionDenied, ErrorCode.INSUFFICIENT_SCOPE),
    (drf.NotFound, ErrorCode.NOT_FOUND),
    (drf.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (drf.NotAcceptable, ErrorCode.NOT_ACCEPTABLE),
    (drf.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (drf.Throttled, ErrorCode.RATE_LIMITED),
]


DATABASE_UNAVAILABLE_RETRY_AFTER = "5"


def database_unavailable(exc) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))


def exception_handler(exc, context):
    if database_unavailable(exc):
        # A lost database is the server's problem, not the client's: 503 and a hint to retry.
        logger.warning("Database unavailable: %s", exc)
        return Response(
            error_body(
                ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable; retry shortly."
            ),
            status=503,
            headers={"Retry-After": DATABASE_UNAVAILABLE_RETRY_AFTER},
        )
    if isinstance(exc, ApiError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(error_body(ErrorCode.INTERNAL_ERROR, "Internal server error."), status=500)
    code = next((c for cls, c in _DRF_MAP if isinstance(exc, cls)), ErrorCode.INTERNAL_ERROR)
    if code is ErrorCode.VALIDATION_ERROR:
        message, details = "Invalid input.", _flatten_details(exc.detail)
    elif code is ErrorCode.INVALID_JSON:
        message, details = "Request body is not valid JSON.", {}
    else:
        message, details = str(exc.detail) if hasattr(exc, "detail") else str(exc), {}
    if isinstance(exc, drf.NotAuthenticated):
        message = "Authentication credentials were not provided."
    response.data = error_body(code, message, details)
    return response


def json_error(
    code: ErrorCode, message: str, status: int | None = None, details: dict | None = None
) -> JsonResponse:
    """The envelope for responses produced outside DRF (middleware, Django's 404/500 handlers)."""
    return JsonResponse(error_body(code, message, details), status=status or DEFAULT_STATUS[code])
