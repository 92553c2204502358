from rest_framework import serializers

from orderly.api.serializers import InputSerializer, OutputSerializer, PlainOutputSerializer
from orders.api.serializers import CHECKPOINT_PUBLIC_FIELDS, SHIPMENT_PUBLIC_FIELDS
from orders.models import Shipment, TrackingCheckpoint
from tracking.models import TrackingPage


class TrackingPageCreateInput(InputSerializer):
    shipmentId = serializers.UUIDField()


class TrackingPageCreatedOutput(OutputSerializer):
    class Meta:
        model = TrackingPage
        fields = ["id", "token", "created_at"]


class TrackingPageOutput(OutputSerializer):
    shipment_id = serializers.UUIDField()

    class Meta:
        model = TrackingPage
        fields = ["id", "token", "shipment_id", "is_active", "view_count", "last_viewed_at", "created_at"]


class PublicShipmentOutput(OutputSerializer):
    """Only what a customer needs; no names, e-mail, phone or street, by construction."""

    class Meta:
        model = Shipment
        fields = ["id", *SHIPMENT_PUBLIC_FIELDS]


class PublicCheckpointOutput(OutputSerializer):
    class Meta:
        model = TrackingCheckpoint
        fields = CHECKPOINT_PUBLIC_FIELDS


class PublicBrandingOutput(PlainOutputSerializer):
    primary_color = serializers.CharField()
    logo_url = serializers.CharField(allow_null=True)
    company_name = serializers.CharField(allow_null=True)
    support_url = serializers.CharField(allow_null=True)
    support_email = serializers.CharField(allow_null=True)


class PublicTrackingOutput(PlainOutputSerializer):
    shipment = PublicShipmentOutput()
    checkpoints = PublicCheckpointOutput(many=True)
    branding = PublicBrandingOutput()
