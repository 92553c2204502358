"""Signatures (CONTRACT §6): X-Orderly-Signature and the Standard Webhooks headers."""

import base64
import hashlib
import hmac


def orderly_signature(secrets: list[str], body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    parts = [f"t={timestamp}"]
    parts += [f"v1={hmac.new(s.encode(), signed, hashlib.sha256).hexdigest()}" for s in secrets]
    return ",".join(parts)


def standard_signature(secrets: list[str], body: bytes, message_id: str, timestamp: int) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(s.encode(), signed, hashlib.sha256).digest()).decode()
        for s in secrets
    )


def signature_headers(*, secrets: list[str], body: bytes, message_id: str, timestamp: int) -> dict:
    return {
        "X-Orderly-Signature": orderly_signature(secrets, body, timestamp),
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secrets, body, message_id, timestamp),
    }
