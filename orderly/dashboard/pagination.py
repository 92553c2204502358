"""One pager for every dashboard list: `paginate_page()` here, `templates/dashboard/_pager.html` to show it."""

from django.core.paginator import Page

from orderly.api.pagination import BoundedPaginator

DASHBOARD_PAGE_SIZE = 25


def paginate_page(request, queryset, *, per_page: int = DASHBOARD_PAGE_SIZE, one_scan: bool = False) -> Page:
    """The requested page of an ordered queryset (a bad or past-the-end `?page=` gives the nearest page).

    Counted and sliced as the API's lists are (`BoundedPaginator`): a bounded count, deep pages
    read by id from the index; `one_scan` for a search (`count_and_page_rows`).

    `page.query` is the request's other non-empty query parameters (the list's filters), urlencoded,
    so the pager's links and a "Reset" link keep or drop them.
    """
    page = BoundedPaginator(queryset, per_page, one_scan=one_scan).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for name in [name for name, values in query.lists() if not any(values)]:
        del query[name]
    page.query = query.urlencode()
    return page
