"""The customer's pages, mounted at the site root (CONTRACT §7: the tracking page is /t/<token>)."""

from django.urls import path

from tracking import public_views as views

urlpatterns = [
    path("t/<str:token>", views.tracking_page, name="tracking-page"),
    path("t/<str:token>/notify", views.tracking_subscribe, name="tracking-subscribe"),
    path("track/email/confirm", views.tracking_subscription_confirm, name="tracking-subscription-confirm"),
    path("track/email/unsubscribe", views.tracking_unsubscribe, name="tracking-unsubscribe"),
    path("track/<slug:slug>", views.tracking_lookup, name="tracking-lookup"),
    path("track/<slug:slug>/theme.css", views.tracking_theme, name="tracking-theme"),
]
