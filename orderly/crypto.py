"""Encryption at rest for secrets we must read back (bridge credentials, webhook signing secrets).

Fernet (AES-128-CBC + HMAC-SHA256) keyed by ORDERLY_ENCRYPTION_KEY (any string; it is
stretched to a Fernet key with SHA-256).
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def encrypt_text(plaintext: str) -> str:
    return _fernet(settings.ORDERLY_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt_text(ciphertext: str) -> str:
    try:
        return _fernet(settings.ORDERLY_ENCRYPTION_KEY).decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Cannot decrypt: wrong ORDERLY_ENCRYPTION_KEY or corrupted value") from exc


def encrypt_json(value) -> str:
    return encrypt_text(json.dumps(value, separators=(",", ":")))


def decrypt_json(ciphertext: str):
    return json.loads(decrypt_text(ciphertext)) if ciphertext else {}


def mask_secret(value) -> str:
    """`"****c456"`: enough to recognise a credential, never enough to use it."""
    text = str(value or "")
    return "****" + text[-4:] if len(text) > 8 else "****"
