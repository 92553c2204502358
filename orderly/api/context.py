"""Who is acting in the current request, for the event log (client IP, embed session)."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestContext:
    ip_address: str | None = None
    session_id: object | None = None


request_context: ContextVar[RequestContext | None] = ContextVar("orderly_request_context", default=None)


def current_request_context() -> RequestContext:
    return request_context.get() or RequestContext()
