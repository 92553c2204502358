"""Action-request endpoints: thin adapters around actions.services and actions.selectors."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status as http

from actions import selectors, services
from actions.api import serializers as s
from actions.filters import ActionRequestFilter, ActionRequestQueueFilter
from actions.models import ActionRequest
from orderly.api.filters import filter_parameters
from orderly.api.permissions import ApiKey, Session
from orderly.api.views import ApiView, deleted, ok

FEATURE = "action_requests"
READ = Session("actions:read", feature=FEATURE)
WRITE = Session("actions:write", feature=FEATURE)
MANAGE = ApiKey("embed:manage")


class ActionRequestListView(ApiView):
    required = {"GET": READ, "POST": WRITE}
    max_limit = 50

    @extend_schema(
        parameters=filter_parameters(ActionRequestFilter),
        responses={200: s.ActionRequestListOutput(many=True)},
    )
    def get(self, request):
        queryset = self.filtered(
            ActionRequestFilter, selectors.action_request_list(end_user=self.principal.end_user)
        )
        return self.paginate(queryset, s.ActionRequestListOutput)

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


class ActionRequestQueueView(ApiView):
    required = MANAGE
    max_limit = 50

    @extend_schema(
        parameters=filter_parameters(
            ActionRequestQueueFilter,
            status="default pending; `all` for every status",
            end_user="an end user's id",
            age="older than N days",
            q="in the title, the order number, the end user's name or email",
        ),
        responses={200: s.ActionRequestQueueOutput(many=True)},
    )
    def get(self, request):
        queryset = self.filtered(
            ActionRequestQueueFilter, selectors.action_request_queue(organization=self.organization)
        )
        return self.paginate(
            queryset,
            s.ActionRequestQueueOutput,
            page_query=selectors.action_request_queue_rows,
            shape=selectors.action_request_queue_shape,
        )


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
