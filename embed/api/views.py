"""Embed config, sessions, end users and the event log: thin adapters around embed.services."""

from django.db.models import Count, Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework import status as http

from bridges.models import Bridge
from embed import services
from embed.api import serializers as s
from embed.filters import EventFilter
from embed.models import EmbedConfig
from orderly.accounts.models import EndUser
from orderly.api.fields import iso_ms
from orderly.api.filters import filter_parameters
from orderly.api.permissions import ApiKey, Public
from orderly.api.throttling import AutoSessionThrottle, PublicThrottle
from orderly.api.views import ApiView, deleted, ok
from orderly.errors import not_found, validation_error
from orderly.events.models import Event
from orderly.features import FEATURES, SESSION_SCOPES

MANAGE = ApiKey("embed:manage")


def _session_fields() -> dict:
    return {
        "token": serializers.CharField(),
        "expiresAt": serializers.DateTimeField(),
        "scopes": serializers.ListField(child=serializers.ChoiceField(SESSION_SCOPES)),
        "enabledFeatures": serializers.ListField(child=serializers.ChoiceField(FEATURES)),
    }


# A browser's auto-session is not told the session's or the end user's id (see _session_body).
AutoSessionOutput = inline_serializer("AutoSessionCreated", _session_fields())
SessionOutput = inline_serializer(
    "SessionCreated",
    {**_session_fields(), "sessionId": serializers.UUIDField(), "endUser": s.EndUserBriefOutput()},
)


def _profile(data: dict) -> dict:
    profile = {k: data[k] for k in ("name", "email", "metadata") if k in data}
    return profile


class ConfigView(ApiView):
    """GET is the public config by slug; PATCH upserts the organization's config."""

    required = {"GET": Public(), "PATCH": MANAGE}

    def get_throttles(self):
        return [PublicThrottle()] if self.request.method == "GET" else []

    @extend_schema(
        parameters=[OpenApiParameter("slug", {"type": "string", "minLength": 1}, required=True)],
        responses={200: s.PublicConfigOutput},
        auth=[],
    )
    def get(self, request):
        slug = request.query_params.get("slug")
        if not slug:
            raise validation_error("slug", "This query parameter is required.")
        # Only a well-formed slug is looked up: PostgreSQL refuses some strings (a NUL) outright.
        config = (
            EmbedConfig.objects.filter(slug=slug, is_active=True).first() if s.SLUG_RE.fullmatch(slug) else None
        )
        if config is None:
            raise not_found("Embed configuration")
        request._request.orderly_organization_id = config.organization_id
        return ok(s.PublicConfigOutput(config).data)

    @extend_schema(
        request=s.ConfigUpdateInput,
        responses={200: s.ConfigOutput, 409: OpenApiResponse(description="The slug is another organization's.")},
    )
    def patch(self, request):
        changes = self.validated(s.ConfigUpdateInput)
        config = services.embed_config_upsert(organization=self.organization, changes=changes)
        return ok(s.ConfigOutput(config).data)


class ConfigMeView(ApiView):
    required = MANAGE

    @extend_schema(responses={200: s.ConfigOutput})
    def get(self, request):
        config = EmbedConfig.objects.filter(organization=self.organization).first()
        if config is None:
            raise not_found("Embed configuration")
        return ok(s.ConfigOutput(config).data)


def _session_body(session, token, config, *, with_ids: bool) -> dict:
    """The minted session; the server-side flow also names the session and its end user."""
    body = {"token": token}
    if with_ids:
        body["sessionId"] = str(session.pk)
    body.update(
        expiresAt=iso_ms(session.expires_at), scopes=session.scopes, enabledFeatures=config.enabled_features
    )
    if with_ids:
        body["endUser"] = s.EndUserBriefOutput(session.end_user).data
    return body


class SessionCreateView(ApiView):
    required = MANAGE

    @extend_schema(request=s.SessionCreateInput, responses={201: SessionOutput})
    def post(self, request):
        data = self.validated(s.SessionCreateInput)
        session, token, config = services.embed_session_create(
            organization=self.organization,
            external_id=data["externalId"],
            profile=_profile(data),
            scopes=data.get("scopes"),
            allowed_bridge_types=data.get("allowedBridgeTypes"),
            ttl_seconds=data.get("ttlSeconds"),
        )
        return ok(_session_body(session, token, config, with_ids=True), status=http.HTTP_201_CREATED)


class AutoSessionView(ApiView):
    required = Public()
    authentication_classes: list = []
    throttle_classes = [PublicThrottle, AutoSessionThrottle]

    @extend_schema(
        request=s.AutoSessionInput,
        responses={
            200: AutoSessionOutput,
            401: OpenApiResponse(description="Unknown or revoked publishable key."),
            403: OpenApiResponse(
                description="Origin not allowed, the embed configuration is inactive, or "
                "identity_verification_failed: a wrong userHash, or none where one is required."
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = self.validated(s.AutoSessionInput)
        session, token, config = services.embed_session_create_auto(
            publishable_key=data["key"],
            origin=request.META.get("HTTP_ORIGIN"),
            external_id=data["externalId"],
            profile=_profile(data),
            user_hash=data.get("userHash"),
        )
        request._request.orderly_organization_id = config.organization_id
        return ok(_session_body(session, token, config, with_ids=False))


class SessionDetailView(ApiView):
    required = MANAGE

    def delete(self, request, pk):
        services.embed_session_revoke(organization=self.organization, session_id=pk)
        return deleted()


class EndUserListView(ApiView):
    required = MANAGE

    @extend_schema(responses={200: s.EndUserOutput(many=True)})
    def get(self, request):
        queryset = (
            self.scoped(EndUser.objects)
            .annotate(bridge_count=Count("bridges"))
            .order_by("-created_at", "-id")
        )
        return self.paginate(queryset, s.EndUserOutput)


class EndUserDetailView(ApiView):
    required = MANAGE

    @extend_schema(responses={200: s.EndUserDetailOutput})
    def get(self, request, pk):
        queryset = EndUser.objects.prefetch_related(
            Prefetch("bridges", queryset=Bridge.objects.order_by("-created_at"))
        )
        end_user = self.get_scoped_object(queryset, pk, "End user")
        return ok(s.EndUserDetailOutput(end_user).data)

    def delete(self, request, pk):
        services.end_user_delete(organization=self.organization, end_user_id=pk)
        return deleted()


class EventListView(ApiView):
    required = MANAGE
    default_limit = 50

    @extend_schema(
        parameters=[
            *filter_parameters(
                EventFilter,
                from_="ISO 8601 date or date-time (inclusive)",
                to="ISO 8601 date or date-time (inclusive)",
            )
        ],
        responses={200: s.EventOutput(many=True)},
    )
    def get(self, request):
        queryset = self.filtered(EventFilter, self.scoped(Event.objects)).order_by("-created_at", "-id")
        # Not the payload (`data`, the largest column): the log shows what happened, not the body.
        return self.paginate(queryset.only(*s.EventOutput.Meta.fields), s.EventOutput)


IdentitySecretOutput = inline_serializer(
    "IdentitySecretCreated",
    {
        "identitySecret": serializers.CharField(help_text="Shown only in this response."),
        "createdAt": serializers.DateTimeField(),
    },
)


class IdentitySecretView(ApiView):
    """Create or rotate the key of auto-sessions' userHash; the secret is shown once."""

    required = MANAGE

    @extend_schema(
        request=None,
        responses={
            201: IdentitySecretOutput,
            200: OpenApiResponse(IdentitySecretOutput, description="Rotated: the previous secret stops verifying."),
        },
    )
    def post(self, request):
        config, secret, created = services.embed_identity_secret_rotate(organization=self.organization)
        body = {"identitySecret": secret, "createdAt": iso_ms(config.identity_secret_created_at)}
        status = http.HTTP_201_CREATED if created else http.HTTP_200_OK
        return ok(body, status=status, headers={"Cache-Control": "no-store"})


class PublishableKeyRotateView(ApiView):
    required = MANAGE

    @extend_schema(request=None, responses={200: s.ConfigOutput})
    def post(self, request):
        config = services.embed_publishable_key_rotate(organization=self.organization)
        return ok(s.ConfigOutput(config).data)
