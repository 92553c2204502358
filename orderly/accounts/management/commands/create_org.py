import json

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from orderly.accounts.services import organization_create


class Command(BaseCommand):
    help = "Create an organization and its first admin user."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        try:
            org, user = organization_create(
                name=opts["name"], slug=opts["slug"], admin_email=opts["admin_email"], admin_password=opts["admin_password"]
            )
        except IntegrityError as exc:
            raise CommandError("An organization with that slug, or a user with that email, already exists.") from exc
        result = {
            "organization": {"id": str(org.id), "name": org.name, "slug": org.slug},
            "user": {"id": user.id, "email": user.email},
        }
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(f"Created organization {org.slug} ({org.id}) with admin {user.email}")
