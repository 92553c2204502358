"""One paginator for every list (CONTRACT §3): page/limit in, `data` + `pagination` out.

A view states its list's limits once (`ApiView.default_limit`, `ApiView.max_limit`); `paginate()`
enforces them and `page_parameters()` documents them, so the schema cannot drift from the paginator.

Its cost stays flat as a list grows (each list's filter and ordering have an index behind them):
- `total` is exact up to ORDERLY_PAGINATION_EXACT_COUNT rows (10,000 by default); the count stops
  reading there, and past it `total` is the planner's estimate of the rows (never below the
  bound + 1, nor below what the client has been shown). Counting a million index entries on every
  request would cost more than the page itself.
- `hasMore` is always exact: one row past the page is read.
- A page past that bound with rows on it skips the count: it can only be the estimate.
- A deep page (offset ≥ DEEP_OFFSET) first reads its rows' ids with OFFSET, which the list's
  covering index answers alone, then those rows by primary key; a plain OFFSET would read and drop
  every skipped row from the table.
`BoundedPaginator` gives the dashboard's pages the same counts and deep pages.
"""

import json
import math

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property
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
            # No `maximum`: a larger limit is not refused but clamped, and a schema's maximum would say
            # it is invalid (a client generated from it would refuse to send it; schemathesis, ST201).
            "schema": {"type": "integer", "minimum": 1, "default": default_limit},
            "description": f"Items per page, default {default_limit}; above {max_limit} it is clamped to {max_limit}.",
        },
    ]


# Below this offset the skipped rows cost less than the id round (a handful of pages).
DEEP_OFFSET = 200
# PostgreSQL's OFFSET and LIMIT are bigints.
MAX_OFFSET = 2**63 - 1


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    # An empty value is not a number (CONTRACT §3: non-numeric → 400), as the schema's integer says.
    try:
        # ASCII digits only: int() would also read " 5", "+5" and "٥".
        value = int(raw) if raw.isascii() and raw.isdigit() else 0
    except ValueError:  # past Python's 4,300 digits
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


def count_bounded(queryset, *, bound: int | None = None) -> tuple[int, bool]:
    """`(total, exact)`: the exact count when there are at most `bound` rows, else an estimate
    above `bound`. Reads at most `bound + 1` index entries."""
    bound = settings.ORDERLY_PAGINATION_EXACT_COUNT if bound is None else bound
    counted = queryset.order_by().values("pk")[: bound + 1].count()
    if counted <= bound:
        return counted, True
    return max(bound + 1, _estimated_count(queryset)), False


def _estimated_count(queryset) -> int:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def page_rows(queryset, *, offset: int, limit: int, page_query=None) -> list:
    """Rows `offset` to `offset + limit` of an ordered queryset, and the next one if there is one;
    read through `page_query(queryset)` when given. A deep page's ids come from the plain
    queryset, whose index answers alone: the row columns' joins would be walked for every
    skipped row."""
    if offset + limit + 1 > MAX_OFFSET:
        # No list holds that many rows, and the database refuses such an OFFSET (bigint).
        return []
    rows = page_query(queryset) if page_query is not None else queryset
    if offset < DEEP_OFFSET:
        return list(rows[offset : offset + limit + 1])
    ids = queryset.values("pk")[offset : offset + limit + 1]
    return list(rows.filter(pk__in=ids))


def count_and_page_rows(
    queryset, *, offset: int, limit: int, one_scan: bool = False, page_query=None
) -> tuple[list, int, bool]:
    """`(rows, total, exact)`: `page_rows` and `count_bounded` of an ordered queryset; the rows
    read through `page_query(queryset)` when given (e.g. its `values()`: the count stays the
    plain queryset's, without the joins the row columns bring).

    `one_scan` is for a search, whose matches come unordered from a trigram bitmap that the count
    and the page would each read again: with a common trigram (every external id starts `ext_`,
    `gid://`) that read grows with the table, not with the matches. Instead the ids of the first
    `bound + 1` matches are read once, in list order (a top-N sort of the matches); the total is
    their number, the page their slice, its rows fetched by primary key. A page past the bound
    falls back to the two reads."""
    if not one_scan:
        bound = settings.ORDERLY_PAGINATION_EXACT_COUNT
        if offset >= bound:
            # A row at this offset means more than `bound` rows, so the bounded count could only
            # answer "more": the estimate. Skipping it spares a deep page the count's `bound`
            # index entries on top of the `offset` ones its ids skip.
            rows = page_rows(queryset, offset=offset, limit=limit, page_query=page_query)
            if rows:
                return rows, max(bound + 1, _estimated_count(queryset)), False
        total, exact = count_bounded(queryset)
        if offset >= total and exact:
            return [], total, exact
        return page_rows(queryset, offset=offset, limit=limit, page_query=page_query), total, exact
    if page_query is not None:
        raise ValueError("one_scan reads model rows")
    ids, total, exact = search_scan(queryset)
    return search_page_rows(queryset, ids, offset=offset, limit=limit, exact=exact), total, exact


def search_scan(queryset) -> tuple[list, int, bool]:
    """`(ids, total, exact)` of a search from one read: the ids of its first `bound + 1` matches in
    list order; the total is their number, or the estimate past the bound."""
    bound = settings.ORDERLY_PAGINATION_EXACT_COUNT
    ids = list(queryset.values_list("pk", flat=True)[: bound + 1])
    exact = len(ids) <= bound
    return ids, len(ids) if exact else max(bound + 1, _estimated_count(queryset)), exact


def search_page_rows(queryset, ids: list, *, offset: int, limit: int, exact: bool) -> list:
    """A page of a search (and the row after it) from `search_scan`'s ids, by primary key; a page
    past the ids read falls back to `page_rows`."""
    if offset + limit + 1 <= len(ids) or exact:
        window = ids[offset : offset + limit + 1]
        return list(queryset.filter(pk__in=window)) if window else []
    return page_rows(queryset, offset=offset, limit=limit)


def paginate(
    request,
    queryset,
    serializer_class,
    *,
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
    context: dict | None = None,
    extra: dict | None = None,
    one_scan: bool = False,
    page_query=None,
    shape=None,
) -> Response:
    """Count, slice and serialize an ordered queryset; page past the end gives an empty `data`.
    `one_scan`: the queryset is a search; `page_query`: how the page's rows are read
    (`count_and_page_rows`); `shape(rows)`: what the serializer is given of them."""
    page, limit = page_params(request, default_limit=default_limit, max_limit=max_limit)
    offset = (page - 1) * limit
    rows, total, exact = count_and_page_rows(
        queryset, offset=offset, limit=limit, one_scan=one_scan, page_query=page_query
    )
    items, has_more = rows[:limit], len(rows) > limit
    if not exact:
        total = max(total, offset + len(items) + has_more)
    if shape is not None:
        items = shape(items)
    body = {"data": serializer_class(items, many=True, context=context or {}).data}
    if extra:
        body.update(extra)
    body["pagination"] = {
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": math.ceil(total / limit) if total else 0,
        "hasMore": has_more,
    }
    return Response(body)


class BoundedPage(Page):
    """A dashboard page whose `has_next` is exact even when the count is an estimate."""

    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self):
        return self._has_more


class BoundedPaginator(Paginator):
    """Django's Paginator with `count_bounded` counts and `page_rows` deep pages (for templates);
    `one_scan=True` for a search (`count_and_page_rows`)."""

    count_exact = True

    def __init__(self, *args, one_scan: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.one_scan = one_scan
        self._search_ids = None

    @cached_property
    def count(self):
        if self.one_scan:
            self._search_ids, total, self.count_exact = search_scan(self.object_list)
            return total
        total, self.count_exact = count_bounded(self.object_list)
        return total

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past an estimated last page there may still be rows: read the page to find out.
            if self.count_exact or int(number) < 1:
                raise
            return int(number)

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        if self._search_ids is not None:
            rows = search_page_rows(
                self.object_list, self._search_ids, offset=offset, limit=self.per_page, exact=self.count_exact
            )
        else:
            rows = page_rows(self.object_list, offset=offset, limit=self.per_page)
        items, has_more = rows[: self.per_page], len(rows) > self.per_page
        if not self.count_exact and offset + len(items) + has_more > self.count:
            # An estimate below what this page shows: count what is known, so "next" stays valid.
            self.count = offset + len(items) + has_more
            self.__dict__.pop("num_pages", None)
        return BoundedPage(items, number, self, has_more=has_more)
