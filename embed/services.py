"""Embed configuration, end users and sessions: every change, and the event it records."""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from embed.models import EmbedConfig
from embed.selectors import embed_origins_invalidate
from orderly.accounts.models import EmbedSession, EndUser
from orderly.api.tokens import (
    IDENTITY_SECRET_PREFIX,
    PUBLISHABLE_PREFIX,
    SESSION_PREFIX,
    token_digest,
    token_display_prefix,
    token_generate,
    token_is_well_formed,
)
from orderly.crypto import decrypt_text, encrypt_text
from orderly.errors import DomainError, ErrorCode, not_found, validation_error
from orderly.events.services import event_record
from orderly.features import DEFAULT_SERVER_SESSION_SCOPES, auto_session_scopes
from orderly.models import model_update

CONFIG_FIELDS = (
    "slug",
    "branding",
    "allowed_origins",
    "allowed_bridge_types",
    "default_dispatcher_id",
    "settings",
    "enabled_features",
    "is_active",
)
PROFILE_FIELDS = ("name", "email", "metadata")


# Configuration ----------------------------------------------------------------------------------


def _slug_taken() -> DomainError:
    # Well formed, but another organization's: a conflict with what exists (409), not a bad request.
    return DomainError(ErrorCode.CONFLICT, "This slug is already taken.", details={"slug": ["This slug is already taken."]})


@transaction.atomic
def embed_config_upsert(*, organization, changes: dict) -> EmbedConfig:
    """Create the organization's config (with a new publishable key) or apply `changes` to it."""
    config = EmbedConfig.objects.select_for_update().filter(organization=organization).first()
    created = config is None
    if created and not changes.get("slug"):
        raise validation_error("slug", "This field is required when creating the embed configuration.")
    slug = changes.get("slug")
    if slug and EmbedConfig.objects.filter(slug=slug).exclude(organization=organization).exists():
        raise _slug_taken()
    try:
        with transaction.atomic():
            if created:
                given = {name: changes[name] for name in CONFIG_FIELDS if name in changes}
                config = EmbedConfig.objects.create(
                    organization=organization, publishable_key=token_generate(PUBLISHABLE_PREFIX), **given
                )
                changed = list(given)
            else:
                changed = model_update(config, changes, CONFIG_FIELDS)
    except IntegrityError:
        raise _slug_taken() from None
    event_record(
        organization=organization,
        event_type="config.updated",
        resource_type="embed_config",
        resource_id=config.pk,
        metadata={"created": created, "fields": changed},
    )
    transaction.on_commit(embed_origins_invalidate)
    return config


def _active_config(organization) -> EmbedConfig:
    config = EmbedConfig.objects.filter(organization=organization).first()
    if config is None or not config.is_active:
        raise DomainError(ErrorCode.EMBED_INACTIVE, "The embed configuration is missing or not active.")
    return config


# End users ---------------------------------------------------------------------------------------


def end_user_upsert(*, organization, external_id: str, profile: dict) -> tuple[EndUser, bool]:
    """Server side: the end user with this external id, created or updated with the given
    name/email/metadata. The integrator's server vouches for it from now on, so an auto-session
    reaches it only with a valid userHash."""
    server = EndUser.ProvisionedBy.SERVER
    end_user, created = EndUser.objects.get_or_create(
        organization=organization, external_id=external_id, defaults={**profile, "provisioned_by": server}
    )
    if created:
        event_record(
            organization=organization,
            event_type="end_user.created",
            end_user=end_user,
            resource_type="end_user",
            resource_id=end_user.pk,
            metadata={"external_id": external_id},
        )
    else:
        model_update(end_user, {**profile, "provisioned_by": server}, (*PROFILE_FIELDS, "provisioned_by"))
    return end_user, created


@transaction.atomic
def end_user_delete(*, organization, end_user_id) -> None:
    """Revoke every session, then delete; bridges and orders keep their data with no end user."""
    end_user = (
        EndUser.objects.for_organization(organization).select_for_update().filter(pk=end_user_id).first()
    )
    if end_user is None:
        raise not_found("End user")
    revoked = EmbedSession.objects.filter(end_user=end_user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    event_record(
        organization=organization,
        event_type="end_user.deleted",
        end_user=end_user,
        resource_type="end_user",
        resource_id=end_user.pk,
        metadata={"external_id": end_user.external_id, "sessions_revoked": revoked},
    )
    end_user.delete()


# Sessions ----------------------------------------------------------------------------------------


def _session_create(
    *, organization, end_user, scopes, allowed_bridge_types, ttl_seconds: int, origin: str, metadata=None
) -> tuple[EmbedSession, str]:
    token = token_generate(SESSION_PREFIX)
    session = EmbedSession.objects.create(
        organization=organization,
        end_user=end_user,
        digest=token_digest(token),
        scopes=list(scopes),
        allowed_bridge_types=allowed_bridge_types,
        origin=origin,
        expires_at=timezone.now() + dt.timedelta(seconds=ttl_seconds),
    )
    event_record(
        organization=organization,
        event_type="session.created",
        end_user=end_user,
        session_id=session.pk,
        resource_type="session",
        resource_id=session.pk,
        metadata={"origin": origin, "scopes": list(scopes), "ttl_seconds": ttl_seconds, **(metadata or {})},
    )
    return session, token


@transaction.atomic
def embed_session_create(
    *,
    organization,
    external_id: str,
    profile: dict,
    scopes=None,
    allowed_bridge_types=None,
    ttl_seconds: int | None = None,
):
    """Server-side session: upserts the end user by external id. Returns (session, token, config)."""
    config = _active_config(organization)
    end_user, _ = end_user_upsert(organization=organization, external_id=external_id, profile=profile)
    session, token = _session_create(
        organization=organization,
        end_user=end_user,
        scopes=scopes if scopes is not None else DEFAULT_SERVER_SESSION_SCOPES,
        allowed_bridge_types=allowed_bridge_types,
        ttl_seconds=ttl_seconds or settings.ORDERLY_SESSION_DEFAULT_TTL,
        origin=EmbedSession.Origin.SERVER,
    )
    return session, token, config


def _auto_session_config(*, publishable_key: str, origin: str | None) -> EmbedConfig:
    config = None
    if token_is_well_formed(publishable_key, PUBLISHABLE_PREFIX):
        config = (
            EmbedConfig.objects.select_related("organization").filter(publishable_key=publishable_key).first()
        )
    if config is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Unknown publishable key.")
    if not config.is_active:
        raise DomainError(ErrorCode.EMBED_INACTIVE, "The embed configuration is not active.")
    if config.allowed_origins and origin not in config.allowed_origins:
        raise DomainError(
            ErrorCode.ORIGIN_NOT_ALLOWED,
            "This origin may not create sessions with this key.",
            details={"origin": origin},
        )
    return config


def user_hash_compute(*, identity_secret: str, external_id: str) -> str:
    """What the integrator's server computes: lowercase hex HMAC-SHA256(secret, externalId), UTF-8."""
    return hmac.new(identity_secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


def _identity_refused(reason: str, message: str) -> DomainError:
    return DomainError(ErrorCode.IDENTITY_VERIFICATION_FAILED, message, details={"reason": reason})


def _user_hash_verified(*, config: EmbedConfig, external_id: str, user_hash: str | None) -> bool:
    """True for a valid userHash, False when none is given and none is required; else 403."""
    required = (config.settings or {}).get("requireUserHash") is True
    if user_hash is None:
        if required:
            raise _identity_refused("user_hash_required", "This embed configuration requires a userHash.")
        return False
    if not config.identity_secret_encrypted:
        raise _identity_refused("no_identity_secret", "No identity secret is configured to verify a userHash.")
    expected = user_hash_compute(
        identity_secret=decrypt_text(config.identity_secret_encrypted), external_id=external_id
    )
    if not hmac.compare_digest(expected.encode(), user_hash.encode()):
        raise _identity_refused("user_hash_invalid", "The userHash does not match the externalId.")
    return True


def _auto_session_end_user(*, organization, external_id: str, profile: dict, verified: bool) -> EndUser:
    """The end user an auto-session binds to. A new one is created with the given profile; an
    existing one keeps its profile (an auto-session never overwrites it), and one the integrator's
    server provisioned is reachable only with a verified userHash."""
    end_user, created = EndUser.objects.get_or_create(
        organization=organization,
        external_id=external_id,
        defaults={**profile, "provisioned_by": EndUser.ProvisionedBy.AUTO},
    )
    if created:
        event_record(
            organization=organization,
            event_type="end_user.created",
            end_user=end_user,
            resource_type="end_user",
            resource_id=end_user.pk,
            metadata={"external_id": external_id, "provisioned_by": EndUser.ProvisionedBy.AUTO},
        )
    elif end_user.provisioned_by != EndUser.ProvisionedBy.AUTO and not verified:
        raise _identity_refused(
            "user_hash_required",
            "This end user was provisioned by the integrator's server: a userHash is required.",
        )
    return end_user


def embed_session_create_auto(
    *, publishable_key: str, origin: str | None, external_id: str, profile: dict, user_hash: str | None = None
):
    """Browser-side session from a publishable key (CONTRACT §1 rev. 2).

    A publishable key is public and an `Origin` header is only enforced by browsers, so the key
    alone proves nothing about who calls. It therefore mints a short session only while the config
    is active, only from an allowed origin when any are configured, and only for an end user that
    auto-sessions created — unless `user_hash` proves the integrator's server vouches for
    `external_id`. A refusal is recorded in the event log (`session.identity_rejected`).
    """
    config = _auto_session_config(publishable_key=publishable_key, origin=origin)
    organization = config.organization
    try:
        with transaction.atomic():
            verified = _user_hash_verified(config=config, external_id=external_id, user_hash=user_hash)
            end_user = _auto_session_end_user(
                organization=organization, external_id=external_id, profile=profile, verified=verified
            )
            session, token = _session_create(
                organization=organization,
                end_user=end_user,
                scopes=auto_session_scopes(config.enabled_features),
                allowed_bridge_types=None,
                ttl_seconds=min(settings.ORDERLY_AUTO_SESSION_MAX_TTL, 3600),
                origin=EmbedSession.Origin.AUTO,
                metadata={"identity": "user_hash" if verified else "unverified"},
            )
    except DomainError as exc:
        if exc.code is ErrorCode.IDENTITY_VERIFICATION_FAILED:
            event_record(
                organization=organization,
                event_type="session.identity_rejected",
                end_user=EndUser.objects.filter(organization=organization, external_id=external_id).first(),
                resource_type="embed_config",
                resource_id=config.pk,
                metadata={"external_id": external_id, "origin": origin, **exc.details},
            )
        raise
    return session, token, config


@transaction.atomic
def embed_session_revoke(*, organization, session_id) -> None:
    session = EmbedSession.objects.for_organization(organization).filter(pk=session_id).first()
    if session is None:
        raise not_found("Session")
    if session.revoked_at is None:
        EmbedSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        event_record(
            organization=organization,
            event_type="session.revoked",
            end_user_id=session.end_user_id,
            session_id=session.pk,
            resource_type="session",
            resource_id=session.pk,
        )


# Credentials of the browser-only path ----------------------------------------------------------


def _locked_config(organization) -> EmbedConfig:
    config = EmbedConfig.objects.select_for_update().filter(organization=organization).first()
    if config is None:
        raise not_found("Embed configuration")
    return config


@transaction.atomic
def embed_identity_secret_rotate(*, organization) -> tuple[EmbedConfig, str, bool]:
    """Create the identity secret, or replace it (the old one stops verifying at once).

    Returns (config, secret, created). The secret is returned only here; it is stored encrypted,
    since verifying a userHash needs it in the clear.
    """
    config = _locked_config(organization)
    created = not config.identity_secret_encrypted
    secret = token_generate(IDENTITY_SECRET_PREFIX)
    config.identity_secret_encrypted = encrypt_text(secret)
    config.identity_secret_created_at = timezone.now()
    config.save(update_fields=["identity_secret_encrypted", "identity_secret_created_at", "updated_at"])
    event_record(
        organization=organization,
        event_type="config.identity_secret_created" if created else "config.identity_secret_rotated",
        resource_type="embed_config",
        resource_id=config.pk,
        metadata={"secret_prefix": token_display_prefix(secret)},
    )
    return config, secret, created


@transaction.atomic
def embed_publishable_key_rotate(*, organization) -> EmbedConfig:
    """Issue a new publishable key; the old one is refused from now on (sessions it minted run out)."""
    config = _locked_config(organization)
    previous = config.publishable_key
    config.publishable_key = token_generate(PUBLISHABLE_PREFIX)
    config.save(update_fields=["publishable_key", "updated_at"])
    event_record(
        organization=organization,
        event_type="config.publishable_key_rotated",
        resource_type="embed_config",
        resource_id=config.pk,
        metadata={
            "previous_key_prefix": token_display_prefix(previous),
            "key_prefix": token_display_prefix(config.publishable_key),
        },
    )
    return config
