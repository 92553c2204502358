"""Staff pages for operations, mounted at /dashboard/operations/: list, detail and undo."""

import uuid

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
from orderly.errors import DomainError, ErrorCode

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


ADDRESS_FIELDS = ("name", "address1", "address2", "city", "state", "zip", "country")


def _input_from_form(op_type: str, data) -> dict:
    """The API's input body for `op_type` from the order page's form (empty fields left out)."""

    def given(*names):
        return {name: data[name].strip() for name in names if data.get(name, "").strip()}

    if op_type in ("hold_order", "cancel_order"):
        return given("reason")
    if op_type == "add_order_note":
        return given("note")
    if op_type == "update_shipping_address":
        return {"address": given(*ADDRESS_FIELDS)}
    if op_type == "create_shipment":
        return given("carrier", "service", "trackingNumber")
    return {}


class OperationCreateView(StaffMixin, View):
    """The order page's action buttons: create and execute an operation, as the API does."""

    def post(self, request):
        op_type = request.POST.get("type", "")
        order_id = request.POST.get("order_id", "")
        try:
            operation = services.operation_create(
                organization=self.organization,
                type=op_type,
                order_id=order_id or None,
                input=_input_from_form(op_type, request.POST),
                actor_id=request.user.pk,
            )
            operation = services.operation_execute(
                organization=self.organization, operation_id=operation.pk, actor_id=request.user.pk
            )
        except DomainError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                raise Http404("Order not found") from None
            messages.error(request, f"Not done: {exc.as_text()}")
            return redirect("orders_dashboard:detail", pk=order_id) if _is_uuid(order_id) else redirect("operations:list")
        label = operation_type_get(op_type).label
        if operation.status == OperationStatus.FAILED:
            messages.error(request, f"{label} failed: {operation.error}")
        elif operation.status == OperationStatus.COMPLETED:
            messages.success(request, f"{label}: done.")
        else:
            messages.info(request, f"{label}: started. This page shows the outcome.")
        return redirect("operations:detail", pk=operation.pk)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
