"""End-user webhooks (embed session) and organization webhooks (API key): one set of views,
parameterised by who owns the endpoint."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.response import Response

from orderly.api.permissions import ApiKey, Session
from orderly.api.schema import unenveloped, unpaginated
from orderly.api.views import ApiView, deleted, ok
from webhooks import services
from webhooks.api import serializers as s
from webhooks.event_schemas import event_catalog
from webhooks.models import Webhook
from webhooks.topics import SUBSCRIBABLE_TOPICS

END_USER_READ = Session("webhooks:read", feature="end_user_webhooks")
END_USER_WRITE = Session("webhooks:write", feature="end_user_webhooks")
ORG = ApiKey("embed:manage")
TestResult = inline_serializer(
    "WebhookTestResult",
    {"success": serializers.BooleanField(), "statusCode": serializers.IntegerField(allow_null=True)},
)


class OwnerMixin:
    """End-user routes act for the session's end user; organization routes for the key's organization."""

    for_end_user = True

    def owner(self) -> dict:
        return {
            "organization": self.organization,
            "end_user": self.principal.end_user if self.for_end_user else None,
        }

    def webhook(self, pk) -> Webhook:
        return services.webhook_get(webhook_id=pk, **self.owner())


def _requirements(read, write, *, methods):
    return {m: (read if m == "GET" else write) for m in methods}


class EventTypesView(OwnerMixin, ApiView):
    required = END_USER_READ

    @extend_schema(
        responses={
            200: unpaginated(serializers.ListSerializer(child=serializers.ChoiceField(SUBSCRIBABLE_TOPICS)))
        }
    )
    def get(self, request):
        return ok(list(SUBSCRIBABLE_TOPICS))


class EventCatalogView(OwnerMixin, ApiView):
    """Each topic an endpoint can receive: its JSON Schema (2020-12) and an example delivery body."""

    required = END_USER_READ

    @extend_schema(responses={200: unpaginated(s.EventCatalogEntryOutput(many=True))})
    def get(self, request):
        return ok([topic.as_catalog_entry() for topic in event_catalog()])


class WebhookListView(OwnerMixin, ApiView):
    required = _requirements(END_USER_READ, END_USER_WRITE, methods=("GET", "POST"))

    @extend_schema(responses={200: unpaginated(s.WebhookOutput(many=True))})
    def get(self, request):
        webhooks = Webhook.objects.filter(**self.owner(), for_alert_rule=False).order_by("-created_at")
        return ok(s.WebhookOutput(webhooks, many=True).data)

    @extend_schema(request=s.WebhookCreateInput, responses={201: s.WebhookCreatedOutput})
    def post(self, request):
        data = self.validated(s.WebhookCreateInput)
        webhook, secret = services.webhook_create(
            url=data["url"],
            events=data["events"],
            description=data.get("description", ""),
            secret=data.get("secret"),
            **self.owner(),
        )
        body = s.WebhookCreatedOutput(webhook, context={"secret": secret}).data
        return ok(body, status=http.HTTP_201_CREATED)


class WebhookDetailView(OwnerMixin, ApiView):
    required = _requirements(END_USER_READ, END_USER_WRITE, methods=("GET", "PATCH", "DELETE"))

    @extend_schema(responses={200: s.WebhookOutput})
    def get(self, request, pk):
        return ok(s.WebhookOutput(self.webhook(pk)).data)

    @extend_schema(request=s.WebhookUpdateInput, responses={200: s.WebhookOutput})
    def patch(self, request, pk):
        data = self.validated(s.WebhookUpdateInput)
        changes = {("is_active" if k == "isActive" else k): v for k, v in data.items()}
        return ok(s.WebhookOutput(services.webhook_update(webhook=self.webhook(pk), changes=changes)).data)

    def delete(self, request, pk):
        services.webhook_delete(webhook=self.webhook(pk))
        return deleted()


class WebhookTestView(OwnerMixin, ApiView):
    required = END_USER_WRITE

    @extend_schema(request=None, responses={200: unenveloped(TestResult)})
    def post(self, request, pk):
        delivery = services.webhook_send_test(webhook=self.webhook(pk))
        return Response({"success": delivery.success, "statusCode": delivery.response_status})


class DeliveryListView(OwnerMixin, ApiView):
    required = END_USER_READ

    @extend_schema(responses={200: unpaginated(s.DeliveryOutput(many=True))})
    def get(self, request, pk):
        deliveries = self.webhook(pk).deliveries.order_by("-created_at", "-id").prefetch_related("attempt_log")[:50]
        return ok(s.DeliveryOutput(deliveries, many=True).data)


class DeliveryRetryView(OwnerMixin, ApiView):
    required = END_USER_WRITE

    @extend_schema(
        request=None,
        responses={200: s.DeliveryOutput, 409: OpenApiResponse(description="The delivery is being sent.")},
    )
    def post(self, request, pk, delivery_id):
        delivery = services.delivery_retry(webhook=self.webhook(pk), delivery_id=delivery_id)
        return ok(s.DeliveryOutput(delivery).data)


class RecoverView(OwnerMixin, ApiView):
    required = END_USER_WRITE

    @extend_schema(
        request=s.RecoverInput,
        responses={200: inline_serializer("Recovered", {"queued": serializers.IntegerField()})},
    )
    def post(self, request, pk):
        data = self.validated(s.RecoverInput)
        return ok({"queued": services.deliveries_recover(webhook=self.webhook(pk), since=data["since"])})


class RotateSecretView(OwnerMixin, ApiView):
    required = END_USER_WRITE

    @extend_schema(
        request=None, responses={200: inline_serializer("SecretRotated", {"secret": serializers.CharField()})}
    )
    def post(self, request, pk):
        return ok({"secret": services.webhook_rotate_secret(webhook=self.webhook(pk))})


VIEWS = [
    ("event-types", EventTypesView),
    ("event-catalog", EventCatalogView),
    ("", WebhookListView),
    ("<uuid:pk>", WebhookDetailView),
    ("<uuid:pk>/test", WebhookTestView),
    ("<uuid:pk>/deliveries", DeliveryListView),
    ("<uuid:pk>/deliveries/<uuid:delivery_id>/retry", DeliveryRetryView),
    ("<uuid:pk>/recover", RecoverView),
    ("<uuid:pk>/rotate-secret", RotateSecretView),
]


def organization_view(view_class):
    """The same view for the organization's own endpoints, behind an API key."""
    required = view_class.required
    org_required = {m: ORG for m in required} if isinstance(required, dict) else ORG
    return type(f"Org{view_class.__name__}", (view_class,), {"for_end_user": False, "required": org_required})
