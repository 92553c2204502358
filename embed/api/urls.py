"""Embed API routes; bridges keep theirs in bridge_urls.py."""

from embed.api import bridge_urls

urlpatterns: list = [
    *bridge_urls.urlpatterns,
]
