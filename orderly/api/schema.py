"""The OpenAPI schema describes the wire format of CONTRACT §3 once, here, not on every view.

Views declare what they render (`@extend_schema(responses={200: OrderOutput})`); `EnvelopeAutoSchema`
documents what is sent:

- a 2xx JSON body is `{"data": …}` (what `ok()` sends);
- a list is paginated, `{"data": [...], "pagination": Pagination}` (what `paginate()` sends), unless
  the view marks it `unpaginated(...)`; `paginated_with(..., unreadCount=IntegerField())` documents
  keys a view adds next to `data`;
- a DELETE answers `{"success": true}` (what `deleted()` sends);
- `unenveloped(...)` marks the few responses the seeds show without the envelope;
- every operation lists the error responses it can give, each the `Error` envelope: the generic ones
  (400, 401/403 behind a credential, 404, 413/415 with a body, 429 when throttled, 503) and any
  other status the view declares, e.g. `409: OpenApiResponse(description="Not pending.")`.
"""

import copy

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, append_meta, force_instance
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

from orderly.api.fields import URL_PATTERN, ShapedJSONField
from orderly.api.pagination import page_parameters
from orderly.api.permissions import ApiKey, Public, Session, requirement_for
from orderly.api.serializers import InputSerializer, OutputSerializer
from orderly.errors import DEFAULT_STATUS, ErrorCode
from orderly.features import FEATURES

WIRE = "orderly_wire"  # the override key the markers below set on a response serializer
JSON = "application/json"
NO_BODY = "No response body"  # drf-spectacular's description of a declared status without a body
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}
}
REQUEST_ID_HEADER = {
    "X-Request-Id": {
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": "The request's id: the client's own `X-Request-Id` when it is 1–200 visible "
        "ASCII characters, else a generated one. Quote it when reporting a problem.",
        "required": True,
    }
}
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present on a replay: the answer first given to this `Idempotency-Key`.",
    }
}
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": "Makes a retry safe: the first completed answer (not a 5xx) to this key is kept "
    "24 hours and replayed, with `Idempotent-Replayed: true`, to a retry with the same body. Scoped "
    "to the organization (and end user, for a session). Another body with the same key → 422 "
    "`idempotency_key_reused`; while the first request runs → 409 `idempotency_key_in_use`.",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _details(description: str, **properties) -> dict:
    """An error's `details`: each key optional (a refusal raised by DRF itself sends `{}`), no other."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }


STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
# What `details` holds, by code (every `DomainError(..., details=…)` in the code base); a code not
# listed sends `{}`. `validation_error` is always `{field: [messages]}` (`flat_field_errors`).
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each field as the client spelled it → its messages. Nested fields are joined with "
    "dots (`customer.email`, `lineItems.0.sku`); errors of the body as a whole are under "
    "`non_field_errors`; a header or query parameter is named as sent (`Idempotency-Key`, `limit`).",
    "additionalProperties": STRINGS,
}
ERROR_DETAILS = {
    ErrorCode.INVALID_JSON: _details(
        "What was refused in the body, when it parsed but broke a limit.",
        maxDepth={"type": "integer", "description": "The deepest nesting accepted."},
        number={**STRINGS, "description": "The out-of-range number, as sent (truncated)."},
    ),
    ErrorCode.INSUFFICIENT_SCOPE: _details(
        "The scopes the endpoint requires, and which of them the credential lacks.",
        required=STRINGS,
        missing=STRINGS,
    ),
    ErrorCode.FEATURE_DISABLED: _details(
        "The disabled feature.", feature={"type": "string", "enum": list(FEATURES)}
    ),
    ErrorCode.FORBIDDEN: _details("The bridge type the session may not manage.", type=STRING),
    ErrorCode.ORIGIN_NOT_ALLOWED: _details("The refused `Origin`.", origin=STRING),
    ErrorCode.IDENTITY_VERIFICATION_FAILED: _details(
        "Why the end user's identity was not verified.",
        reason={"type": "string", "enum": ["user_hash_required", "no_identity_secret", "user_hash_invalid"]},
    ),
    ErrorCode.LIMIT_EXCEEDED: _details(
        "The limit reached.",
        limit={"type": "integer", "minimum": 0},
        maxBridgesPerUser={"type": "integer", "minimum": 0},
    ),
    ErrorCode.GONE: _details(
        "Why the tracking page is gone.",
        reason={"type": "string", "enum": ["revoked", "expired", "tracking_disabled"]},
    ),
    ErrorCode.INVALID_STATE: _details("The object's current status, when it has one.", status=STRING),
    # A conflict with another object names the field that conflicts, as a validation error does; a
    # 404 may name the parameter that found nothing (an OAuth `state`) the same way, else sends `{}`.
    ErrorCode.CONFLICT: _ref("FieldErrors"),
    ErrorCode.NOT_FOUND: _ref("FieldErrors"),
}
NO_DETAILS = {"type": "object", "description": "This code sends no details.", "additionalProperties": False}


def _error_variant_name(codes: list[str]) -> str:
    if len(codes) > 1:
        return "OtherError"
    return "".join(part.capitalize() for part in codes[0].split("_")).removesuffix("Error") + "Error"


def _error_variant(codes: list[str], details: dict) -> dict:
    return {
        "type": "object",
        "properties": {
            # One code: a `const` (a literal type in generated clients), not a one-value enum component.
            "code": {"type": "string", "const": codes[0]} if len(codes) == 1 else {"type": "string", "enum": codes},
            "message": {"type": "string", "description": "For people: may change, do not parse it."},
            "details": details,
            "request_id": {
                "type": "string",
                "description": "The request's id, as in the `X-Request-Id` response header.",
            },
        },
        "required": ["code", "message", "details", "request_id"],
        "additionalProperties": False,
    }


def error_components() -> dict[str, dict]:
    """The `Error` envelope and its parts: `error` is one variant per code with its own `details`
    (discriminated by `code`), so a generated client types a validation error's field messages."""
    documented = {ErrorCode.VALIDATION_ERROR: _ref("FieldErrors"), **ERROR_DETAILS}
    groups = [([code.value], details) for code, details in documented.items()]
    groups.append(([code.value for code in ErrorCode if code not in documented], NO_DETAILS))
    variants = {_error_variant_name(codes): (codes, details) for codes, details in groups}
    components = {"FieldErrors": FIELD_ERRORS_SCHEMA}
    mapping = {}
    for name, (codes, details) in variants.items():
        components[name] = _error_variant(codes, details)
        mapping.update({code: f"#/components/schemas/{name}" for code in codes})
    components["ErrorBody"] = {
        "description": "One variant per `code`, each with the `details` that code sends.",
        "oneOf": [_ref(name) for name in variants],
        "discriminator": {"propertyName": "code", "mapping": mapping},
    }
    components["Error"] = {
        "type": "object",
        "description": "The error envelope every failed request answers with (CONTRACT §3).",
        "properties": {"error": _ref("ErrorBody")},
        "required": ["error"],
        "additionalProperties": False,
    }
    return components


PAGINATION_SCHEMA = {
    "type": "object",
    "properties": {
        "page": {"type": "integer", "minimum": 1},
        "limit": {"type": "integer", "minimum": 1},
        "total": {
            "type": "integer",
            "minimum": 0,
            "description": "Exact up to 10,000 rows (ORDERLY_PAGINATION_EXACT_COUNT); past that, an estimate.",
        },
        "totalPages": {"type": "integer", "minimum": 0},
        "hasMore": {"type": "boolean"},
    },
    "required": ["page", "limit", "total", "totalPages", "hasMore"],
    "additionalProperties": False,
}
DELETED_SCHEMA = {
    "type": "object",
    "properties": {"success": {"type": "boolean", "enum": [True]}},
    "required": ["success"],
    "additionalProperties": False,
}
# Markers a view wraps a response serializer in ------------------------------------------------


def _mark(serializer, **wire):
    serializer = force_instance(serializer)
    serializer._spectacular_annotation = {
        **getattr(serializer, "_spectacular_annotation", {}),
        WIRE: {**_wire(serializer), **wire},
    }
    return serializer


def unenveloped(serializer):
    """A response sent as is, without `{"data": …}` (the seeds show a few)."""
    return _mark(serializer, envelope=False)


def unpaginated(serializer):
    """A list sent whole, `{"data": [...]}` without `pagination`."""
    return _mark(serializer, paginated=False)


def paginated_with(serializer, **fields):
    """A paginated list with more top-level keys next to `data`, e.g. `unreadCount`."""
    return _mark(serializer, extra=fields)


def _wire(serializer) -> dict:
    if isinstance(serializer, OpenApiResponse):
        serializer = serializer.response
    return (getattr(serializer, "_spectacular_annotation", None) or {}).get(WIRE, {})


def _is_success(code) -> bool:
    return str(code).startswith("2")


def _codes_for(status: int) -> list[str]:
    return [code.value for code, default in DEFAULT_STATUS.items() if default == status]


class PageEnvelope:
    """What drf-spectacular asks of a paginator: the page/limit parameters and the list's envelope."""

    def __init__(self, pagination_ref: dict, extra: dict):
        self.pagination_ref = pagination_ref
        self.extra = extra

    def get_schema_operation_parameters(self, view) -> list[dict]:
        # The view's own limits (`ApiView.default_limit`/`max_limit`), which its `paginate()` enforces.
        return page_parameters(default_limit=view.default_limit, max_limit=view.max_limit)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "properties": {"data": schema, **self.extra, "pagination": self.pagination_ref},
            "required": ["data", *self.extra, "pagination"],
            "additionalProperties": False,
        }


class EnvelopeAutoSchema(AutoSchema):
    def _component(self, name: str, schema: dict) -> dict:
        # A copy: drf-spectacular's postprocessing rewrites component schemas in place.
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            schema=copy.deepcopy(schema),
            object=f"orderly.api.schema.{name}",
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error_component(self) -> dict:
        ref = None
        for name, schema in error_components().items():
            ref = self._component(name, schema)
        return ref  # the last one: `Error`

    def get_tags(self) -> list[str]:
        return [TAGS.get(_family(self.path), (self._tokenize_path()[0].capitalize(), ""))[0]]

    def get_summary(self) -> str:
        return operation_summary(self.method, self.path)

    def get_description(self) -> str:
        """The view's own words (or the summary), then the credential it takes."""
        text = super().get_description() or f"{self.get_summary()}."
        requirement = requirement_for(self.view, self.method)
        if requirement is None or isinstance(requirement, Public):
            credential = "None: a public endpoint."
        else:
            credential = requirement.describe() + "."
        return f"{text}\n\nCredential: {credential}"

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None and "security" not in operation:
            operation["security"] = []  # public: no credential at all
        return operation

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        serializer = force_instance(serializer)
        if "__doc__" not in vars(type(serializer)) or not type(serializer).__doc__:
            # drf-spectacular reads inherited docstrings: the base classes' notes for developers
            # ("Validates a request body…") are not a description of this body.
            schema.pop("description", None)
        if direction == "request" and isinstance(serializer, InputSerializer):
            schema["additionalProperties"] = False  # an unknown field is a 400 (no mass assignment)
            # Rules across fields that its `validate()` enforces, e.g. a URL when delivery is by webhook.
            rules = getattr(serializer, "schema_rules", {})
            rules = copy.deepcopy(rules(self) if callable(rules) else rules)
            schema.setdefault("properties", {}).update(rules.pop("properties", {}))  # a field's schema, refined
            schema.update(rules)
        if direction == "response" and isinstance(serializer, OutputSerializer):
            # A model output sends every field it lists, null or not: all are required.
            schema["required"] = list(schema.get("properties", {}))
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, ShapedJSONField):
            for name, needed in field.needs.items():
                self._component(name, needed)
            shape = copy.deepcopy(field.shape)
            schema = self._component(field.component, shape) if field.component else shape
            meta = self._get_serializer_field_meta(field, direction)
            kind = shape.get("type")
            if not {"type", "$ref", "oneOf", "anyOf", "allOf", "enum", "const"} & set(shape) or (
                isinstance(kind, list) and "null" in kind
            ):
                meta.pop("nullable", None)  # the shape already admits null (any JSON value does)
            return append_meta(schema, meta)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListField) and not field.allow_empty and schema.get("type") in (
            "array",
            ["array", "null"],
        ):
            schema.setdefault("minItems", 1)  # drf-spectacular leaves `allow_empty=False` out
        if (
            direction == "request"
            and type(field) is serializers.CharField
            and field.trim_whitespace
            and not field.allow_blank
            and not {"pattern", "enum", "format"} & set(schema)
            # drf-spectacular adds a RegexValidator's pattern after this: that one says more
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            # DRF trims first, so " " is blank (a 400): the value needs a character that is not space.
            schema["pattern"] = r"\S"
        if isinstance(field, serializers.URLField) and direction == "request":
            # What Django's URLValidator accepts is narrower than `format: uri` (a host "0" is a URI's).
            pattern = getattr(field, "schema_pattern", URL_PATTERN)
            if field.allow_blank:
                schema["anyOf"] = [{"pattern": pattern}, {"maxLength": 0}]  # "" clears it
                schema.pop("format", None)
                schema["anyOf"][0]["format"] = "uri"
            else:
                schema.setdefault("pattern", pattern)
        return schema

    def _is_list_view(self, serializer=None) -> bool:
        # Only a GET answers with a list; asking the other methods would guess at serializers that
        # are not declared (a DELETE declares none: its answer is the contract's).
        if serializer is None and self.method != "GET":
            return False
        return super()._is_list_view(serializer)

    def get_response_serializers(self):
        # A DELETE answers what `deleted()` sends; there is no serializer to guess for it.
        return {} if self.method == "DELETE" else super().get_response_serializers()

    def _main_response(self):
        declared = self.get_response_serializers()
        if isinstance(declared, dict):
            successes = sorted((str(code), s) for code, s in declared.items() if _is_success(code))
            declared = successes[0][1] if successes else None
        return declared

    def _get_paginator(self):
        if self.method != "GET":
            return None
        wire = _wire(self._main_response())
        if not wire.get("paginated", True):
            return None
        extra = {
            name: self._map_serializer_field(force_instance(field), "response")
            for name, field in wire.get("extra", {}).items()
        }
        return PageEnvelope(self._component("Pagination", PAGINATION_SCHEMA), extra)

    def _is_paginated(self, serializer) -> bool:
        # The condition under which AutoSchema hands a list to the paginator's envelope.
        if isinstance(serializer, OpenApiResponse):
            serializer = serializer.response
        return bool(
            serializer is not None and self._is_list_view(serializer) and self._get_paginator() is not None
        )

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if direction != "response" or not _is_success(status_code):
            return response
        if not _wire(serializer).get("envelope", True) or self._is_paginated(serializer):
            return response
        content = response.get("content", {})
        if JSON in content:
            content[JSON]["schema"] = {
                "type": "object",
                "properties": {"data": content[JSON]["schema"]},
                "required": ["data"],
                "additionalProperties": False,
            }
        return response

    def _get_response_bodies(self, direction="response"):
        if direction != "response":
            return super()._get_response_bodies(direction)
        if self.method == "DELETE":
            # What `deleted()` sends, whatever else the view declares (its errors are kept).
            declared = self.get_response_serializers() or {}
            responses = {
                str(code): self._get_response_for_code(serializer, str(code))
                for code, serializer in declared.items()
                if not _is_success(code)
            }
            deleted = self._component("Deleted", DELETED_SCHEMA)
            responses["200"] = {"description": "Deleted.", "content": {JSON: {"schema": deleted}}}
        else:
            responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            if not _is_success(code):
                declared = response.get("description")
                responses[code] = self._error_response(code, None if declared == NO_BODY else declared)
        for code in self._generic_error_codes():
            responses.setdefault(code, self._error_response(code))
        for response in responses.values():
            headers = response.setdefault("headers", {})
            headers.update(REQUEST_ID_HEADER)
            if self.method == "POST":
                headers.update(REPLAYED_HEADER)
        return dict(sorted(responses.items()))

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body is not None and isinstance(self.get_request_serializer(), PolymorphicProxySerializer):
            body["required"] = True  # each variant has required fields; drf-spectacular cannot tell
        return body

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.method == "POST":
            parameters.append(dict(IDEMPOTENCY_KEY_PARAMETER))
        return parameters

    def _generic_error_codes(self) -> list[str]:
        codes = ["400", "404", "503"]
        if self.get_auth():
            codes += ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        if self.method == "POST":
            codes += ["409", "422"]  # Idempotency-Key in use, or reused for another request
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _error_response(self, code: str, description: str | None = None) -> dict:
        codes = ", ".join(f"`{c}`" for c in _codes_for(int(code)))
        response = {
            "description": description or (f"Error: {codes}." if codes else "Error."),
            "content": {JSON: {"schema": self._error_component()}},
        }
        if code in ("429", "503"):
            response["headers"] = dict(RETRY_AFTER)
        return response


def only_canonical_paths(endpoints, **kwargs):
    """Document each route once: the /api/embed, /api/operations and /api/v3 aliases and the
    trailing-slash twins serve the same views."""
    return [e for e in endpoints if e[0].startswith("/api/v1/") and not e[0].endswith("/")]


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "orderly.api.auth.BearerAuthentication"
    name = ["ApiKey", "EmbedSession"]

    def get_security_requirement(self, auto_schema):
        # Each operation takes one kind of credential: the one its view's `required` names.
        requirement = requirement_for(auto_schema.view, auto_schema.method)
        if isinstance(requirement, ApiKey):
            return {"ApiKey": []}
        if isinstance(requirement, Session):
            return {"EmbedSession": []}
        return None

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "API key `oh_…` (integrator's server)"},
            {"type": "http", "scheme": "bearer", "description": "Embed session token `est_…` (end user)"},
        ]


# Webhooks: the event catalogue in the document ------------------------------------------------

WEBHOOK_HEADERS = [
    ("webhook-id", "The delivery's id, the same across retries: deduplicate on it."),
    ("webhook-timestamp", "Unix seconds when this attempt was signed."),
    ("webhook-signature", "Standard Webhooks: `v1,<base64>` per valid secret, space-separated."),
    ("X-Orderly-Signature", "`t=<unix seconds>,v1=<hex HMAC-SHA256>` (one `v1` per valid secret)."),
    ("X-Orderly-Event", "The topic."),
    ("X-Orderly-Delivery", "The delivery's id (as `webhook-id`)."),
]


def _component_name(topic: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in topic.replace("_", ".").split(".")) + "Event"


def publish_event_webhooks(result, generator, request, public):
    """Every topic of the event catalogue as an OpenAPI 3.1 webhook, so receivers generate types
    for payloads as they do for responses (`orderly.events.catalog`)."""
    from orderly.events.catalog import registered_topics

    # OpenAPI 3.1 speaks JSON Schema 2020-12: the payloads are components, and `webhooks` is standard.
    # Under 3.0 they go inline in the `x-webhooks` extension, which 3.0's schema dialect does not check.
    is_31 = str(result.get("openapi", "")).startswith("3.1")
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    webhooks = {}
    for topic in registered_topics():
        name = _component_name(topic.id)
        payload = {k: v for k, v in topic.schema.items() if k != "$schema"}
        if is_31:
            schemas[name] = payload
        webhooks[topic.id] = {
            "post": {
                "operationId": f"webhook_{topic.id.replace('.', '_')}",
                "summary": topic.id,
                "description": topic.description + " Sent to every active endpoint subscribed to it, "
                "signed (docs/webhooks.md).",
                "tags": [WEBHOOK_DELIVERIES_TAG[0]],
                "security": [],
                "parameters": [
                    {
                        "name": header,
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": description,
                    }
                    for header, description in WEBHOOK_HEADERS
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        JSON: {
                            "schema": {"$ref": f"#/components/schemas/{name}"} if is_31 else payload,
                            "example": topic.example_body,
                        }
                    },
                },
                "responses": {
                    "200": {"description": "Any 2xx acknowledges the delivery; anything else is retried."}
                },
            }
        }
    result["webhooks" if is_31 else "x-webhooks"] = webhooks
    result["tags"] = document_tags()
    return result


# Summaries, descriptions and tags: every operation has all three --------------------------------

# (tag, description), by the path's family: `/api/v1/<family>` or `/api/v1/embed/<family>`.
TAGS = {
    "orders": ("Orders", "Ingest and read orders (API key): upsert by `externalId`, order actions."),
    "shipments": ("Shipments", "Ingest shipments and tracking checkpoints (API key)."),
    "operations": ("Operations", "Auditable, undoable actions on orders (API key)."),
    "webhooks": ("Organization webhooks", "The organization's own endpoints (API key `embed:manage`)."),
    "bridges": ("Bridge sync", "Bridge sync runs and the Shopify webhook receiver."),
    "embed/config": ("Embed config", "The embed configuration: public by slug, managed with an API key."),
    "embed/sessions": ("Sessions", "Embed sessions for end users: server-side (API key) or auto (publishable key)."),
    "embed/users": ("End users", "The organization's end users (API key)."),
    "embed/events": ("Event log", "Everything that happened, newest first (API key)."),
    "embed/bridges": ("Bridges", "An end user's store connections (session)."),
    "embed/bridge-types": ("Bridges", ""),
    "embed/orders": ("Data room", "An end user's orders and shipments (session)."),
    "embed/shipments": ("Data room", ""),
    "embed/tracking": ("Tracking", "Tracking of a shipment, and shareable tracking pages."),
    "embed/tracking-pages": ("Tracking", ""),
    "embed/action-requests": ("Action requests", "End users ask for actions on orders; staff resolve them."),
    "embed/alerts": ("Alerts", "An end user's alert rules and notifications (session)."),
    "embed/webhooks": ("End-user webhooks", "An end user's own endpoints (session)."),
}
WEBHOOK_DELIVERIES_TAG = ("Webhook deliveries", "What Orderly POSTs to an endpoint: one entry per topic.")


def _family(path: str) -> str:
    parts = [p for p in path.removeprefix("/api/v1/").split("/") if p]
    if parts and parts[0] == "embed" and len(parts) > 1:
        return f"embed/{parts[1]}"
    return parts[0] if parts else ""


def document_tags() -> list[dict]:
    """The document's `tags`: each once, with its description (SPECTACULAR_SETTINGS["TAGS"])."""
    seen: dict[str, str] = {}
    for name, description in [*TAGS.values(), WEBHOOK_DELIVERIES_TAG]:
        if description or name not in seen:
            seen[name] = description or seen.get(name, "")
    return [{"name": name, "description": description} for name, description in seen.items()]


# One line per operation, as a client reads it in generated code and docs (`/api/v1/…` omitted).
SUMMARIES = {
    "GET bridges/{pk}/syncs": "List a bridge's sync runs",
    "POST bridges/shopify/webhooks": "Receive a Shopify webhook",
    "GET embed/action-requests": "List action requests",
    "POST embed/action-requests": "Ask for an action on an order",
    "GET embed/action-requests/{pk}": "Get an action request",
    "DELETE embed/action-requests/{pk}": "Withdraw an action request",
    "PATCH embed/action-requests/{pk}/resolve": "Approve or deny an action request",
    "GET embed/action-requests/queue": "List the review queue",
    "GET embed/alerts/notifications": "List notifications",
    "PATCH embed/alerts/notifications/{pk}": "Mark a notification read or dismissed",
    "GET embed/alerts/rules": "List alert rules",
    "POST embed/alerts/rules": "Create an alert rule",
    "GET embed/alerts/rules/{pk}": "Get an alert rule",
    "PATCH embed/alerts/rules/{pk}": "Update an alert rule",
    "DELETE embed/alerts/rules/{pk}": "Delete an alert rule",
    "GET embed/bridge-types": "List bridge types",
    "GET embed/bridges": "List bridges",
    "POST embed/bridges": "Connect a bridge",
    "GET embed/bridges/{pk}": "Get a bridge",
    "PATCH embed/bridges/{pk}": "Update a bridge",
    "DELETE embed/bridges/{pk}": "Delete a bridge",
    "POST embed/bridges/{pk}/sync": "Start a bridge sync",
    "GET embed/bridges/{pk}/syncs": "List a bridge's sync runs",
    "POST embed/bridges/{pk}/test": "Test a bridge's connection",
    "GET embed/bridges/shopify/oauth/callback": "Finish Shopify OAuth",
    "POST embed/bridges/shopify/oauth/start": "Start Shopify OAuth",
    "GET embed/config": "Get the public embed config by slug",
    "PATCH embed/config": "Create or update the embed config",
    "GET embed/config/me": "Get the embed config",
    "GET embed/events": "List the event log",
    "GET embed/orders": "List the end user's orders",
    "GET embed/orders/{pk}": "Get an order",
    "POST embed/sessions": "Create a session for an end user",
    "DELETE embed/sessions/{pk}": "Revoke a session",
    "POST embed/sessions/auto": "Create an auto-session with a publishable key",
    "GET embed/shipments": "List the end user's shipments",
    "GET embed/shipments/{pk}": "Get a shipment",
    "GET embed/tracking-pages": "List tracking pages",
    "POST embed/tracking-pages": "Create a tracking page",
    "DELETE embed/tracking-pages/{pk}": "Revoke a tracking page",
    "GET embed/tracking-pages/view/{token}": "View a tracking page",
    "GET embed/tracking/{shipment_id}": "Get a shipment's tracking",
    "GET embed/users": "List end users",
    "GET embed/users/{pk}": "Get an end user",
    "DELETE embed/users/{pk}": "Delete an end user",
    "GET webhooks": "List webhooks",
    "POST webhooks": "Create a webhook",
    "GET webhooks/{pk}": "Get a webhook",
    "PATCH webhooks/{pk}": "Update a webhook",
    "DELETE webhooks/{pk}": "Delete a webhook",
    "GET webhooks/{pk}/deliveries": "List a webhook's deliveries",
    "POST webhooks/{pk}/deliveries/{delivery_id}/retry": "Re-send a delivery",
    "POST webhooks/{pk}/recover": "Re-queue failed deliveries",
    "POST webhooks/{pk}/rotate-secret": "Rotate a webhook's secret",
    "POST webhooks/{pk}/test": "Send a test event",
    "GET webhooks/event-catalog": "Get the event catalogue",
    "GET webhooks/event-types": "List subscribable topics",
    "GET operations": "List operations",
    "POST operations": "Create an operation",
    "GET operations/{pk}": "Get an operation",
    "POST operations/{pk}/cancel": "Cancel an operation",
    "POST operations/{pk}/execute": "Execute an operation",
    "POST operations/{pk}/undo": "Undo an operation",
    "GET orders": "List orders",
    "POST orders": "Create or update an order",
    "GET orders/{pk}": "Get an order",
    "PATCH orders/{pk}": "Update an order",
    "POST orders/{pk}/action": "Run an order action",
    "POST shipments": "Create a shipment",
    "POST shipments/{pk}/checkpoints": "Add a tracking checkpoint",
}


def operation_summary(method: str, path: str) -> str:
    """The operation's one line; end-user webhook routes read as the organization's ("webhooks")."""
    route = path.removeprefix("/api/v1/")
    key = f"{method} {route}"
    if key not in SUMMARIES and route.startswith("embed/webhooks"):
        key = f"{method} {route.removeprefix('embed/')}"
    return SUMMARIES.get(key, f"{method.capitalize()} {route}")
