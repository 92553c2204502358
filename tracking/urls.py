"""Tracking dashboard pages, mounted at /dashboard/tracking/."""

from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.TrackingPageListView.as_view(), name="list"),
    path("new/", views.TrackingPageCreateView.as_view(), name="create"),
    path("<uuid:pk>/revoke/", views.TrackingPageRevokeView.as_view(), name="revoke"),
    path("preview/", views.TrackingPreviewView.as_view(), name="preview"),
    path("preview/theme.css", views.TrackingPreviewThemeView.as_view(), name="preview_theme"),
]
