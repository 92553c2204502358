"""Bridges: what an end user may connect, and every change made to a bridge.

Credentials (the fields a bridge type marks secret) never sit in `Bridge.config`: they are kept
encrypted in `Bridge.secret_config` and only ever leave the platform in full towards the bridge
service itself.
"""

import datetime as dt
import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from bridges import sync
from bridges.client import (
    BridgeServiceError,
    bridge_oauth_authorize_url,
    bridge_service_base_url,
    bridge_service_post,
    http_post_json,
)
from bridges.models import Bridge, OAuthState, SyncRun
from bridges.registry import BRIDGE_TYPES, BridgeType, bridge_type_get
from bridges.shopify import client as shopify
from orderly.accounts.models import EndUser
from orderly.crypto import decrypt_json, encrypt_json, mask_secret
from orderly.errors import DomainError, ErrorCode, validation_error
from orderly.events.services import event_record

SHOPIFY = "shopify"
SHOP_DOMAIN_RE = re.compile(r"[a-z0-9][a-z0-9-]*\.myshopify\.com")
MASK_PREFIX = "****"


# Which types an end user may use ---------------------------------------------------------------


def bridge_type_list_allowed(*, embed_config, session_allowed_types=None) -> list[BridgeType]:
    """Registry ∩ the embed config's allowed types ∩ the session's (when the session has a list)."""
    config_allowed = set((embed_config.allowed_bridge_types or []) if embed_config is not None else [])
    return [
        bridge_type
        for type_id, bridge_type in BRIDGE_TYPES.items()
        if type_id in config_allowed and (session_allowed_types is None or type_id in session_allowed_types)
    ]


def bridge_manage_check(*, bridge: Bridge, session_allowed_types) -> None:
    """A session restricted to some bridge types manages only bridges of those types (its
    `allowedBridgeTypes`): reading the list is fine, changing, testing or syncing another is a 403."""
    if session_allowed_types is not None and bridge.type not in session_allowed_types:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"Bridge type '{bridge.type}' is not allowed for this session.",
            details={"type": bridge.type},
        )


def _bridge_type_for_use(
    *, type_id: str, embed_config, session_allowed_types, field: str = "type"
) -> BridgeType:
    bridge_type = bridge_type_get(type_id)
    if bridge_type is None:
        raise validation_error(field, f"Unknown bridge type '{type_id}'.")
    if bridge_type not in bridge_type_list_allowed(
        embed_config=embed_config, session_allowed_types=session_allowed_types
    ):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"Bridge type '{type_id}' is not allowed for this session.",
            details={"type": type_id},
        )
    return bridge_type


# Config and secrets ----------------------------------------------------------------------------


# A required value has a character that is not whitespace; the schema says the same (`pattern`).
NOT_BLANK = re.compile(r"\S")


def _config_validate(*, bridge_type: BridgeType, values: dict, partial: bool) -> None:
    """Known keys only, string values, required keys present (after a merge, for a partial update)."""
    types = {f.name: f.type for f in bridge_type.config_fields}
    known = set(types)
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if key not in known:
            errors[key] = [f"Unknown field for bridge type '{bridge_type.id}'."]
        elif not isinstance(value, str):
            errors[key] = ["Must be a string."]
        elif len(value) > 2000:
            errors[key] = ["Must be at most 2000 characters."]
        elif value and types[key] == "url" and not _is_web_url(value):
            errors[key] = ["Must be an http(s) URL."]
    for config_field in bridge_type.config_fields:
        if not config_field.required or (partial and config_field.name not in values):
            continue
        if not NOT_BLANK.search(str(values.get(config_field.name) or "")):
            errors.setdefault(config_field.name, []).append("This field is required.")
    if errors:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "Invalid bridge config.", details={"config": errors})


def _is_web_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        return False
    return True


def _config_split(*, bridge_type: BridgeType, values: dict) -> tuple[dict, dict]:
    secret_names = bridge_type.secret_fields
    plain = {k: v for k, v in values.items() if k not in secret_names}
    secret = {k: v for k, v in values.items() if k in secret_names}
    return plain, secret


def bridge_config_decrypt(*, bridge: Bridge) -> dict:
    """The decrypted config, for the bridge service only."""
    return {**(bridge.config or {}), **decrypt_json(bridge.secret_config)}


def bridge_config_mask(*, bridge: Bridge) -> dict:
    """The config as an API response shows it: secrets masked (`"****c456"`)."""
    secret = decrypt_json(bridge.secret_config)
    return {**(bridge.config or {}), **{key: mask_secret(value) for key, value in secret.items()}}


def _max_bridges(embed_config) -> int | None:
    value = (embed_config.settings or {}).get("maxBridgesPerUser") if embed_config is not None else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _bridge_limit_check(*, end_user: EndUser, embed_config) -> None:
    """Called inside the creating transaction with the end user's row locked, so two parallel
    creates cannot both pass the count."""
    limit = _max_bridges(embed_config)
    if limit is None:
        return
    EndUser.objects.select_for_update().filter(pk=end_user.pk).first()
    if Bridge.objects.filter(organization_id=end_user.organization_id, end_user=end_user).count() >= limit:
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED,
            f"This end user already has the maximum of {limit} bridges.",
            details={"maxBridgesPerUser": limit},
        )


def _account(*, bridge_type: str, config: dict) -> str:
    """The shop a Shopify bridge is for (normalized), so Shopify's webhooks find it."""
    if bridge_type != SHOPIFY:
        return ""
    try:
        return shop_domain_normalize(str(config.get("shopDomain") or ""))
    except DomainError:
        return ""


def _sync_on_connect(bridge: Bridge) -> None:
    """A bridge that just became connected brings its orders at once, not at the next tick."""
    bridge_type = bridge_type_get(bridge.type)
    if bridge_type is not None and bridge_type.syncs and bridge.status == Bridge.Status.ACTIVE:
        sync.sync_run_request(bridge=bridge, trigger=SyncRun.Trigger.CONNECT)


def _event_data(bridge: Bridge) -> dict:
    return {"bridge_id": str(bridge.pk), "type": bridge.type, "name": bridge.name}


def _bridge_event(bridge: Bridge, event_type: str) -> None:
    event_record(
        organization=bridge.organization,
        event_type=event_type,
        end_user_id=bridge.end_user_id,
        resource_type="bridge",
        resource_id=bridge.pk,
        data=_event_data(bridge),
        metadata={"type": bridge.type, "name": bridge.name},
    )


# CRUD ------------------------------------------------------------------------------------------


def bridge_create(
    *,
    organization,
    end_user: EndUser,
    embed_config,
    session_allowed_types,
    type: str,
    name: str,
    config: dict,
) -> Bridge:
    bridge_type = _bridge_type_for_use(
        type_id=type, embed_config=embed_config, session_allowed_types=session_allowed_types
    )
    _config_validate(bridge_type=bridge_type, values=config, partial=False)
    plain, secret = _config_split(bridge_type=bridge_type, values=config)
    with transaction.atomic():
        _bridge_limit_check(end_user=end_user, embed_config=embed_config)
        bridge = Bridge.objects.create(
            organization=organization,
            end_user=end_user,
            type=bridge_type.id,
            name=name,
            config=plain,
            secret_config=encrypt_json(secret) if secret else "",
            status=Bridge.Status.ACTIVE,
            dispatcher_id=embed_config.default_dispatcher_id if embed_config is not None else None,
            account=_account(bridge_type=bridge_type.id, config=plain),
        )
        _bridge_event(bridge, "bridge.created")
        _sync_on_connect(bridge)
    return bridge


def bridge_update(
    *, bridge: Bridge, name: str | None = None, status: str | None = None, config: dict | None = None
) -> Bridge:
    """Name, status, and a shallow merge of `config`; secret keys are re-encrypted.

    A secret sent back exactly as the API showed it masked (`"****c456"`) keeps the stored value, so
    a form that round-trips the bridge it displayed does not overwrite a credential with its mask.
    """
    bridge_type = bridge_type_get(bridge.type)
    with transaction.atomic():
        bridge = Bridge.objects.select_for_update().get(pk=bridge.pk)
        previous_status = bridge.status
        if name is not None:
            bridge.name = name
        if status is not None:
            bridge.status = status
            if status != Bridge.Status.ERROR:
                bridge.error_message = None
        if config is not None:
            if bridge_type is None:
                raise validation_error("config", f"Bridge type '{bridge.type}' is no longer available.")
            _config_validate(bridge_type=bridge_type, values=config, partial=True)
            secret = decrypt_json(bridge.secret_config)
            incoming = {
                key: value
                for key, value in config.items()
                if not (key in secret and value.startswith(MASK_PREFIX) and value == mask_secret(secret[key]))
            }
            plain_new, secret_new = _config_split(bridge_type=bridge_type, values=incoming)
            merged_secret = {**secret, **secret_new}
            bridge.config = {**(bridge.config or {}), **plain_new}
            bridge.secret_config = encrypt_json(merged_secret) if merged_secret else ""
            bridge.account = _account(bridge_type=bridge.type, config=bridge.config) or bridge.account
            if bridge.status == Bridge.Status.ERROR and status is None and (plain_new or secret_new):
                # New credentials: worth trying again, so the scheduler syncs the bridge again.
                bridge.status = Bridge.Status.ACTIVE
                bridge.error_message = None
        bridge.save()
        _bridge_event(bridge, "bridge.updated")
        if status == Bridge.Status.DISCONNECTED and previous_status != Bridge.Status.DISCONNECTED:
            _bridge_event(bridge, "bridge.disconnected")
    return bridge


def bridge_disconnect(*, bridge: Bridge, reason: str) -> Bridge:
    """The remote side ended the connection (Shopify's app/uninstalled): the bridge is
    disconnected, its credentials cleared, and `bridge.disconnected` recorded."""
    with transaction.atomic():
        bridge = Bridge.objects.select_for_update().select_related("organization").get(pk=bridge.pk)
        if bridge.status == Bridge.Status.DISCONNECTED:
            return bridge
        bridge.status = Bridge.Status.DISCONNECTED
        bridge.error_message = reason[:1000]
        bridge.secret_config = ""
        bridge.save(update_fields=["status", "error_message", "secret_config", "updated_at"])
        _bridge_event(bridge, "bridge.disconnected")
    return bridge


def bridge_credentials_clear(*, bridge: Bridge) -> None:
    Bridge.objects.filter(pk=bridge.pk).update(secret_config="", updated_at=timezone.now())


def bridge_delete(*, bridge: Bridge) -> None:
    with transaction.atomic():
        _bridge_event(bridge, "bridge.deleted")
        bridge.delete()


def bridge_test_connection(*, bridge: Bridge) -> tuple[bool, str]:
    """Ask the bridge service whether the stored config works; the bridge's status follows the answer.

    An unreachable or broken bridge service is a failed test (success false with the reason), not
    an error of this API: the caller asked whether the connection works, and it does not.
    """
    try:
        if bridge.type == SHOPIFY and shopify.shopify_enabled():
            success, message = _shopify_test(bridge)
        else:
            _status, body = bridge_service_post(
                bridge_type=bridge.type, path="/test", payload={"config": bridge_config_decrypt(bridge=bridge)}
            )
            success = body.get("success")
            if not isinstance(success, bool):
                raise BridgeServiceError("The bridge service sent an answer without a success flag.")
            message = body.get("message")
            message = (
                str(message) if message else ("Connection successful" if success else "Connection failed")
            )
    except BridgeServiceError as exc:
        success, message = False, str(exc)
    message = message[:1000]
    Bridge.objects.filter(pk=bridge.pk).update(
        status=Bridge.Status.ACTIVE if success else Bridge.Status.ERROR,
        error_message=None if success else message,
        updated_at=timezone.now(),
    )
    return success, message


def _shopify_test(bridge: Bridge) -> tuple[bool, str]:
    from bridges.shopify.services import shopify_admin_for

    shop = shopify_admin_for(bridge).graphql("query { shop { name myshopifyDomain } }", {}).get("shop") or {}
    return True, f"Connected to {shop.get('name') or bridge.account}"


def bridge_fulfillment_push(*, bridge: Bridge, order, shipment, idempotency_key: str) -> dict:
    """Send a shipment to the order's store as a fulfillment (the `push_fulfillment` operation):
    to Shopify itself when the built-in bridge is on, else `POST <base>/fulfillments` of the
    type's bridge service. Raises BridgeServiceError with the reason when it did not happen."""
    if bridge.type == SHOPIFY and shopify.shopify_enabled():
        from bridges.shopify.services import shopify_fulfillment_push

        return {"response": shopify_fulfillment_push(bridge=bridge, order=order, shipment=shipment)}
    response = http_post_json(
        url=f"{bridge_service_base_url(bridge.type)}/fulfillments",
        payload={
            "config": bridge_config_decrypt(bridge=bridge),
            "orderId": order.external_id,
            "orderNumber": order.order_number,
            "trackingNumber": shipment.tracking_number,
            "carrier": shipment.carrier,
            "service": shipment.service,
            "bridgeId": str(bridge.pk),
        },
        # A re-run after a lost worker sends the same key; the bridge service can deduplicate.
        headers={"Idempotency-Key": idempotency_key},
    )
    if not 200 <= response.status_code < 300:
        raise BridgeServiceError(f"The bridge service answered {response.status_code}.")
    try:
        payload = response.json()
    except ValueError:
        payload = None
    return {"statusCode": response.status_code, "response": payload}


# Shopify OAuth ---------------------------------------------------------------------------------


def shop_domain_normalize(value: str) -> str:
    shop = value.strip().lower()
    if shop.startswith("https://"):
        shop = shop.removeprefix("https://").rstrip("/")
    if "." not in shop:
        shop = f"{shop}.myshopify.com"
    if not SHOP_DOMAIN_RE.fullmatch(shop) or len(shop) > 255:
        raise validation_error(
            "shopDomain", "Must be a Shopify domain like 'mystore' or 'mystore.myshopify.com'."
        )
    return shop


def _state_digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def bridge_shopify_oauth_start(
    *,
    organization,
    end_user: EndUser,
    embed_config,
    session_allowed_types,
    shop_domain: str,
    name: str | None,
    redirect_uri: str = "",
) -> tuple[Bridge, str]:
    """A pending Shopify bridge and a single-use `state` bound to it; returns the authorize URL:
    Shopify's own (built-in bridge; Shopify sends the merchant back to `redirect_uri`) or the
    bridge service's."""
    _bridge_type_for_use(
        type_id=SHOPIFY,
        embed_config=embed_config,
        session_allowed_types=session_allowed_types,
        field="shopDomain",
    )
    shop = shop_domain_normalize(shop_domain)
    state = secrets.token_urlsafe(32)
    with transaction.atomic():
        _bridge_limit_check(end_user=end_user, embed_config=embed_config)
        bridge = Bridge.objects.create(
            organization=organization,
            end_user=end_user,
            type=SHOPIFY,
            name=name or f"Shopify - {shop}",
            config={"shopDomain": shop},
            status=Bridge.Status.PENDING,
            dispatcher_id=embed_config.default_dispatcher_id if embed_config is not None else None,
            account=shop,
        )
        OAuthState.objects.create(
            bridge=bridge,
            digest=_state_digest(state),
            shop=shop,
            expires_at=timezone.now() + dt.timedelta(seconds=settings.ORDERLY_OAUTH_STATE_TTL_SECONDS),
        )
        _bridge_event(bridge, "bridge.created")
    if shopify.shopify_enabled():
        return bridge, shopify.shopify_authorize_url(shop=shop, state=state, redirect_uri=redirect_uri)
    return bridge, bridge_oauth_authorize_url(bridge_type=SHOPIFY, shop=shop, state=state)


def bridge_shopify_oauth_complete(*, state: str, code: str, shop: str, query: dict | None = None) -> Bridge:
    """Consume the state (once), exchange the code, activate the bridge, start its first sync.

    With the built-in bridge, the redirect must carry Shopify's `hmac` over its whole `query`
    (every parameter, as lists) and name a `*.myshopify.com` shop — both checked before the state
    is touched, so a forged callback cannot burn a merchant's pending authorization.
    """
    builtin = shopify.shopify_enabled()
    if builtin:
        if not shopify.shopify_query_hmac_valid(query or {}):
            raise validation_error("hmac", "The request is not signed by Shopify.")
        if not SHOP_DOMAIN_RE.match(shop) or len(shop) > 255:
            raise validation_error("shop", "Must be a shop domain like 'mystore.myshopify.com'.")
    shop = shop.strip().lower()
    now = timezone.now()
    digest = _state_digest(state)
    issued = (
        OAuthState.objects.select_related("bridge__organization__embed_config").filter(digest=digest).first()
    )
    if issued is not None:
        embed_config = getattr(issued.bridge.organization, "embed_config", None)
        if embed_config is None or not embed_config.is_active or not embed_config.has_feature("bridges"):
            raise DomainError(ErrorCode.FEATURE_DISABLED, "Bridges are not enabled for this organization.")
    live = OAuthState.objects.filter(
        digest=digest, used_at__isnull=True, expires_at__gt=now, bridge__status=Bridge.Status.PENDING
    )
    # One conditional UPDATE decides who wins: a replayed or concurrent callback finds nothing left.
    if not live.filter(shop=shop).update(used_at=now):
        if live.exists():
            raise validation_error("shop", "Does not match the shop the authorization was started for.")
        # The state names a pending authorization, and is its credential: none such is a 404.
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "Unknown, expired or already used OAuth state.",
            details={"state": ["Unknown, expired or already used OAuth state."]},
        )
    bridge = Bridge.objects.select_related("organization").get(oauth_states__digest=digest)
    try:
        if builtin:
            access_token, _scope = shopify.shopify_token_exchange(shop=shop, code=code)
        else:
            _status, body = bridge_service_post(
                bridge_type=SHOPIFY, path="/oauth/token", payload={"code": code, "shop": shop}
            )
            access_token = body.get("accessToken")
            if not isinstance(access_token, str) or not access_token:
                raise BridgeServiceError("The bridge service did not return an access token.")
    except BridgeServiceError as exc:
        Bridge.objects.filter(pk=bridge.pk).update(
            status=Bridge.Status.ERROR,
            error_message=f"OAuth token exchange failed: {exc}",
            updated_at=timezone.now(),
        )
        raise DomainError(ErrorCode.BAD_GATEWAY, f"OAuth token exchange failed: {exc}") from None
    with transaction.atomic():
        bridge = Bridge.objects.select_for_update().select_related("organization").get(pk=bridge.pk)
        bridge.config = {**(bridge.config or {}), "shopDomain": shop}
        bridge.account = shop
        bridge.secret_config = encrypt_json(
            {**decrypt_json(bridge.secret_config), "accessToken": access_token}
        )
        bridge.status = Bridge.Status.ACTIVE
        bridge.error_message = None
        bridge.save()
        _bridge_event(bridge, "bridge.connected")
        _sync_on_connect(bridge)
    return bridge
