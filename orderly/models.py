"""Shared model pieces: UUID ids, timestamps and the one tenant-scoping queryset."""

import uuid

from django.db import models


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(UUIDModel):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """Tenant scoping in one place: every queryset serving a request goes through one of these.

    `end_user_path` names how a model reaches its end user (override per model when indirect).
    """

    organization_path = "organization"
    end_user_path = "end_user"

    def for_organization(self, organization):
        return self.filter(**{self.organization_path: organization})

    def for_end_user(self, end_user):
        return self.filter(**{self.organization_path: end_user.organization_id, self.end_user_path: end_user})


def scoped_queryset(*, organization_path: str = "organization", end_user_path: str = "end_user"):
    """A manager whose queryset knows this model's paths to its organization and end user."""
    qs_class = type(
        "ScopedQuerySet",
        (ScopedQuerySet,),
        {"organization_path": organization_path, "end_user_path": end_user_path},
    )
    return qs_class.as_manager()


def model_update(instance: models.Model, data: dict, fields) -> list[str]:
    """Set those of `fields` that `data` holds and that differ, and save only them.

    The one update loop for services applying validated input: returns the names that changed
    (an empty list saves nothing), and writes `updated_at` along with them when the model has it.
    """
    changed = [name for name in fields if name in data and getattr(instance, name) != data[name]]
    for name in changed:
        setattr(instance, name, data[name])
    if changed:
        has_updated_at = any(f.name == "updated_at" for f in instance._meta.concrete_fields)
        instance.save(update_fields=[*changed, "updated_at"] if has_updated_at else changed)
    return changed
