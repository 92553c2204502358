"""Tracking dashboard pages, mounted at /dashboard/tracking/."""

from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [path("", views.TrackingPageListView.as_view(), name="list")]
