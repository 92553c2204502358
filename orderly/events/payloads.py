"""An event payload defined once, readable two ways: from a model instance in Python, and from a
row in SQL (`jsonb_build_object`), for a bulk change that records its events with one statement.

    DATA = Payload(id=text("id"), status=value("status"), created_at=iso("created_at"))
    DATA.python(instance)   # {"id": "…", "status": "…", "created_at": "2026-01-15T10:30:00.000Z"}
    DATA.sql("r")           # jsonb_build_object('id', r.id::text, 'status', r.status, …)

Both readings are checked against each other in the tests of each payload that has a SQL path.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orderly.api.fields import iso_ms

# iso_ms's format in SQL: UTC, milliseconds truncated, "Z".
ISO_MS_SQL = "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


@dataclass(frozen=True)
class Key:
    python: Callable[[Any], Any]
    sql: str  # an expression over the row alias `{t}`


def value(attr: str) -> Key:
    """The column as it is (text, number, boolean, JSON)."""
    return Key(lambda obj: getattr(obj, attr), f"{{t}}.{attr}")


def text(attr: str) -> Key:
    """The column as text, null kept (ids: UUIDs as their canonical string)."""

    def read(obj):
        raw = getattr(obj, attr)
        return None if raw is None else str(raw)

    return Key(read, f"{{t}}.{attr}::text")


def iso(attr: str) -> Key:
    """A time as `iso_ms` writes it."""
    return Key(lambda obj: iso_ms(getattr(obj, attr)), ISO_MS_SQL.format(col=f"{{t}}.{attr}"))


class Payload:
    def __init__(self, **keys: Key):
        self.keys = keys

    def python(self, obj) -> dict:
        return {name: key.python(obj) for name, key in self.keys.items()}

    def sql(self, alias: str) -> str:
        pairs = ", ".join(f"'{name}', {key.sql.format(t=alias)}" for name, key in self.keys.items())
        return f"jsonb_build_object({pairs})"
