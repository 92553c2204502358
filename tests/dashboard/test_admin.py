"""The admin reads in proper names and every list opens (platform operators use it)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    browser = Client()
    browser.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789"))
    return browser


def test_model_names_read_as_words(operator):
    html = operator.get("/admin/").content.decode()
    for name in ("API keys", "OAuth states", "Webhook deliveries", "Embed configurations"):
        assert name in html
    for wrong in ("Api keys", "O auth states", "Webhook deliverys", "Order activitys"):
        assert wrong not in html
    assert "Orderly admin" in html and 'href="/dashboard/"' in html


def test_every_admin_list_opens(operator, tenant):
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert operator.get(url).status_code == 200, url
