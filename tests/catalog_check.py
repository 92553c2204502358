"""Every payload the suite delivers is checked against its topic's schema in the event catalogue
(the autouse fixture `_delivered_payloads_match_the_catalog` in tests/conftest.py)."""

import json
from functools import lru_cache

import jsonschema


@lru_cache(maxsize=64)
def _validator(topic: str):
    from orderly.events.catalog import topic_get

    entry = topic_get(topic)
    if entry is None:
        return None
    return jsonschema.Draft202012Validator(entry.schema, format_checker=jsonschema.FormatChecker())


def catalog_violations(body: str) -> list[str]:
    """Why a delivery body does not match the catalogue (empty when it does)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return ["the body is not JSON"]
    topic = payload.get("topic") if isinstance(payload, dict) else None
    validator = _validator(topic) if isinstance(topic, str) else None
    if validator is None:
        return [f"topic {topic!r} is not in the event catalogue"]
    return [
        f"{topic}: {'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
        for error in validator.iter_errors(payload)
    ]
