"""A demo organization to log in to, with data. Idempotent: running it again changes nothing.

Each app contributes its demo data in its own `demo.py` with `seed(*, organization, user, stdout)`;
they run in the order of DEMO_MODULES (named as strings: the kernel imports no app), each one a
no-op when its data is already there.
"""

from importlib import import_module

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from orderly.accounts.models import Organization
from orderly.accounts.services import organization_create

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@orderly.local"
DEMO_PASSWORD = "orderly-demo"
DEMO_MODULES = ["embed", "orders", "actions"]


class Command(BaseCommand):
    help = "Create (once) the demo organization with end users, orders, shipments and more."

    def handle(self, *args, **opts):
        with transaction.atomic():
            org = Organization.objects.filter(slug=DEMO_SLUG).first()
            if org is None:
                org, user = organization_create(
                    name="Demo Fulfillment", slug=DEMO_SLUG, admin_email=DEMO_EMAIL, admin_password=DEMO_PASSWORD
                )
            else:
                user = get_user_model().objects.get(email=DEMO_EMAIL)
            for module in DEMO_MODULES:
                import_module(f"{module}.demo").seed(organization=org, user=user, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organization ready. Log in at /dashboard/ as {DEMO_EMAIL} / {DEMO_PASSWORD}"
            )
        )
