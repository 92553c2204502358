"""Credential tokens: GitHub-style random base62 bodies with a CRC32 checksum.

The checksum lets us refuse a malformed or mistyped token before touching the database;
only the SHA-256 digest of a token is ever stored.
"""

import hashlib
import hmac
import secrets
import string
import zlib

ALPHABET = string.digits + string.ascii_letters
BODY_LENGTH = 43  # 43 base62 characters carry just over 256 bits.
CHECKSUM_LENGTH = 6

API_KEY_PREFIX = "oh_"
SESSION_PREFIX = "est_"
PUBLISHABLE_PREFIX = "pk_live_"
IDENTITY_SECRET_PREFIX = "ois_"  # the HMAC key of auto-sessions' userHash (embed config)


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(ALPHABET[rem])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECKSUM_LENGTH)


def token_generate(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{prefix}{body}{_checksum(body)}"


def token_is_well_formed(token: str, prefix: str) -> bool:
    if not token.startswith(prefix):
        return False
    rest = token[len(prefix) :]
    if len(rest) != BODY_LENGTH + CHECKSUM_LENGTH or any(c not in ALPHABET for c in rest):
        return False
    body, checksum = rest[:BODY_LENGTH], rest[BODY_LENGTH:]
    return hmac.compare_digest(checksum, _checksum(body))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_display_prefix(token: str) -> str:
    """Enough of a token to recognise it in a list, far too little to use it."""
    return token[: token.index("_", 3 if token.startswith("pk_") else 0) + 5]
