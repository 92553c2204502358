"""Bridge endpoints: thin adapters around bridges.services."""


from django.conf import settings
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from bridges.api.serializers import (
    BridgeCreateInput,
    BridgeListOutput,
    BridgeOutput,
    BridgeTestOutput,
    BridgeTypeOutput,
    BridgeUpdateInput,
    ShopifyOAuthCallbackInput,
    ShopifyOAuthCallbackOutput,
    ShopifyOAuthStartInput,
    ShopifyOAuthStartOutput,
    ShopifyWebhookOutput,
    SyncRunOutput,
)
from bridges.models import Bridge, SyncRun
from bridges.order_input import json_problem
from bridges.services import (
    bridge_create,
    bridge_delete,
    bridge_manage_check,
    bridge_shopify_oauth_complete,
    bridge_shopify_oauth_start,
    bridge_test_connection,
    bridge_type_list_allowed,
    bridge_update,
)
from bridges.shopify import client as shopify
from bridges.shopify.services import shopify_webhook_receive
from bridges.sync import sync_run_request
from orderly.api.parsers import json_body_loads
from orderly.api.permissions import ApiKey, Public, Session
from orderly.api.schema import unenveloped, unpaginated
from orderly.api.throttling import PublicThrottle
from orderly.api.views import ApiView, deleted, ok
from orderly.errors import DomainError, ErrorCode, not_found, validation_error

FEATURE = "bridges"
# The canonical spelling (CONTRACT §2); it must match the app's allowed redirection URL at Shopify.
SHOPIFY_CALLBACK_PATH = "/api/v1/embed/bridges/shopify/oauth/callback"


class BridgeSessionMixin:
    def session_context(self) -> dict:
        principal = self.principal
        return {
            "organization": principal.organization,
            "end_user": principal.end_user,
            "embed_config": principal.embed_config,
            "session_allowed_types": principal.allowed_bridge_types,
        }


class BridgeTypeListView(ApiView):
    required = Session(feature=FEATURE)

    @extend_schema(
        operation_id="embed_bridge_types_list", responses={200: unpaginated(BridgeTypeOutput(many=True))}
    )
    def get(self, request):
        types = bridge_type_list_allowed(
            embed_config=self.principal.embed_config,
            session_allowed_types=self.principal.allowed_bridge_types,
        )
        return ok(BridgeTypeOutput(types, many=True).data)


class BridgeListView(BridgeSessionMixin, ApiView):
    required = {
        "GET": Session("bridges:read", feature=FEATURE),
        "POST": Session("bridges:write", feature=FEATURE),
    }
    max_limit = 50

    @extend_schema(operation_id="embed_bridges_list", responses={200: BridgeListOutput(many=True)})
    def get(self, request):
        return self.paginate(self.scoped(Bridge.objects).order_by("-created_at", "-id"), BridgeListOutput)

    @extend_schema(
        operation_id="embed_bridges_create", request=BridgeCreateInput, responses={201: BridgeOutput}
    )
    def post(self, request):
        data = self.validated(BridgeCreateInput)
        bridge = bridge_create(
            **self.session_context(), type=data["type"], name=data["name"], config=data["config"]
        )
        return ok(BridgeOutput(bridge).data, status=http.HTTP_201_CREATED)


class BridgeDetailView(ApiView):
    required = {
        "GET": Session("bridges:read", feature=FEATURE),
        "PATCH": Session("bridges:write", feature=FEATURE),
        "DELETE": Session("bridges:write", feature=FEATURE),
    }

    def get_bridge(self, pk) -> Bridge:
        return self.get_scoped_object(Bridge.objects, pk, "Bridge")

    @extend_schema(operation_id="embed_bridges_retrieve", responses={200: BridgeOutput})
    def get(self, request, pk):
        return ok(BridgeOutput(self.get_bridge(pk)).data)

    @extend_schema(
        operation_id="embed_bridges_update", request=BridgeUpdateInput, responses={200: BridgeOutput}
    )
    def patch(self, request, pk):
        bridge = managed_bridge(self, pk)
        data = self.validated(BridgeUpdateInput)
        bridge = bridge_update(bridge=bridge, **data)
        return ok(BridgeOutput(bridge).data)

    @extend_schema(operation_id="embed_bridges_destroy")
    def delete(self, request, pk):
        bridge_delete(bridge=managed_bridge(self, pk))
        return deleted()


def managed_bridge(view: ApiView, pk) -> Bridge:
    """The session's bridge (404 for anyone else's), of a type the session may manage (403)."""
    bridge = view.get_scoped_object(Bridge.objects, pk, "Bridge")
    bridge_manage_check(bridge=bridge, session_allowed_types=view.principal.allowed_bridge_types)
    return bridge


class BridgeTestView(ApiView):
    required = Session("bridges:read", feature=FEATURE)

    @extend_schema(
        operation_id="embed_bridges_test", request=None, responses={200: unenveloped(BridgeTestOutput)}
    )
    def post(self, request, pk):
        bridge = managed_bridge(self, pk)
        success, message = bridge_test_connection(bridge=bridge)
        # The seed answers this one without the `data` wrapper.
        return Response({"success": success, "message": message})


class BridgeSyncView(ApiView):
    required = Session("bridges:write", feature=FEATURE)

    @extend_schema(
        operation_id="embed_bridges_sync",
        request=None,
        responses={
            202: SyncRunOutput,
            409: OpenApiResponse(
                description="The bridge is not connected (pending, inactive or disconnected)."
            ),
            422: OpenApiResponse(description="Bridges of this type do not sync orders."),
        },
    )
    def post(self, request, pk):
        """Start a sync now; while one is queued or running, that one is the answer."""
        run, _created = sync_run_request(bridge=managed_bridge(self, pk), trigger=SyncRun.Trigger.MANUAL)
        return ok(SyncRunOutput(run).data, status=http.HTTP_202_ACCEPTED)


def _runs(bridge: Bridge):
    return SyncRun.objects.filter(bridge=bridge).order_by("-created_at", "-id")


def _run_rows(runs):
    """A page of runs as plain values of the output's fields (it reads a mapping as a model)."""
    return runs.values(*SyncRunOutput.Meta.fields)


class BridgeSyncListView(ApiView):
    required = Session("bridges:read", feature=FEATURE)
    max_limit = 50

    @extend_schema(operation_id="embed_bridges_syncs_list", responses={200: SyncRunOutput(many=True)})
    def get(self, request, pk):
        """The bridge's sync runs, newest first."""
        bridge = self.get_scoped_object(Bridge.objects, pk, "Bridge")
        return self.paginate(_runs(bridge), SyncRunOutput, page_query=_run_rows)


class OrganizationBridgeSyncListView(ApiView):
    required = ApiKey("orders:read")
    max_limit = 50

    @extend_schema(operation_id="bridges_syncs_list", responses={200: SyncRunOutput(many=True)})
    def get(self, request, pk):
        """Any of the organization's bridges' sync runs, newest first."""
        bridge = self.get_scoped_object(Bridge.objects, pk, "Bridge")
        return self.paginate(_runs(bridge), SyncRunOutput, page_query=_run_rows)


class ShopifyOAuthStartView(BridgeSessionMixin, ApiView):
    required = Session("bridges:write", feature=FEATURE)

    @extend_schema(request=ShopifyOAuthStartInput, responses={200: ShopifyOAuthStartOutput})
    def post(self, request):
        data = self.validated(ShopifyOAuthStartInput)
        bridge, auth_url = bridge_shopify_oauth_start(
            **self.session_context(),
            shop_domain=data["shopDomain"],
            name=data.get("name"),
            redirect_uri=settings.ORDERLY_SHOPIFY_REDIRECT_URI
            or request.build_absolute_uri(SHOPIFY_CALLBACK_PATH),
        )
        return ok({"bridgeId": str(bridge.pk), "authUrl": auth_url})


class ShopifyOAuthCallbackView(ApiView):
    """Where the bridge service sends the merchant's browser back; the `state` is the credential.

    JSON by default; a browser (Accept: text/html) gets a small page that tells the embed which
    opened the popup, by postMessage to the configured allowed origins.
    """

    required = Public()
    authentication_classes: list = []
    throttle_classes = [PublicThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", {"type": "string", "minLength": 1, "maxLength": 200}, required=True),
            OpenApiParameter("code", {"type": "string", "minLength": 1, "maxLength": 500}, required=True),
            OpenApiParameter("shop", {"type": "string", "minLength": 1, "maxLength": 255}, required=True),
        ],
        responses={
            200: ShopifyOAuthCallbackOutput,
            (200, "text/html"): OpenApiResponse(
                OpenApiTypes.STR,
                description="For a browser (Accept: text/html): a page that tells the embed.",
            ),
            403: OpenApiResponse(description="Bridges are not enabled for the organization."),
            502: OpenApiResponse(description="The bridge service refused the code exchange."),
        },
    )
    def get(self, request):
        try:
            data = self.validated(ShopifyOAuthCallbackInput, data=request.query_params)
            bridge = bridge_shopify_oauth_complete(
                state=data["state"],
                code=data["code"],
                shop=data["shop"],
                query=dict(request.query_params.lists()),
            )
        except (DomainError, ValidationError) as exc:
            if wants_html(request):
                return oauth_failure_page(request, exc)
            raise
        if wants_html(request):
            return oauth_success_page(request, bridge)
        return ok({"bridgeId": str(bridge.pk), "status": bridge.status})


def oauth_success_page(request, bridge):
    config = getattr(bridge.organization, "embed_config", None)  # reverse one-to-one: None when absent
    context = {
        "connected": True,
        "bridge_name": bridge.name,
        "notify": {"type": "orderly:bridge-connected", "bridgeId": str(bridge.pk), "status": bridge.status},
        # The host's origins, and Orderly's own: the drop-in UI's iframe, on this origin, opens the popup.
        "origins": [*(config.allowed_origins or [] if config is not None else []), _own_origin(request)],
    }
    response = render(request, "embed/oauth_done.html", context)
    # Django's default `same-origin` would cut the popup from its opener (an iframe inside another
    # origin's page), and the message could not reach it.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


def _own_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def oauth_failure_page(request, exc):
    if isinstance(exc, DomainError) and exc.code != ErrorCode.VALIDATION_ERROR:
        message, status = exc.message, exc.status
    else:
        message, status = (
            "This link is incomplete, has expired or was already used.",
            http.HTTP_400_BAD_REQUEST,
        )
    response = render(request, "embed/oauth_done.html", {"connected": False, "message": message}, status=status)
    response.api_page = True  # a 404 page for the browser, not Django's (orderly.api.middleware)
    return response


def wants_html(request) -> bool:
    return "text/html" in request.META.get("HTTP_ACCEPT", "")


# What the view checks each of Shopify's headers for: present, not blank, at most 255 characters.
SHOPIFY_HEADER = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "\\S"}


class ShopifyWebhookView(ApiView):
    """Where Shopify delivers the shop's webhooks (`orders/*`, `app/uninstalled`, and the mandatory
    privacy topics) when the built-in Shopify bridge is on. The credential is the signature:
    `X-Shopify-Hmac-Sha256` over the raw body with the app's client secret; a bad one is a 401, as
    Shopify requires. Not throttled: Shopify sends bursts, and each refusal costs one HMAC."""

    required = Public()
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="bridges_shopify_webhooks",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("X-Shopify-Hmac-Sha256", SHOPIFY_HEADER, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Shopify-Topic", SHOPIFY_HEADER, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Shopify-Shop-Domain", SHOPIFY_HEADER, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Shopify-Webhook-Id", SHOPIFY_HEADER, OpenApiParameter.HEADER, required=True),
        ],
        responses={200: ShopifyWebhookOutput, 401: OpenApiResponse(description="Not signed by Shopify.")},
    )
    def post(self, request):
        # A request without Shopify's headers is refused whether or not the bridge is on: unsigned is
        # a 401 (as Shopify expects), another one missing a 400; only then is an off bridge a 404.
        if not request.headers.get("X-Shopify-Hmac-Sha256", "").strip():
            raise DomainError(ErrorCode.UNAUTHENTICATED, "The webhook is not signed by Shopify.")
        topic = request.headers.get("X-Shopify-Topic", "").strip()
        shop = request.headers.get("X-Shopify-Shop-Domain", "").strip().lower()
        webhook_id = (
            request.headers.get("X-Shopify-Webhook-Id") or request.headers.get("X-Shopify-Event-Id") or ""
        ).strip()
        errors = {
            name: ["This header is required."]
            for name, value in (
                ("X-Shopify-Topic", topic),
                ("X-Shopify-Shop-Domain", shop),
                ("X-Shopify-Webhook-Id", webhook_id),
            )
            if not value or len(value) > 255
        }
        if errors:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "Missing Shopify headers.", details=errors)
        if not shopify.shopify_enabled():
            raise not_found("Resource")
        body = request.body  # the raw bytes, before anything parses them: the signature covers these
        if not shopify.shopify_webhook_hmac_valid(body, request.headers.get("X-Shopify-Hmac-Sha256")):
            raise DomainError(ErrorCode.UNAUTHENTICATED, "The webhook is not signed by Shopify.")
        # The same refusals as every other body (depth, surrogates, NULs, numbers past 64 bits).
        payload = json_body_loads(body)
        if not isinstance(payload, dict) or json_problem(payload):
            raise validation_error("body", "Expected a JSON object the platform can store.")
        _outcome, duplicate = shopify_webhook_receive(
            webhook_id=webhook_id, topic=topic, shop=shop, payload=payload
        )
        return ok({"received": True, "duplicate": duplicate})
