from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http

from operations import selectors, services
from operations.api.serializers import (
    OperationCreateInput,
    OperationDetailOutput,
    OperationOutput,
    TransitionOutput,
)
from operations.filters import OperationFilter
from operations.models import Operation
from orderly.api.fields import iso_ms
from orderly.api.filters import filter_parameters
from orderly.api.permissions import ApiKey
from orderly.api.views import ApiView, ok

LIST_PARAMS = [
    *filter_parameters(OperationFilter),
    OpenApiParameter("sort", str, enum=list(selectors.SORT_FIELDS)),
    OpenApiParameter("order", str, enum=["asc", "desc"]),
]


class OperationListView(ApiView):
    required = {"GET": ApiKey("operations:read"), "POST": ApiKey("operations:write")}

    @extend_schema(
        operation_id="operations_list",
        parameters=LIST_PARAMS,
        responses={200: OperationOutput(many=True)},
    )
    def get(self, request):
        queryset = self.filtered(OperationFilter, self.scoped(Operation.objects.all()))
        queryset = selectors.operation_list(
            queryset=queryset,
            sort=request.query_params.get("sort"),
            direction=request.query_params.get("order"),
        )
        return self.paginate(queryset, OperationOutput)

    @extend_schema(request=OperationCreateInput, responses={201: OperationDetailOutput})
    def post(self, request):
        data = self.validated(OperationCreateInput)
        operation = services.operation_create(
            organization=self.organization,
            type=data["type"],
            order_id=data.get("order_id"),
            input=data["input"],
            actor_id=self.principal.user_id,
        )
        return ok(OperationDetailOutput(operation).data, status=http.HTTP_201_CREATED)


class OperationDetailView(ApiView):
    required = ApiKey("operations:read")

    @extend_schema(responses={200: OperationDetailOutput})
    def get(self, request, pk):
        operation = self.get_scoped_object(Operation.objects.all(), pk, "Operation")
        return ok(OperationDetailOutput(operation).data)


class OperationExecuteView(ApiView):
    required = ApiKey("operations:execute")

    @extend_schema(
        request=None,
        responses={200: TransitionOutput, 409: OpenApiResponse(description="The operation is not pending.")},
    )
    def post(self, request, pk):
        operation = services.operation_execute(
            organization=self.organization, operation_id=pk, actor_id=self.principal.user_id
        )
        return ok({"id": str(operation.pk), "status": operation.status, "type": operation.type})


class OperationCancelView(ApiView):
    required = ApiKey("operations:execute")

    @extend_schema(
        request=None,
        responses={200: TransitionOutput, 409: OpenApiResponse(description="The operation is not pending.")},
    )
    def post(self, request, pk):
        operation = services.operation_cancel(
            organization=self.organization, operation_id=pk, actor_id=self.principal.user_id
        )
        return ok({"id": str(operation.pk), "status": operation.status, "type": operation.type})


class OperationUndoView(ApiView):
    required = ApiKey("operations:execute")

    @extend_schema(
        request=None,
        responses={
            200: TransitionOutput,
            409: OpenApiResponse(description="Not completed yet, or the order has changed since."),
            422: OpenApiResponse(description="This type of operation cannot be undone."),
        },
    )
    def post(self, request, pk):
        operation = services.operation_undo(
            organization=self.organization, operation_id=pk, actor_id=self.principal.user_id
        )
        return ok({"id": str(operation.pk), "status": operation.status, "undo_at": iso_ms(operation.undo_at)})
