"""Staff roles in the dashboard and the admin (issue 13, item 7; CONTRACT §1 rev. 2).

Only `admin` members manage API keys, the embed configuration and the organization's own
webhooks; a `staff` member gets 403 on those pages and on every POST behind them, and still works
the review queue, orders, operations, end users and tracking pages.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from embed.models import EmbedConfig
from orderly.accounts.models import ApiKey, Membership
from orderly.accounts.services import api_key_create
from tests.factories import MembershipFactory
from webhooks.models import Webhook
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db

RECEIVER = "http://127.0.0.1:9/hook"


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def staff_member(tenant):
    return MembershipFactory(organization=tenant.organization, role=Membership.Role.STAFF).user


@pytest.fixture
def admin(tenant):
    return _browser(tenant.user)


@pytest.fixture
def staff(staff_member):
    return _browser(staff_member)


@pytest.fixture
def objects(tenant):
    key, _token = api_key_create(
        organization=tenant.organization, user=tenant.user, name="ci", scopes=["orders:read"]
    )
    org_hook, _ = webhook_create(
        organization=tenant.organization,
        end_user=None,
        url=RECEIVER + "/organization",
        events=["order.created"],
    )
    user_hook, _ = webhook_create(
        organization=tenant.organization,
        end_user=tenant.end_user(name="Alice"),
        url=RECEIVER + "/alice",
        events=["order.created"],
    )
    return {"key": key, "org_hook": org_hook, "user_hook": user_hook}


def _admin_pages(objects) -> list[tuple[str, str, dict]]:
    org_hook = objects["org_hook"].pk
    return [
        ("GET", "/dashboard/api-keys/", {}),
        ("POST", "/dashboard/api-keys/", {"name": "staff key", "scopes": ["embed:manage", "orders:write"]}),
        ("POST", f"/dashboard/api-keys/{objects['key'].pk}/revoke/", {}),
        ("GET", "/dashboard/embed/config/", {}),
        (
            "POST",
            "/dashboard/embed/config/",
            {"slug": "taken-over", "primary_color": "#000000", "is_active": "on"},
        ),
        ("POST", "/dashboard/embed/config/identity-secret/", {}),
        ("POST", "/dashboard/embed/config/rotate-publishable-key/", {}),
        ("GET", f"/dashboard/webhooks/{org_hook}/", {}),
        ("POST", f"/dashboard/webhooks/{org_hook}/enable/", {}),
        ("POST", f"/dashboard/webhooks/{org_hook}/recover/", {"since": "2020-01-01T00:00"}),
    ]


def test_staff_get_403_on_every_admin_page_and_post_and_change_nothing(tenant, staff, objects):
    slug = EmbedConfig.objects.get(pk=tenant.config.pk).slug
    for method, url, data in _admin_pages(objects):
        # when a staff member opens the page, or posts its form
        response = staff.get(url) if method == "GET" else staff.post(url, data)

        # then 403, with a page that says why
        assert response.status_code == 403, (method, url, response.status_code)
        assert "admins" in response.content.decode()

    # and nothing changed: no key created or revoked, the config as it was
    assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("ci", None)]
    config = EmbedConfig.objects.get(pk=tenant.config.pk)
    assert (config.slug, config.publishable_key) == (slug, tenant.config.publishable_key)
    assert config.identity_secret_encrypted == ""


def test_admins_still_use_those_pages(admin, objects):
    for method, url, data in _admin_pages(objects):
        if method == "GET":
            assert admin.get(url).status_code == 200, url
    created = admin.post("/dashboard/api-keys/", {"name": "admin key", "scopes": ["orders:read"]})
    assert created.status_code == 200
    assert ApiKey.objects.filter(name="admin key").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/requests/",
        "/dashboard/orders/",
        "/dashboard/operations/",
        "/dashboard/embed/end-users/",
        "/dashboard/embed/events/",
        "/dashboard/tracking/",
        "/dashboard/webhooks/",
    ],
)
def test_staff_work_the_other_pages(staff, url):
    assert staff.get(url).status_code == 200


def test_staff_navigation_leaves_out_admin_pages(staff, admin):
    staff_nav = staff.get("/dashboard/").content.decode()
    admin_nav = admin.get("/dashboard/").content.decode()
    assert "/dashboard/api-keys/" not in staff_nav and "/dashboard/embed/config/" not in staff_nav
    assert "/dashboard/api-keys/" in admin_nav and "/dashboard/embed/config/" in admin_nav


def test_staff_see_end_users_webhooks_but_not_the_organizations(staff, admin, objects):
    staff_list = staff.get("/dashboard/webhooks/").content.decode()
    assert objects["user_hook"].url in staff_list
    assert objects["org_hook"].url not in staff_list
    assert staff.get(f"/dashboard/webhooks/{objects['user_hook'].pk}/").status_code == 200
    assert objects["org_hook"].url in admin.get("/dashboard/webhooks/").content.decode()


def test_a_disabled_organization_webhook_stays_disabled_when_staff_try_to_enable_it(staff, objects):
    Webhook.objects.filter(pk=objects["org_hook"].pk).update(is_active=False)
    assert staff.post(f"/dashboard/webhooks/{objects['org_hook'].pk}/enable/").status_code == 403
    assert Webhook.objects.get(pk=objects["org_hook"].pk).is_active is False


# The admin ---------------------------------------------------------------------------------------


def _with_model_permissions(user):
    """An is_staff user holding every model permission: only the role can stop them."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return _browser(user)


@pytest.mark.parametrize("model", ["accounts/apikey", "embed/embedconfig", "webhooks/webhook"])
def test_the_admin_refuses_staff_the_admin_only_models(tenant, staff_member, objects, model):
    # given a staff member with is_staff and every model permission, and an admin the same
    staff = _with_model_permissions(staff_member)
    admin = _with_model_permissions(tenant.user)
    pk = {
        "accounts/apikey": objects["key"].pk,
        "embed/embedconfig": tenant.config.pk,
        "webhooks/webhook": objects["org_hook"].pk,
    }[model]

    # when each opens the model's list and an object's change page, and posts a delete
    # then the staff member gets 403 every time, the admin gets the pages
    assert staff.get(f"/admin/{model}/").status_code == 403
    assert staff.get(f"/admin/{model}/{pk}/change/").status_code == 403
    assert staff.post(f"/admin/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.get(f"/admin/{model}/").status_code == 200
    assert admin.get(f"/admin/{model}/{pk}/change/").status_code == 200
    assert ApiKey.objects.filter(pk=objects["key"].pk).exists()
    assert EmbedConfig.objects.filter(pk=tenant.config.pk).exists()
    assert Webhook.objects.filter(pk=objects["org_hook"].pk).exists()


def test_the_admin_index_lists_no_admin_only_model_for_staff(staff_member):
    staff = _with_model_permissions(staff_member)
    index = staff.get("/admin/").content.decode()
    assert "/admin/accounts/apikey/" not in index
    assert "/admin/embed/embedconfig/" not in index
    assert "/admin/orders/order/" in index


def test_the_demo_user_is_an_admin():
    call_command("seed_demo", verbosity=0)
    membership = Membership.objects.get(user__email="demo@orderly.local")
    assert membership.role == Membership.Role.ADMIN


def test_an_admin_creates_the_identity_secret_sees_it_once_and_rotates_the_key(tenant, admin):
    # when the admin creates the identity secret from the config page
    response = admin.post("/dashboard/embed/config/identity-secret/")

    # then it is shown on that response only, and stored encrypted
    html = response.content.decode()
    config = EmbedConfig.objects.get(pk=tenant.config.pk)
    secret = html.split('id="identity-secret">')[1].split("<")[0]
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert secret.startswith("ois_") and secret not in config.identity_secret_encrypted
    assert secret not in admin.get("/dashboard/embed/config/").content.decode()

    # and rotating the publishable key issues a new one
    assert admin.post("/dashboard/embed/config/rotate-publishable-key/").status_code == 302
    assert EmbedConfig.objects.get(pk=tenant.config.pk).publishable_key != tenant.config.publishable_key
