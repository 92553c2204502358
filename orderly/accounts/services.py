import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from orderly.accounts.models import API_KEY_SCOPES, ApiKey, EndUser, Membership, Organization
from orderly.api.tokens import API_KEY_PREFIX, token_digest, token_display_prefix, token_generate
from orderly.errors import DomainError, ErrorCode


@transaction.atomic
def organization_create(*, name: str, slug: str, admin_email: str, admin_password: str | None = None):
    """An organization with its first staff user (an admin, who may log in to /dashboard/)."""
    User = get_user_model()
    organization = Organization.objects.create(name=name, slug=slug)
    user = User.objects.create_user(
        username=admin_email, email=admin_email, password=admin_password, is_staff=False
    )
    if not admin_password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN)
    return organization, user


def api_key_validate_scopes(scopes) -> list[str]:
    unknown = [s for s in scopes if s not in API_KEY_SCOPES]
    if unknown or not scopes:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "Invalid scopes.",
            details={
                "scopes": [f"Unknown scope: {s}. Valid scopes: {', '.join(API_KEY_SCOPES)}." for s in unknown]
                or ["At least one scope is required."]
            },
        )
    return list(dict.fromkeys(scopes))


def api_key_create(*, organization, user, name: str, scopes) -> tuple[ApiKey, str]:
    """Returns the key row and the plaintext token, which is never stored and shown only now."""
    scopes = api_key_validate_scopes(scopes)
    token = token_generate(API_KEY_PREFIX)
    key = ApiKey.objects.create(
        organization=organization,
        created_by=user,
        name=name,
        prefix=token_display_prefix(token),
        digest=token_digest(token),
        scopes=scopes,
    )
    return key, token


def api_key_revoke(*, organization, key_id) -> bool:
    return bool(
        ApiKey.objects.for_organization(organization)
        .filter(pk=key_id, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


def staff_public_id(*, user_id) -> str | None:
    """The public UUID of a staff user (their membership's), as every response and event shows it;
    None for no user, or a user with no membership (a superuser acting from the admin)."""
    if user_id is None:
        return None
    public_id = Membership.objects.filter(user_id=user_id).values_list("public_id", flat=True).first()
    return str(public_id) if public_id else None


def staff_public_id_sql(user_id_column: str) -> str:
    """`staff_public_id` as a SQL expression over a column holding the user's id."""
    table = Membership._meta.db_table
    return f"(SELECT m.public_id::text FROM {table} m WHERE m.user_id = {user_id_column})"  # noqa: S608


def staff_user_id(*, public_id) -> int | None:
    """The staff user behind a public id (None when unknown or not a UUID)."""
    if not public_id:
        return None
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Membership.objects.filter(public_id=public_id).values_list("user_id", flat=True).first()


def owner_lock(*, organization=None, end_user=None) -> None:
    """Lock the row that owns a counted set (an end user's, else the organization's), until commit.

    Call it inside the transaction, before counting, wherever a limit is enforced: locking the
    rows already counted does not stop a concurrent INSERT, so two creates could both see one
    below the limit. Locking the one owner row serializes them (PostgreSQL); SQLite serializes
    every write transaction anyway (BEGIN IMMEDIATE), where FOR UPDATE is a no-op.
    """
    if end_user is not None:
        EndUser.objects.select_for_update().filter(pk=end_user.pk).first()
    else:
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
