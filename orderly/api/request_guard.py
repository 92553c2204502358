"""Refuse, before any view or query runs, request parts no route can ever accept (CONTRACT §3 rev. 2).

- A path with a control character (`/t/ab%00c`) names no object: 404. PostgreSQL refuses a NUL
  in any text, so without this a token or slug lookup would be a 500.
- A query value with a NUL: 400 naming the parameter, for the same reason.
- A request Django refuses itself (a `Host` not in ALLOWED_HOSTS, a SuspiciousOperation) answers
  the JSON envelope on API paths instead of Django's HTML "Bad Request (400)": `bad_request` is the
  project's `handler400`.
"""

import re

from django.core.exceptions import DisallowedHost
from django.http import Http404
from django.views import defaults

from orderly.api.errors import json_error
from orderly.api.middleware import is_api_path
from orderly.errors import ErrorCode

_CONTROL = re.compile("[\x00-\x1f\x7f]")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = is_api_path(request.path)
        if _CONTROL.search(request.path):
            if api:
                return json_error(ErrorCode.NOT_FOUND, "Not found.")
            return defaults.page_not_found(request, Http404())
        with_nul = _parameters_with_nul(request.GET)
        if with_nul:
            if api:
                return json_error(
                    ErrorCode.VALIDATION_ERROR,
                    "Invalid query parameter.",
                    details={name: ["Null characters are not allowed."] for name in with_nul},
                )
            return defaults.bad_request(request, ValueError("NUL in the query string"))
        return self.get_response(request)


def _parameters_with_nul(query) -> list[str]:
    return sorted(
        name.replace("\x00", "\\u0000")
        for name, values in query.lists()
        if "\x00" in name or any("\x00" in value for value in values)
    )


def bad_request(request, exception):
    """The project's handler400: the error envelope on API paths, Django's page elsewhere."""
    if not is_api_path(request.path):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        return json_error(
            ErrorCode.VALIDATION_ERROR,
            "The Host header names no host this server answers for.",
            details={"Host": ["Not an allowed host."]},
        )
    return json_error(ErrorCode.VALIDATION_ERROR, "Bad request.")
