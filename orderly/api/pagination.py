"""One paginator for every list (CONTRACT §3): page/limit in, `data` + `pagination` out.

A view states its list's limits once (`ApiView.default_limit`, `ApiView.max_limit`); `paginate()`
enforces them and `page_parameters()` documents them, so the schema cannot drift from the paginator.
"""

import math

from rest_framework.response import Response

from orderly.errors import DomainError, ErrorCode

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def page_parameters(*, default_limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT) -> list[dict]:
    """The OpenAPI query parameters `paginate()` reads, with the bounds it enforces."""
    return [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "default": 1},
            "description": "Page number, from 1; a page past the end has an empty `data`.",
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default_limit},
            "description": f"Items per page, default {default_limit}; above {max_limit} it is clamped to {max_limit}.",
        },
    ]


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "Invalid pagination.", details={name: ["Must be an integer ≥ 1."]}
        )
    return value


def page_params(request, *, default_limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    page = _positive_int(request, "page", 1)
    limit = min(_positive_int(request, "limit", default_limit), max_limit)
    return page, limit


def paginate(
    request,
    queryset,
    serializer_class,
    *,
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
    context: dict | None = None,
    extra: dict | None = None,
) -> Response:
    """Count, slice and serialize an ordered queryset; page past the end gives an empty `data`."""
    page, limit = page_params(request, default_limit=default_limit, max_limit=max_limit)
    total = queryset.count()
    offset = (page - 1) * limit
    items = list(queryset[offset : offset + limit]) if offset < total else []
    body = {"data": serializer_class(items, many=True, context=context or {}).data}
    if extra:
        body.update(extra)
    body["pagination"] = {
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": math.ceil(total / limit) if total else 0,
        "hasMore": offset + len(items) < total,
    }
    return Response(body)
