"""The overview page's numbers and charts. The shell knows none of the apps: each app registers
what it counts from its own `apps.py` (as event consumers are registered), so the kernel imports
no app and an app's numbers come from the app that owns the data."""

import datetime as dt
from collections.abc import Callable

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from orderly.accounts.models import EndUser

StatsProvider = Callable[..., list[dict]]
ChartsProvider = Callable[..., list[dict]]

# (order, provider): the overview lists stats by `order`, so the page reads the same whatever
# the order in which apps become ready.
_STATS: list[tuple[int, StatsProvider]] = []
_CHARTS: list[tuple[int, ChartsProvider]] = []


def overview_stats_register(provider: StatsProvider, *, order: int) -> None:
    """`provider(*, organization)` → `[{"label", "value"}, …]`."""
    if provider not in [p for _, p in _STATS]:
        _STATS.append((order, provider))


def overview_charts_register(provider: ChartsProvider, *, order: int) -> None:
    """`provider(*, organization)` → `[{"title", "series": daily_series(…)}, …]`."""
    if provider not in [p for _, p in _CHARTS]:
        _CHARTS.append((order, provider))


def _end_user_stats(*, organization) -> list[dict]:
    return [{"label": "End users", "value": EndUser.objects.for_organization(organization).count()}]


overview_stats_register(_end_user_stats, order=80)


def overview_stats(*, organization) -> list[dict]:
    return [stat for _, provider in sorted(_STATS, key=lambda s: s[0]) for stat in provider(organization=organization)]


def overview_charts(*, organization) -> list[dict]:
    return [
        chart for _, provider in sorted(_CHARTS, key=lambda c: c[0]) for chart in provider(organization=organization)
    ]


def daily_series(queryset, field: str, days: int = 14) -> list[dict]:
    """Counts per day of `field` over the last `days` days, each with its bar height in percent."""
    since = timezone.now() - dt.timedelta(days=days - 1)
    counts = dict(
        queryset.filter(**{f"{field}__gte": since.replace(hour=0, minute=0, second=0, microsecond=0)})
        .annotate(day=TruncDate(field))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = []
    for offset in range(days):
        day = (since + dt.timedelta(days=offset)).date()
        series.append({"day": day, "count": counts.get(day, 0)})
    peak = max((point["count"] for point in series), default=0) or 1
    for point in series:
        point["height"] = round(100 * point["count"] / peak)
    return series
