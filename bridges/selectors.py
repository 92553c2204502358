"""Reads of bridges and their sync runs."""

from django.db.models import OuterRef, Subquery

from bridges.models import SyncRun

RECENT_RUNS = 5


def bridges_with_recent_runs(bridges) -> list:
    """The bridges, each with `recent_runs` (its last RECENT_RUNS sync runs, newest first), in one
    query for all of them."""
    bridges = list(bridges)
    newest = SyncRun.objects.filter(bridge=OuterRef("bridge")).order_by("-created_at", "-id").values("pk")
    runs = SyncRun.objects.filter(
        bridge_id__in=[bridge.pk for bridge in bridges], pk__in=Subquery(newest[:RECENT_RUNS])
    ).order_by("bridge_id", "-created_at", "-id")
    by_bridge: dict = {}
    for run in runs:
        by_bridge.setdefault(run.bridge_id, []).append(run)
    for bridge in bridges:
        bridge.recent_runs = by_bridge.get(bridge.pk, [])
    return bridges
