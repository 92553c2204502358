"""The API layer's one handler: every exception becomes the CONTRACT §3 error envelope."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from orderly.api.context import current_request_id
from orderly.errors import DEFAULT_STATUS, DomainError, ErrorCode

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    details = details or {}
    if str(code) == ErrorCode.VALIDATION_ERROR:
        details = flat_field_errors(details)
    error = {"code": str(code), "message": message, "details": details}
    request_id = current_request_id()
    if request_id is not None:
        error["request_id"] = request_id
    return {"error": error}


def flat_field_errors(details: dict) -> dict[str, list[str]]:
    """A validation error's details as `{field path: [messages]}`, one documented shape for clients:
    nested fields are joined with dots as the client spelled them (`customer.email`, `lineItems.0.sku`)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            for index, inner in enumerate(value):
                if inner:
                    walk(f"{prefix}.{index}" if prefix else str(index), inner)
        elif isinstance(value, list):
            flat.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
        else:
            flat.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", details)
    return flat


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
    if isinstance(exc, DomainError):
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
