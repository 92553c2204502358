"""Who is acting in the current request, for the event log (client IP, embed session), and the
request's id (CONTRACT §3 rev. 2) for the event log, error bodies and log records."""

import logging
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestContext:
    ip_address: str | None = None
    session_id: object | None = None


request_context: ContextVar[RequestContext | None] = ContextVar("orderly_request_context", default=None)


def current_request_context() -> RequestContext:
    return request_context.get() or RequestContext()


# Set by RequestIdMiddleware for the whole of a request, including Django's own request logging.
request_id_var: ContextVar[str | None] = ContextVar("orderly_request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdLogFilter(logging.Filter):
    """Gives every log record a `request_id` (`-` outside a request) for the log format."""

    def filter(self, record):
        record.request_id = current_request_id() or "-"
        return True
