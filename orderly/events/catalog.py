"""The event catalogue: each webhook topic's JSON Schema and an example, registered by the app that
builds its payload (from its AppConfig.ready), served by the webhooks API and published in the
OpenAPI document. `tests/webhooks/conftest.py` validates every payload the suite delivers against it.

Schemas are JSON Schema 2020-12 (the dialect of OpenAPI 3.1) and closed: a key a payload gains must
be added here first, so what integrators generate types from stays what they receive.
"""

from dataclasses import dataclass

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"

# Building blocks ------------------------------------------------------------------------------

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
UUID = {"type": "string", "format": "uuid"}
TIME = {
    "type": "string",
    "format": "date-time",
    "pattern": TIME_PATTERN,
    "description": "ISO 8601 UTC, ms, Z",
}
DATE = {"type": "string", "format": "date"}
ANY_OBJECT = {"type": "object", "additionalProperties": True}


def nullable(schema: dict) -> dict:
    kind = schema.get("type")
    if isinstance(kind, str) and "enum" not in schema:
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values, *, null: bool = False) -> dict:
    values = list(values)
    return (
        {"type": ["string", "null"], "enum": [*values, None]} if null else {"type": "string", "enum": values}
    )


def closed(properties: dict, *, optional: tuple = (), description: str = "") -> dict:
    """An object with exactly these keys; all are present but those named `optional`."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [k for k in properties if k not in optional]
    if required:
        schema["required"] = required
    if description:
        schema["description"] = description
    return schema


def extended(base: dict, properties: dict, *, optional: tuple = ()) -> dict:
    """`base` (a `closed` object) with more keys."""
    return closed(
        {**base["properties"], **properties},
        optional=tuple(k for k in base["properties"] if k not in base.get("required", [])) + optional,
        description=base.get("description", ""),
    )


# Any topic's delivery, CONTRACT §6's envelope; each topic's own schema narrows `topic` and `data`.
DELIVERY_BODY = closed(
    {
        "id": {**UUID, "description": "The event's id (the same in every delivery of it)."},
        "topic": STRING,
        "createdAt": TIME,
        "data": ANY_OBJECT,
    },
    description="A webhook delivery's body.",
)


# The registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    id: str
    description: str
    data: dict  # the JSON Schema of the delivery's `data`
    example: dict  # an example `data`

    @property
    def schema(self) -> dict:
        """The JSON Schema of the whole delivery body, CONTRACT §6's `{id, topic, createdAt, data}`."""
        return {
            "$schema": DIALECT,
            "title": self.id,
            "description": self.description,
            **closed(
                {
                    "id": {**UUID, "description": "The event's id (the same in every delivery of it)."},
                    "topic": {"const": self.id},
                    "createdAt": TIME,
                    "data": self.data,
                }
            ),
        }

    @property
    def example_body(self) -> dict:
        return {
            "id": "0b7e5c1e-4d3a-4f0a-9c51-6a1f2f1d9e01",
            "topic": self.id,
            "createdAt": "2026-03-18T15:30:45.123Z",
            "data": self.example,
        }

    def as_catalog_entry(self) -> dict:
        return {
            "id": self.id,
            "description": self.description,
            "schema": self.schema,
            "example": self.example_body,
        }


_topics: dict[str, Topic] = {}


def topic_register(topic_id: str, *, description: str, data: dict, example: dict) -> None:
    """Declare a topic's payload; call from the owning app's AppConfig.ready()."""
    _topics[topic_id] = Topic(topic_id, description, data, example)


def topic_get(topic_id: str) -> Topic | None:
    return _topics.get(topic_id)


def topics_catalog(topic_ids) -> list[Topic]:
    """The registered topics among `topic_ids`, in that order."""
    return [_topics[t] for t in topic_ids if t in _topics]


def registered_topics() -> list[Topic]:
    return list(_topics.values())
