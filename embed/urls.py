"""Embed dashboard pages, mounted at /dashboard/embed/."""

from django.urls import path

from embed import views

app_name = "embed"

urlpatterns = [
    path("end-users/", views.EndUserListView.as_view(), name="end_users"),
    path("end-users/<uuid:pk>/", views.EndUserDetailView.as_view(), name="end_user"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("config/", views.EmbedConfigView.as_view(), name="config"),
    path("config/preview/", views.EmbedPreviewView.as_view(), name="preview"),
    path("config/preview/theme.css", views.EmbedPreviewThemeView.as_view(), name="preview_theme"),
    path("config/identity-secret/", views.IdentitySecretView.as_view(), name="identity_secret"),
    path("config/rotate-publishable-key/", views.PublishableKeyRotateView.as_view(), name="rotate_key"),
]
