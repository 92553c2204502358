"""Schemathesis hooks for Orderly, loaded by `schemathesis.toml` (so the CLI run of docs/api.md and
the tests in this folder send the same requests)."""

import re
import uuid

import schemathesis

WELL_FORMED_KEY = re.compile(r"[!-~]{1,255}")  # the schema's Idempotency-Key: 1–255 visible ASCII


@schemathesis.hook
def before_call(context, case, kwargs):
    """A fresh `Idempotency-Key` for every generated request, as a client gives every new request
    (docs/api.md). Generated keys repeat ("0", "a"…), and one key sent again with another body is a
    422 `idempotency_key_reused` by design (the IETF Idempotency-Key draft), not a valid request
    refused. A malformed key is sent as generated, so its 400 is still tested."""
    for name, value in list((case.headers or {}).items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and WELL_FORMED_KEY.fullmatch(value):
            case.headers[name] = str(uuid.uuid4())
