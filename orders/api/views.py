"""Ingest API (API key), order actions, and the data room (embed session): thin adapters."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status as http

from orderly.api.filters import filter_parameters
from orderly.api.permissions import ApiKey, Session
from orderly.api.views import ApiView, ok
from orders import selectors, services
from orders.api import serializers as s
from orders.filters import OrderFilter, ShipmentFilter
from orders.models import Order, Shipment

LIST_PARAMS = filter_parameters(ShipmentFilter)
ORDER_LIST_PARAMS = filter_parameters(
    OrderFilter,
    search="Order number or external id",
    from_="Ordered at or after (ISO 8601 date or date-time)",
    to="Ordered at or before (a date covers its whole day)",
)


def _actor_id(principal) -> str:
    return str(principal.api_key.pk) if principal.api_key is not None else ""


# Ingest API (API key) -----------------------------------------------------------------------


class OrdersView(ApiView):
    required = {"GET": ApiKey("orders:read"), "POST": ApiKey("orders:write")}

    @extend_schema(parameters=ORDER_LIST_PARAMS, responses={200: s.OrderOutput(many=True)})
    def get(self, request):
        queryset = self.filtered(OrderFilter, selectors.order_list(queryset=self.scoped(Order.objects)))
        return self.paginate(queryset, s.OrderOutput, one_scan=OrderFilter.is_search(request.query_params))

    @extend_schema(request=s.ORDER_CREATE_SCHEMA, responses={202: s.OrderOutput})
    def post(self, request):
        data = self.validated(s.OrderCreateInput)
        order, _created = services.order_upsert(
            organization=self.organization, data=data, actor_id=_actor_id(self.principal)
        )
        return ok(s.OrderOutput(order).data, status=http.HTTP_202_ACCEPTED)


class OrderDetailView(ApiView):
    required = {"GET": ApiKey("orders:read"), "PATCH": ApiKey("orders:write")}

    @extend_schema(responses={200: s.OrderOutput})
    def get(self, request, pk):
        return ok(s.OrderOutput(self.get_scoped_object(Order.objects, pk, "Order")).data)

    @extend_schema(
        request=s.OrderWriteInput,
        responses={
            202: s.OrderOutput,
            409: OpenApiResponse(description="The bridge already has an order with this externalId."),
        },
    )
    def patch(self, request, pk):
        data = self.validated(s.OrderWriteInput)
        order = services.order_update(
            organization=self.organization, order_id=pk, data=data, actor_id=_actor_id(self.principal)
        )
        return ok(s.OrderOutput(order).data, status=http.HTTP_202_ACCEPTED)


class OrderActionView(ApiView):
    required = ApiKey("orders:write")

    @extend_schema(
        request=s.OrderActionInput,
        responses={
            202: s.OrderActionOutput,
            422: OpenApiResponse(description="The order has no contact (customer email or phone)."),
        },
    )
    def post(self, request, pk):
        data = self.validated(s.OrderActionInput)
        activity = services.order_action_accept(
            organization=self.organization,
            order_id=pk,
            version_tag=data["version_tag"],
            action=data["action"],
            language=data.get("language") or None,
            data=data.get("data"),
            actor_id=_actor_id(self.principal),
        )
        return ok(s.OrderActionOutput(activity).data, status=http.HTTP_202_ACCEPTED)


class ShipmentCreateView(ApiView):
    required = ApiKey("shipments:write")

    @extend_schema(request=s.ShipmentCreateInput, responses={201: s.ShipmentCreatedOutput})
    def post(self, request):
        data = self.validated(s.ShipmentCreateInput)
        shipment = services.shipment_create(
            organization=self.organization, data=data, actor_id=_actor_id(self.principal)
        )
        return ok(s.ShipmentCreatedOutput(shipment).data, status=http.HTTP_201_CREATED)


class CheckpointCreateView(ApiView):
    required = ApiKey("tracking:write")

    @extend_schema(request=s.CheckpointCreateInput, responses={201: s.CheckpointOutput})
    def post(self, request, pk):
        data = self.validated(s.CheckpointCreateInput)
        checkpoint = services.tracking_checkpoint_create(
            organization=self.organization, shipment_id=pk, data=data
        )
        return ok(s.CheckpointOutput(checkpoint).data, status=http.HTTP_201_CREATED)


# Data room (embed session, feature data_room) -----------------------------------------------


class EmbedOrderListView(ApiView):
    required = Session("orders:read", feature="data_room")
    max_limit = 50

    @extend_schema(parameters=ORDER_LIST_PARAMS, responses={200: s.EmbedOrderOutput(many=True)})
    def get(self, request):
        queryset = self.filtered(OrderFilter, selectors.order_list(queryset=self.scoped(Order.objects)))
        # The rows as plain values (the output reads a mapping as it reads a model): a model
        # instance per row cost more than the row's query.
        return self.paginate(
            queryset, s.EmbedOrderOutput, page_query=lambda rows: rows.values(*s.ORDER_LIST_COLUMNS)
        )


class EmbedOrderDetailView(ApiView):
    required = Session("orders:read", feature="data_room")

    @extend_schema(responses={200: s.EmbedOrderDetailOutput})
    def get(self, request, pk):
        order = selectors.order_detail_load(
            order=self.get_scoped_object(Order.objects, pk, "Order"),
            activity_columns=s.ActivityOutput.Meta.fields,
            shipment_columns=s.OrderShipmentOutput.Meta.fields,
        )
        return ok(s.EmbedOrderDetailOutput(order).data)


class EmbedShipmentListView(ApiView):
    required = Session("shipments:read", feature="data_room")
    max_limit = 50

    @extend_schema(parameters=LIST_PARAMS, responses={200: s.ShipmentListOutput(many=True)})
    def get(self, request):
        queryset = self.filtered(
            ShipmentFilter, selectors.shipment_list(queryset=self.scoped(Shipment.objects))
        )
        return self.paginate(queryset, s.ShipmentListOutput)


class EmbedShipmentDetailView(ApiView):
    required = Session("shipments:read", feature="data_room")

    @extend_schema(responses={200: s.ShipmentDetailOutput})
    def get(self, request, pk):
        shipment = self.get_scoped_object(selectors.shipment_with_checkpoints(), pk, "Shipment")
        return ok(s.ShipmentDetailOutput(shipment).data)


class EmbedTrackingView(ApiView):
    required = Session("tracking:read", feature="data_room")

    @extend_schema(responses={200: s.TrackingOutput})
    def get(self, request, shipment_id):
        shipment = self.get_scoped_object(selectors.shipment_with_checkpoints(), shipment_id, "Shipment")
        return ok(s.TrackingOutput(shipment).data)
