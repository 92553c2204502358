"""Mounted at /embed/v1/ by orderly/urls.py."""

from django.urls import path

from embed.ui import views

app_name = "embed_ui"

urlpatterns = [
    path("orderly.js", views.loader, name="loader"),
    path("app/<slug:slug>/", views.app_page, name="app"),
    path("app/<slug:slug>/<path:view>", views.app_page, name="app-view"),
]
