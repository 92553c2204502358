"""Tracking pages: the end user's links (session) and the public JSON view by token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status as http

from orderly.api.permissions import Public, Session
from orderly.api.throttling import PublicThrottle
from orderly.api.views import ApiView, deleted, ok
from tracking import selectors, services
from tracking.api import serializers as s
from tracking.models import TrackingPage

FEATURE = "branded_tracking"


class TrackingPageListView(ApiView):
    required = Session("tracking:read", feature=FEATURE)
    max_limit = 50

    @extend_schema(responses={200: s.TrackingPageOutput(many=True)})
    def get(self, request):
        queryset = self.scoped(TrackingPage.objects).order_by("-created_at", "-id")
        return self.paginate(queryset, s.TrackingPageOutput)

    @extend_schema(
        request=s.TrackingPageCreateInput,
        responses={201: s.TrackingPageCreatedOutput, 200: s.TrackingPageCreatedOutput},
    )
    def post(self, request):
        data = self.validated(s.TrackingPageCreateInput)
        page, created = services.tracking_page_create(
            end_user=self.principal.end_user, shipment_id=data["shipmentId"]
        )
        return ok(
            s.TrackingPageCreatedOutput(page).data,
            status=http.HTTP_201_CREATED if created else http.HTTP_200_OK,
        )


class TrackingPageDetailView(ApiView):
    required = Session("tracking:read", feature=FEATURE)

    def delete(self, request, pk):
        services.tracking_page_revoke(end_user=self.principal.end_user, page_id=pk)
        return deleted()


def public_tracking_data(page) -> dict:
    shipment = page.shipment
    return {
        "shipment": shipment,
        "checkpoints": selectors.tracking_checkpoint_rows(shipment),
        "branding": selectors.tracking_branding(page.organization.embed_config),
    }


class TrackingPagePublicView(ApiView):
    required = Public()
    authentication_classes: list = []
    throttle_classes = [PublicThrottle]

    @extend_schema(
        responses={
            200: s.PublicTrackingOutput,
            410: OpenApiResponse(description="The tracking page was revoked or has expired."),
        }
    )
    def get(self, request, token):
        page = services.tracking_page_view(token=token)
        return ok(s.PublicTrackingOutput(public_tracking_data(page)).data)
