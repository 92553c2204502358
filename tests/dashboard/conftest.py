import pytest
from django.test import Client


@pytest.fixture
def staff(tenant):
    """A logged-in staff user's browser."""
    browser = Client()
    browser.force_login(tenant.user)
    return browser
