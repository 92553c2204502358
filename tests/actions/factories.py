import datetime as dt

import factory
from django.utils import timezone

from actions.models import ActionRequest
from tests.factories import OrderFactory


class ActionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionRequest

    order = factory.SubFactory(OrderFactory)
    organization = factory.SelfAttribute("order.organization")
    end_user = factory.SelfAttribute("order.end_user")
    action_type = "cancel"
    title = factory.Sequence(lambda n: f"Please cancel order {n}")
    description = "I ordered the wrong size"
    status = "pending"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
