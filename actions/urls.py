"""Review-queue pages, mounted at /dashboard/requests/."""

from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("<uuid:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("<uuid:pk>/resolve/", views.RequestResolveView.as_view(), name="resolve"),
]
