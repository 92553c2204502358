"""Bridge dashboard pages, mounted at /dashboard/bridges/."""

from django.urls import path

from bridges import views

app_name = "bridges"

urlpatterns = [
    path("<uuid:pk>/sync/", views.BridgeSyncNowView.as_view(), name="sync"),
]
