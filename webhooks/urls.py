"""Webhook dashboard pages, mounted at /dashboard/webhooks/."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.WebhookListView.as_view(), name="list"),
    path("new/", views.WebhookCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.WebhookDetailView.as_view(), name="detail"),
    path(
        "<uuid:pk>/deliveries/<uuid:delivery_id>/resend/", views.DeliveryResendView.as_view(), name="resend"
    ),
    path("<uuid:pk>/recover/", views.RecoverView.as_view(), name="recover"),
    path("<uuid:pk>/enable/", views.EnableView.as_view(), name="enable"),
]
