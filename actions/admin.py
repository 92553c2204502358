"""Admin for action requests; approve/deny go through the same service as the API."""

from django.contrib import admin, messages

from actions import services
from actions.models import ActionRequest, ActionStatus
from orderly.errors import DomainError


@admin.register(ActionRequest)
class ActionRequestAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "action_type",
        "status",
        "order",
        "end_user",
        "organization",
        "created_at",
        "expires_at",
    )
    list_filter = ("status", "action_type")
    search_fields = ("title", "description", "order__order_number", "end_user__name", "end_user__email")
    list_select_related = ("order", "end_user", "organization")
    ordering = ("created_at",)
    readonly_fields = [f.name for f in ActionRequest._meta.fields]
    actions = ["approve", "deny"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: every change of state goes through the actions below.
        return False

    def _resolve(self, request, queryset, status):
        done, refused = 0, []
        for action_request in queryset:
            try:
                services.action_request_resolve(
                    request_id=action_request.pk,
                    organization=action_request.organization,
                    status=status,
                    note="",
                    actor=request.user,
                )
                done += 1
            except DomainError as error:
                refused.append(f"{action_request.title}: {error.message}")
        if done:
            self.message_user(request, f"{done} request(s) {status}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Approve selected pending requests")
    def approve(self, request, queryset):
        self._resolve(request, queryset, ActionStatus.APPROVED)

    @admin.action(description="Deny selected pending requests")
    def deny(self, request, queryset):
        self._resolve(request, queryset, ActionStatus.DENIED)
