"""Reads of embed configuration used on hot paths (CORS, public config), cached and invalidated on write."""

from django.core.cache import cache

from embed.models import EmbedConfig

_ORIGINS_CACHE_KEY = "embed:allowed-origins:v1"
_ORIGINS_TTL = 300


def _origins_by_organization() -> dict[str, list[str]]:
    mapping = cache.get(_ORIGINS_CACHE_KEY)
    if mapping is None:
        mapping = {
            str(org_id): origins or []
            for org_id, origins in EmbedConfig.objects.filter(is_active=True).values_list(
                "organization_id", "allowed_origins"
            )
        }
        cache.set(_ORIGINS_CACHE_KEY, mapping, _ORIGINS_TTL)
    return mapping


def embed_origins_invalidate() -> None:
    cache.delete(_ORIGINS_CACHE_KEY)


def embed_origin_allowed(origin: str, *, organization_id=None) -> bool:
    """Is `origin` on the allowed list of this organization (or, with none given, of any)?"""
    mapping = _origins_by_organization()
    if organization_id is not None:
        return origin in mapping.get(str(organization_id), [])
    return any(origin in origins for origins in mapping.values())


def embed_config_get(*, organization) -> EmbedConfig | None:
    return EmbedConfig.objects.filter(organization=organization).first()
