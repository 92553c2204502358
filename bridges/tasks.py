"""Bridge sync tasks: one run per task, and the scheduler's tick (CONTRACT §10)."""

from celery import shared_task

from bridges import sync


@shared_task(name="bridges.tasks.bridge_sync_run")
def bridge_sync_run(run_id: str) -> str:
    return sync.sync_run_execute(run_id=run_id)


@shared_task(name="bridges.tasks.bridge_syncs_due")
def bridge_syncs_due() -> dict:
    """Re-queue runs whose worker died or whose message was lost, then start the due ones."""
    return {"requeued": sync.sync_runs_requeue_stalled(), "started": sync.sync_runs_due()}


@shared_task(name="bridges.tasks.shopify_order_sync")
def shopify_order_sync(bridge_id: str, order_gid: str) -> str:
    """One order a Shopify webhook named, fetched and upserted like a page of one."""
    from bridges.shopify.services import shopify_order_refresh

    return shopify_order_refresh(bridge_id=bridge_id, order_gid=order_gid)
