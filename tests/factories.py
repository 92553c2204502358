"""factory_boy factories for the core models; apps add their own beside their tests."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from bridges.models import Bridge
from embed.models import EmbedConfig
from orderly.accounts.models import EndUser, Membership, Organization
from orderly.api.tokens import PUBLISHABLE_PREFIX, token_generate
from orders.models import Order, OrderActivity, Shipment, TrackingCheckpoint


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}@example.com")
    email = factory.SelfAttribute("username")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.ADMIN


class EmbedConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmbedConfig

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"embed-{n}")
    publishable_key = factory.LazyFunction(lambda: token_generate(PUBLISHABLE_PREFIX))
    branding = factory.LazyFunction(lambda: {"primary_color": "#4F46E5", "company_name": "Acme Fulfillment"})
    allowed_origins = factory.LazyFunction(list)
    allowed_bridge_types = factory.LazyFunction(lambda: ["shopify", "shipstation"])
    enabled_features = factory.LazyFunction(
        lambda: [
            "bridges",
            "data_room",
            "action_requests",
            "smart_alerts",
            "end_user_webhooks",
            "branded_tracking",
        ]
    )
    is_active = True


class EndUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EndUser

    organization = factory.SubFactory(OrganizationFactory)
    external_id = factory.Sequence(lambda n: f"user_{n}")
    name = factory.Sequence(lambda n: f"Store Owner {n}")
    email = factory.Sequence(lambda n: f"merchant{n}@store.example")


class BridgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bridge

    organization = factory.SelfAttribute("end_user.organization")
    end_user = factory.SubFactory(EndUserFactory)
    type = "shipstation"
    name = factory.Sequence(lambda n: f"Bridge {n}")
    status = Bridge.Status.ACTIVE


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    organization = factory.SelfAttribute("end_user.organization")
    end_user = factory.SubFactory(EndUserFactory)
    external_id = factory.Sequence(lambda n: f"ext_{n}")
    order_number = factory.Sequence(lambda n: f"{1000 + n}")
    po_number = factory.Sequence(lambda n: f"PO-{n}")
    status = "pending"
    customer_name = "Jane Doe"
    customer_email = "jane@example.com"
    line_items = factory.LazyFunction(lambda: [{"title": "Widget", "quantity": 2, "price": 22.5}])
    shipping_address = factory.LazyFunction(
        lambda: {"address1": "123 Main St", "city": "Anytown", "state": "CA", "zip": "90210", "country": "US"}
    )
    totals = factory.LazyFunction(lambda: {"subtotal": 45.0, "tax": 4.99, "total": 49.99})
    ordered_at = factory.LazyFunction(timezone.now)
    version_tag = factory.Sequence(lambda n: f"v{n:08d}")


class OrderActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderActivity

    order = factory.SubFactory(OrderFactory)
    organization = factory.SelfAttribute("order.organization")
    activity_type = "note"
    title = "Note added"


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    organization = factory.SelfAttribute("order.organization")
    end_user = factory.SelfAttribute("order.end_user")
    tracking_number = factory.Sequence(lambda n: f"1Z999AA1{n:010d}")
    carrier = "ups"
    service = "ground"
    status = "in_transit"
    ship_date = factory.LazyFunction(lambda: timezone.now().date())
    estimated_delivery = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=5))
    ship_from = factory.LazyFunction(lambda: {"city": "Los Angeles", "state": "CA", "country": "US"})
    ship_to = factory.LazyFunction(
        lambda: {
            "name": "Jane Doe",
            "street": "1 Secret Lane",
            "city": "New York",
            "state": "NY",
            "country": "US",
        }
    )


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingCheckpoint

    shipment = factory.SubFactory(ShipmentFactory)
    organization = factory.SelfAttribute("shipment.organization")
    status = "in_transit"
    status_detail = "Departed facility"
    location = "Chicago, IL"
    city = "Chicago"
    state = "IL"
    country = "US"
    checkpoint_time = factory.LazyFunction(timezone.now)
