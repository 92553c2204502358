"""Action-request endpoints: thin adapters around actions.services and actions.selectors."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http

from actions import selectors, services
from actions.api import serializers as s
from actions.filters import ActionRequestFilter, QueueFilter
from actions.models import ActionRequest
from orderly.api.pagination import paginate
from orderly.api.permissions import ApiKey, Session
from orderly.api.views import ApiView, deleted, ok

FEATURE = "action_requests"
READ = Session("actions:read", feature=FEATURE)
WRITE = Session("actions:write", feature=FEATURE)
MANAGE = ApiKey("embed:manage")
PAGE = {"default_limit": 20, "max_limit": 50}
PAGE_PARAMS = [OpenApiParameter("page", int), OpenApiParameter("limit", int)]


class ActionRequestListView(ApiView):
    required = {"GET": READ, "POST": WRITE}

    @extend_schema(
        parameters=[*PAGE_PARAMS, OpenApiParameter("status", str)],
        responses={200: s.ActionRequestListOutput(many=True)},
    )
    def get(self, request):
        queryset = self.filtered(
            ActionRequestFilter, selectors.action_requests_for_end_user(end_user=self.principal.end_user)
        )
        return paginate(request, queryset, s.ActionRequestListOutput, **PAGE)

    @extend_schema(request=s.ActionRequestCreateInput, responses={201: s.ActionRequestOutput})
    def post(self, request):
        data = self.validated(s.ActionRequestCreateInput)
        action_request = services.action_request_create(
            end_user=self.principal.end_user,
            order_id=data["orderId"],
            action_type=data["actionType"],
            title=data["title"],
            description=data.get("description") or "",
            requested_changes=data.get("requestedChanges"),
        )
        return ok(s.ActionRequestOutput(action_request).data, status=http.HTTP_201_CREATED)


class ActionRequestDetailView(ApiView):
    required = {"GET": READ, "DELETE": WRITE}

    @extend_schema(responses={200: s.ActionRequestOutput})
    def get(self, request, pk):
        action_request = self.get_scoped_object(ActionRequest.objects.all(), pk, "Action request")
        return ok(s.ActionRequestOutput(action_request).data)

    @extend_schema(responses={409: OpenApiResponse(description="The request is no longer pending.")})
    def delete(self, request, pk):
        services.action_request_cancel(request_id=pk, end_user=self.principal.end_user)
        return deleted()


QUEUE_COLUMNS = (
    "id",
    "order_id",
    "order__order_number",
    "action_type",
    "title",
    "description",
    "status",
    "requested_changes",
    "expires_at",
    "created_at",
    "end_user__external_id",
    "end_user__name",
    "end_user__email",
)


class ActionRequestQueueView(ApiView):
    required = MANAGE

    @extend_schema(
        parameters=[
            *PAGE_PARAMS,
            OpenApiParameter("status", str, description="default pending; `all` for every status"),
        ],
        responses={200: s.ActionRequestQueueOutput(many=True)},
    )
    def get(self, request):
        queryset = selectors.action_request_queue(organization=self.organization, status=None)
        # The API queue shows the end user and the order's number: join those, and only the order's number.
        queryset = (
            self.filtered(QueueFilter, queryset)
            .select_related(None)
            .select_related("end_user", "order")
            .only(*QUEUE_COLUMNS)
        )
        return paginate(request, queryset.order_by("created_at", "id"), s.ActionRequestQueueOutput, **PAGE)


class ActionRequestResolveView(ApiView):
    required = MANAGE

    @extend_schema(
        request=s.ActionRequestResolveInput,
        responses={
            200: s.ActionRequestResolvedOutput,
            409: OpenApiResponse(description="The request is no longer pending."),
        },
    )
    def patch(self, request, pk):
        data = self.validated(s.ActionRequestResolveInput)
        action_request = services.action_request_resolve(
            request_id=pk,
            organization=self.organization,
            status=data["status"],
            note=data.get("resolutionNote"),
            actor=self.principal.user_id,
        )
        return ok(s.ActionRequestResolvedOutput(action_request).data)
