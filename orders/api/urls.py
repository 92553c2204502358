from orderly.api.routing import route, routes
from orders.api import views

urlpatterns = routes(
    route("orders", views.OrdersView.as_view(), name="orders"),
    route("orders/<uuid:pk>", views.OrderDetailView.as_view(), name="order-detail"),
    route("orders/<uuid:pk>/action", views.OrderActionView.as_view(), name="order-action"),
    route("shipments", views.ShipmentCreateView.as_view(), name="shipments"),
    route(
        "shipments/<uuid:pk>/checkpoints", views.CheckpointCreateView.as_view(), name="shipment-checkpoints"
    ),
    route("embed/orders", views.EmbedOrderListView.as_view(), name="embed-orders"),
    route("embed/orders/<uuid:pk>", views.EmbedOrderDetailView.as_view(), name="embed-order-detail"),
    route("embed/shipments", views.EmbedShipmentListView.as_view(), name="embed-shipments"),
    route("embed/shipments/<uuid:pk>", views.EmbedShipmentDetailView.as_view(), name="embed-shipment-detail"),
    route("embed/tracking/<uuid:shipment_id>", views.EmbedTrackingView.as_view(), name="embed-tracking"),
)
