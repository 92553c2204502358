from django.urls import path

from bench import floor
from orderly.urls import urlpatterns as product

urlpatterns = [
    path("floor/orders", floor.orders),
    path("floor/shipments/<uuid:pk>", floor.shipment),
    path("floor/queue", floor.queue),
    path("floor/tracking/<str:token>", floor.tracking_view),
    path("floor/orders/<uuid:pk>", floor.order_detail),
    path("floor/events", floor.events),
    path("floor/bridges/<uuid:pk>/syncs", floor.sync_runs),
    path("floor/app/<slug:slug>/", floor.app_page),
    path("floor/orders-exact", floor.orders_exact),
    *product,
]
