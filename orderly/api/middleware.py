"""API-wide request handling that must happen before DRF: body size, client IP, JSON 404/500."""

import logging
import re
import uuid

from django.conf import settings
from django.core.signals import request_finished

from orderly.api.context import RequestContext, request_context, request_id_var
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


# A client's own id is kept when it is 1–200 visible ASCII characters (CONTRACT §3 rev. 2).
CLIENT_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,200}")


def request_id_for(request) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    return offered if CLIENT_REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())


class RequestIdMiddleware:
    """First in the chain: every response, HTML, static or API, carries `X-Request-Id`; error
    bodies, the event log and log records read the same id (`orderly.api.context`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        request_id_var.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response


def _forget_request_id(**kwargs):
    # Kept until the response is closed, so Django's own request logging carries it too.
    request_id_var.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="orderly_forget_request_id")


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
            # Django's own HTML 404/405 pages become JSON; a page a view renders on purpose (the
            # OAuth callback's, for a browser) is marked `api_page` and kept.
            if (
                is_api_path(request.path)
                and not response.get("Content-Type", "").startswith("application/json")
                and not getattr(response, "api_page", False)
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
