"""Bridge dashboard actions, mounted at /dashboard/bridges/ (the runs show on the end user's page)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View

from bridges.models import Bridge, SyncRun
from bridges.sync import sync_run_request
from orderly.dashboard.access import StaffMixin
from orderly.errors import DomainError


class BridgeSyncNowView(StaffMixin, View):
    """ "Sync now": the same request as the embed's POST /bridges/:id/sync, by a staff member."""

    def post(self, request, pk):
        bridge = Bridge.objects.for_organization(self.organization).filter(pk=pk).first()
        if bridge is None:
            raise Http404
        try:
            run, created = sync_run_request(bridge=bridge, trigger=SyncRun.Trigger.MANUAL)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Sync of {bridge.name} started." if created else f"{bridge.name} is already syncing.",
            )
        if bridge.end_user_id is None:
            return redirect("embed:end_users")
        return redirect("embed:end_user", pk=bridge.end_user_id)
