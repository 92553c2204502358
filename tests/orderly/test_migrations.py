"""A database made by the layout before the redesign (identity and bridges in `embed`, orders inside
the kernel) migrates to today's with its data: the tables stay, only Django's state moves."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bridges.models import Bridge
from orderly.accounts.models import EmbedSession, EndUser, Membership
from orders.models import Order

# The last migration of each app in the previous layout; `None` for apps it did not have.
PREVIOUS_LAYOUT = [
    ("accounts", "0001_initial"),
    ("embed", "0001_initial"),
    ("events", "0002_drop_redundant_organization_index"),
    ("orders", "0002_orderingest"),
    ("actions", "0001_initial"),
    ("alerts", "0001_initial"),
    ("webhooks", "0002_alert_rule_targets"),
    ("tracking", "0001_initial"),
    ("operations", "0001_initial"),
    ("bridges", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_layout_migrates_with_its_data():
    # given a database at the previous layout's head, with an end user, a session, a bridge and an order
    old = _migrate(PREVIOUS_LAYOUT)
    User = old.get_model("auth", "User")
    organization = old.get_model("accounts", "Organization").objects.create(name="Old", slug="old")
    user = User.objects.create(username="ops@old.test", email="ops@old.test")
    old.get_model("accounts", "Membership").objects.create(user=user, organization=organization, role="admin")
    end_user = old.get_model("embed", "EndUser").objects.create(organization=organization, external_id="m-1")
    old.get_model("embed", "EmbedSession").objects.create(
        organization=organization, end_user=end_user, digest="d" * 64, scopes=[], expires_at="2030-01-01T00:00Z"
    )
    bridge = old.get_model("embed", "Bridge").objects.create(
        organization=organization, end_user=end_user, type="shopify", name="Store"
    )
    old.get_model("orders", "Order").objects.create(
        organization=organization, end_user=end_user, bridge=bridge, order_number="1001", external_id="x-1"
    )
    old.get_model("orders", "OrderActivity").objects.create(
        organization=organization,
        order=old.get_model("orders", "Order").objects.get(),
        activity_type="status_changed",
        title="Status changed",
    )

    # when it is migrated to today's layout
    _migrate(_latest())

    # then today's models read the same rows, linked as before
    order = Order.objects.select_related("end_user", "bridge").get(external_id="x-1")
    assert order.end_user == EndUser.objects.get(external_id="m-1")
    assert order.bridge == Bridge.objects.get(name="Store") and order.bridge.end_user_id == order.end_user_id
    # a bridge's order is keyed by that bridge (CONTRACT §10)
    assert order.source == str(order.bridge_id)
    assert EmbedSession.objects.get().end_user_id == order.end_user_id
    # one status-change activity type from now on
    assert list(order.activities.values_list("activity_type", flat=True)) == ["status_change"]
    # staff users got a public id each
    assert Membership.objects.get().public_id is not None
    # content types (permissions, admin log) followed the models
    assert ContentType.objects.get(model="enduser").app_label == "accounts"
    assert ContentType.objects.get(model="bridge").app_label == "bridges"
