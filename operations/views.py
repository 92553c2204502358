"""Staff pages for operations, mounted at /dashboard/operations/: list, detail and undo."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from operations import selectors, services
from operations.filters import OperationFilter
from operations.models import Operation, OperationStatus
from operations.registry import operation_type_get, operation_type_names
from orderly.dashboard.access import StaffMixin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError

FILTERS = ("status", "type", "order_id")


class OperationListView(StaffMixin, TemplateView):
    template_name = "dashboard/operations/list.html"

    def get_context_data(self, **kwargs):
        queryset = Operation.objects.for_organization(self.organization).select_related("order")
        filterset = OperationFilter(self.request.GET, queryset=queryset)
        valid = filterset.is_valid()
        operations = selectors.operation_list(queryset=filterset.qs if valid else queryset.none())
        return {
            **super().get_context_data(**kwargs),
            "page": paginate_page(self.request, operations),
            "statuses": OperationStatus.choices,
            "types": operation_type_names(),
            "current": {k: self.request.GET.get(k, "") for k in FILTERS},
            "invalid": not valid,
        }


class OperationDetailView(StaffMixin, TemplateView):
    template_name = "dashboard/operations/detail.html"

    def get_context_data(self, **kwargs):
        operation = (
            Operation.objects.for_organization(self.organization)
            .select_related("order", "created_by", "executed_by", "undone_by")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if operation is None:
            raise Http404("Operation not found")
        undoable = operation_type_get(operation.type).undoable
        return {
            **super().get_context_data(**kwargs),
            "operation": operation,
            "type_undoable": undoable,
            "can_undo": undoable and operation.status == OperationStatus.COMPLETED,
        }


class OperationUndoView(StaffMixin, View):
    def post(self, request, pk):
        if not Operation.objects.for_organization(self.organization).filter(pk=pk).exists():
            raise Http404("Operation not found")
        try:
            services.operation_undo(organization=self.organization, operation_id=pk, actor_id=request.user.pk)
        except DomainError as exc:
            messages.error(request, f"Undo refused: {exc.message}")
        else:
            messages.success(request, "The operation was undone.")
        return redirect("operations:detail", pk=pk)
