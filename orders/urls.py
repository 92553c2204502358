"""Order pages, mounted at /dashboard/orders/."""

from django.urls import path

from orders import views

app_name = "orders_dashboard"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="list"),
    path("<uuid:pk>/", views.OrderDetailView.as_view(), name="detail"),
]
