"""API-wide request handling that must happen before DRF: body size, client IP, JSON 404/500."""

import logging

from django.conf import settings

from orderly.api.context import RequestContext, request_context
from orderly.api.errors import DATABASE_UNAVAILABLE_RETRY_AFTER, ErrorCode, database_unavailable, json_error

logger = logging.getLogger(__name__)


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def client_ip(request) -> str | None:
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR")


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set(RequestContext(ip_address=client_ip(request)))
        try:
            if is_api_path(request.path):
                try:
                    length = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    return json_error(ErrorCode.VALIDATION_ERROR, "Invalid Content-Length header.")
                if length > settings.ORDERLY_MAX_BODY_BYTES:
                    return json_error(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        f"Request body exceeds {settings.ORDERLY_MAX_BODY_BYTES} bytes.",
                    )
            response = self.get_response(request)
            if is_api_path(request.path) and not response.get("Content-Type", "").startswith(
                "application/json"
            ):
                if response.status_code == 404:
                    return json_error(ErrorCode.NOT_FOUND, "Not found.")
                if response.status_code == 405:
                    return json_error(ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed.")
            return response
        finally:
            request_context.reset(token)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            response = json_error(
                ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable; retry shortly."
            )
            response["Retry-After"] = DATABASE_UNAVAILABLE_RETRY_AFTER
            return response
        if is_api_path(request.path):
            logger.exception("Unhandled error on %s", request.path, exc_info=exception)
            return json_error(ErrorCode.INTERNAL_ERROR, "Internal server error.")
        return None
