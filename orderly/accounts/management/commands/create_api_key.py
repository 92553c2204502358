import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orderly.accounts.models import Organization
from orderly.accounts.services import api_key_create
from orderly.errors import DomainError


class Command(BaseCommand):
    help = "Create an API key (oh_…) for an organization; the key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--user", required=True, help="email of a staff user of that organization")
        parser.add_argument("--name", required=True)
        parser.add_argument("--scopes", required=True, help="comma-separated")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(slug=opts["org"]).first()
        if org is None:
            raise CommandError(f"No organization {opts['org']!r}.")
        user = get_user_model().objects.filter(email=opts["user"], membership__organization=org).first()
        if user is None:
            raise CommandError(f"No user {opts['user']!r} in organization {org.slug!r}.")
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        try:
            key, token = api_key_create(organization=org, user=user, name=opts["name"], scopes=scopes)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        if opts["json"]:
            self.stdout.write(json.dumps({"id": str(key.id), "key": token, "scopes": key.scopes}))
        else:
            self.stdout.write(f"API key {key.name}: {token}\n(shown once; store it now)")
