"""Signatures (CONTRACT §6): X-Orderly-Signature and the Standard Webhooks headers.

Both headers carry one `v1` per secret that is valid now (the current one, and during a rotation
every previous one still inside its grace period). The two headers differ in their HMAC key:
`X-Orderly-Signature` keys on the secret string's UTF-8 bytes (the seed's rule); the Standard Webhooks
signature keys on what the Standard Webhooks spec says a `whsec_` secret means — its base64-decoded
bytes — so `Webhook("whsec_…")` of any Standard Webhooks or Svix library verifies it as-is.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

# How a secret's Standard Webhooks key is derived; stored with each secret (Webhook.SecretScheme).
RAW = "raw"  # the UTF-8 bytes, always: endpoints from before CONTRACT §6 rev. 2, until rotated
STANDARD = "standard"  # rev. 2: decoded bytes of `whsec_<standard base64>`, else the UTF-8 bytes

PREFIX = "whsec_"


def standard_key(secret: str, scheme: str) -> bytes:
    """The HMAC key of the Standard Webhooks signature for `secret`."""
    if scheme == STANDARD and secret.startswith(PREFIX):
        try:
            key = base64.b64decode(secret[len(PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if key:
            return key
    return secret.encode()


@dataclass(frozen=True)
class SigningSecret:
    secret: str
    scheme: str = STANDARD

    @property
    def orderly_key(self) -> bytes:
        return self.secret.encode()

    @property
    def standard_key(self) -> bytes:
        return standard_key(self.secret, self.scheme)


def orderly_signature(secrets: list[SigningSecret], body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    parts = [f"t={timestamp}"]
    parts += [f"v1={hmac.new(s.orderly_key, signed, hashlib.sha256).hexdigest()}" for s in secrets]
    return ",".join(parts)


def standard_signature(secrets: list[SigningSecret], body: bytes, message_id: str, timestamp: int) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(s.standard_key, signed, hashlib.sha256).digest()).decode()
        for s in secrets
    )


def signature_headers(*, secrets: list[SigningSecret], body: bytes, message_id: str, timestamp: int) -> dict:
    return {
        "X-Orderly-Signature": orderly_signature(secrets, body, timestamp),
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secrets, body, message_id, timestamp),
    }
