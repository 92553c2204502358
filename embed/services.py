"""Embed configuration, end users and sessions: every change, and the event it records."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from embed.models import EmbedConfig
from embed.selectors import embed_origins_invalidate
from orderly.accounts.models import EmbedSession, EndUser
from orderly.api.tokens import (
    PUBLISHABLE_PREFIX,
    SESSION_PREFIX,
    token_digest,
    token_generate,
    token_is_well_formed,
)
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


@transaction.atomic
def embed_config_upsert(*, organization, changes: dict) -> EmbedConfig:
    """Create the organization's config (with a new publishable key) or apply `changes` to it."""
    config = EmbedConfig.objects.select_for_update().filter(organization=organization).first()
    created = config is None
    if created and not changes.get("slug"):
        raise validation_error("slug", "This field is required when creating the embed configuration.")
    slug = changes.get("slug")
    if slug and EmbedConfig.objects.filter(slug=slug).exclude(organization=organization).exists():
        raise validation_error("slug", "This slug is already taken.")
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
        raise validation_error("slug", "This slug is already taken.") from None
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
    """The end user with this external id, created or updated with the given name/email/metadata."""
    end_user, created = EndUser.objects.get_or_create(
        organization=organization, external_id=external_id, defaults=profile
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
        model_update(end_user, profile, PROFILE_FIELDS)
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
    *, organization, end_user, scopes, allowed_bridge_types, ttl_seconds: int, origin: str
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
        metadata={"origin": origin, "scopes": list(scopes), "ttl_seconds": ttl_seconds},
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


@transaction.atomic
def embed_session_create_auto(*, publishable_key: str, origin: str | None, external_id: str, profile: dict):
    """Browser-side session from a publishable key: the safe version of that pattern.

    The key only ever mints a short session for an end user of its own organization, only from
    an allowed origin when any are configured, and only while the config is active.
    """
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
    end_user, _ = end_user_upsert(organization=config.organization, external_id=external_id, profile=profile)
    session, token = _session_create(
        organization=config.organization,
        end_user=end_user,
        scopes=auto_session_scopes(config.enabled_features),
        allowed_bridge_types=None,
        ttl_seconds=min(settings.ORDERLY_AUTO_SESSION_MAX_TTL, 3600),
        origin=EmbedSession.Origin.AUTO,
    )
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
