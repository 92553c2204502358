"""Hostile JSON against every endpoint that takes a body (issue 13, items 3 and 4; CONTRACT §3 rev. 2).

Each operation of the OpenAPI schema with a request body gets a valid body first (the same bodies
the schemathesis and isolation tests prove valid), then variants of it with something hostile at
every position: a lone UTF-16 surrogate or a NUL in each string and key, nesting past 32 levels
under each object and list (and a thousand levels, which used to be a RecursionError), numbers
past what any field holds. Each must be a 4xx error envelope, and the database must be exactly as
it was: nothing half-written (PostgreSQL's jsonb used to refuse a surrogate after the bridge row
was already committed).

A property test then lets hypothesis pick the position and the hostile value — wrong types among
them, from the schema's own declared types — and checks the same.
"""

import base64
import hashlib
import hmac
import json
import re

import pytest
from django.apps import apps
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import bearer
from tests.reliability import test_isolation_matrix as matrix
from tests.reliability import test_schemathesis as schemathesis_test

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]

HUGE = "__huge_number__"
SHOPIFY_SECRET = "shpss_hostile_json_test"
# Signed by its sender rather than authenticated: each variant is signed like a real Shopify delivery,
# so the body itself is what the view judges.
SHOPIFY_WEBHOOKS = "/api/v1/bridges/shopify/webhooks"
DEEP_LEVELS = 40
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
DEEP_MARK = re.compile(r'"__deep_(\d+)__"')


@pytest.fixture(autouse=True)
def _offline_and_unthrottled(settings):
    settings.ORDERLY_BRIDGE_SERVICE_URL = "http://127.0.0.1:9/{type}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ORDERLY_SHOPIFY_CLIENT_ID, settings.ORDERLY_SHOPIFY_CLIENT_SECRET = (
        "hostile-test",
        SHOPIFY_SECRET,
    )
    # Hundreds of requests from one client: the throttles are tested elsewhere.
    rates = {"auto_session": "100000/min", "public": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def _schema() -> dict:
    return Client().get("/api/v1/schema", {"format": "json"}).json()


def _body_operations(schema: dict) -> list[tuple[str, str, str | None]]:
    """(METHOD, schema path, credential kind or None) of every operation that takes a JSON body."""
    kinds = {"ApiKey": matrix.API_KEY, "EmbedSession": matrix.SESSION}
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                security = [name for item in operation.get("security", []) for name in item]
                found.append((method.upper(), path, kinds[security[0]] if security else None))
    return found


def _valid_bodies(tenant, owner) -> dict[tuple[str, str], tuple[str, dict, dict]]:
    """(METHOD, schema path) → (concrete path, valid body, extra headers) for every body route."""
    found = {}
    for valid in schemathesis_test._valid_requests(tenant, owner):
        if "body" in valid.parts:
            found[(valid.method, valid.path)] = (
                valid.path,
                valid.parts["body"],
                valid.parts.get("headers", {}),
            )
    shopify_headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": "hostile.myshopify.com",
        "X-Shopify-Webhook-Id": "hostile-1",
    }
    found[("POST", SHOPIFY_WEBHOOKS)] = (
        SHOPIFY_WEBHOOKS,
        {"id": 1, "name": "#1001", "note": "x"},
        shopify_headers,
    )
    for entry in matrix.MATRIX:
        for method, body in entry.methods.items():
            if body is not None:
                made = entry.make(tenant, owner)
                schema_path = ROUTE_PARAMETER.sub(r"{\1}", entry.route)
                found[(method, schema_path)] = (entry.path(made), entry.body(method, made), {})
    return found


def _encode(body) -> str:
    # json.dumps escapes a lone surrogate and a NUL as \\ud800 and \\u0000, as a hostile client would.
    text = json.dumps(body).replace(f'"{HUGE}"', "1e999")
    return DEEP_MARK.sub(lambda m: "[" * int(m[1]) + '"x"' + "]" * int(m[1]), text)


def _positions(node, path=()):
    """Every (path, value) in a JSON document, the root included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _positions(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _positions(value, (*path, index))


def _replaced(body, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(body))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


def _deep(levels: int):
    """`levels` lists inside one another; past what json.dumps can encode, a mark _encode expands."""
    if levels > 100:
        return f"__deep_{levels}__"
    value = "x"
    for _ in range(levels):
        value = [value]
    return value


def hostile_variants(body) -> list[tuple[str, object]]:
    """(what, body) pairs: the valid body with one hostile thing at one position."""
    variants = []
    for path, value in _positions(body):
        where = "/".join(map(str, path)) or "(root)"
        if isinstance(value, str):
            for name, bad in (("surrogate", "\ud800"), ("nul", "\x00")):
                variants.append((f"{name} in {where}", _replaced(body, path, value + bad)))
        elif isinstance(value, dict):
            for name, bad in (("surrogate key", "\udfff"), ("nul key", "a\x00")):
                variants.append((f"{name} in {where}", _replaced(body, path, {**value, bad: "x"})))
            variants.append(
                (f"deep under {where}", _replaced(body, path, {**value, "nested": _deep(DEEP_LEVELS)}))
            )
        elif isinstance(value, list):
            variants.append((f"deep in {where}", _replaced(body, path, [*value, _deep(DEEP_LEVELS)])))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            variants.append((f"huge float at {where}", _replaced(body, path, HUGE)))
            variants.append((f"huge integer at {where}", _replaced(body, path, 10**40)))
    variants.append(("a thousand levels", {"data": _deep(1000)}))
    return variants


def _send(client, method, path, text: str, token, headers):
    auth = bearer(token) if token else {}
    if path == SHOPIFY_WEBHOOKS:
        digest = hmac.new(
            SHOPIFY_SECRET.encode(), text.encode("utf-8", "surrogatepass"), hashlib.sha256
        ).digest()
        headers = {**headers, "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode()}
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return client.generic(method, path, text, content_type="application/json", **auth, **extra)


def _is_error_envelope(response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if "site-packages" not in model._meta.app_config.path
    }


@pytest.fixture
def world(tenant):
    owner = tenant.end_user()
    bodies = _valid_bodies(tenant, owner)
    tokens = {matrix.API_KEY: tenant.api_key(), matrix.SESSION: tenant.session(owner), None: None}
    return _body_operations(_schema()), bodies, tokens


def test_every_body_route_has_a_valid_body_here(world):
    # given every operation that takes a JSON body, from the schema
    operations, bodies, _tokens = world

    # then each has a valid body above, so no route escapes the tests below
    assert len(operations) >= 20
    assert {(method, path) for method, path, _kind in operations} <= set(bodies)


def test_hostile_strings_depth_and_numbers_are_refused_everywhere_and_change_nothing(world):
    operations, bodies, tokens = world
    client = Client()
    wrong = []
    for method, schema_path, kind in operations:
        path, body, headers = bodies[(method, schema_path)]
        # given the database as it is
        before = matrix.database_rows()
        for what, variant in hostile_variants(body):
            # when the endpoint gets the valid body with one hostile thing in it
            response = _send(client, method, path, _encode(variant), tokens[kind], headers)

            # then it is a client error in the envelope
            if not (400 <= response.status_code < 500 and _is_error_envelope(response)):
                wrong.append(
                    f"{method} {schema_path} with {what}: {response.status_code} {response.content[:200]}"
                )
        # and not one row was written or changed
        if matrix.database_rows() != before:
            wrong.append(f"{method} {schema_path}: the database changed")
    assert wrong == [], "\n".join(wrong)


def test_hostile_bodies_are_refused_by_the_parser_with_the_reason(client, tenant):
    # given a valid auto-session body, with no credential at all
    body = {"key": tenant.config.publishable_key, "externalId": "u-1"}

    # when it carries each hostile thing
    deep = client.post(
        "/api/v1/embed/sessions/auto", _encode({**body, "name": _deep(1000)}), content_type="application/json"
    )
    just_deep_enough = client.post(
        "/api/v1/embed/sessions/auto", _encode({**body, "name": _deep(31)}), content_type="application/json"
    )
    surrogate = client.post(
        "/api/v1/embed/sessions/auto", _encode({**body, "name": "Ad\ud800a"}), content_type="application/json"
    )
    huge = client.post(
        "/api/v1/embed/sessions/auto", _encode({**body, "name": HUGE}), content_type="application/json"
    )

    # then each is a 400 that says what is wrong; 32 levels is still JSON the fields then judge
    assert (deep.status_code, deep.json()["error"]["code"]) == (400, "invalid_json")
    assert deep.json()["error"]["details"] == {"maxDepth": 32}
    assert (just_deep_enough.status_code, just_deep_enough.json()["error"]["code"]) == (
        400,
        "validation_error",
    )
    assert "name" in just_deep_enough.json()["error"]["details"]
    assert surrogate.status_code == 400
    assert list(surrogate.json()["error"]["details"]) == ["name"]
    assert "surrogate" in surrogate.json()["error"]["details"]["name"][0]
    assert (huge.status_code, huge.json()["error"]["code"]) == (400, "invalid_json")


# The property test ------------------------------------------------------------------------------


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


WRONG_FOR = {  # a declared type → values of other JSON types no field of that type accepts
    "string": [True, ["x"], {"x": 1}],
    "integer": ["seven", True, [1], {"x": 1}, 1.5],
    "number": ["seven", [1], {"x": 1}],
    "boolean": ["maybe", [True], {"x": 1}],
    "array": ["x", {"x": 1}, 5],
    "object": ["x", [1], 5],
}


def _wrong_types(schema: dict, method: str, path: str) -> list[tuple[str, object]]:
    """(top-level field, a value of a type its schema does not allow)."""
    body_schema = _resolve(
        schema, schema["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]["schema"]
    )
    found = []
    for name, field_schema in body_schema.get("properties", {}).items():
        field_schema = _resolve(schema, field_schema)
        for value in WRONG_FOR.get(_schema_type(field_schema), []):
            found.append((name, value))
    return found


def _hostile_values():
    text = st.text(max_size=8)
    surrogate = st.builds(
        lambda a, s, b: a + s + b, text, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), text
    )
    nul = st.builds(lambda a, b: a + "\x00" + b, text, text)
    deep = st.integers(min_value=33, max_value=1500).map(_deep)
    huge = st.sampled_from([HUGE, 10**19, -(10**30), 2**64])
    nested = st.recursive(
        st.one_of(surrogate, nul, huge),
        lambda inner: (
            st.lists(inner, min_size=1, max_size=2)
            | st.dictionaries(st.sampled_from(["a", "b"]), inner, min_size=1, max_size=2)
        ),
        max_leaves=4,
    )
    return st.one_of(surrogate, nul, deep, huge, nested)


def test_property_hostile_json_is_a_client_error_and_writes_nothing(world):
    operations, bodies, tokens = world
    schema = _schema()
    client = Client()
    cases = []
    for method, schema_path, kind in operations:
        path, body, headers = bodies[(method, schema_path)]
        positions = [p for p, _value in _positions(body)]
        cases.append(
            (
                method,
                schema_path,
                kind,
                path,
                body,
                headers,
                positions,
                _wrong_types(schema, method, schema_path),
            )
        )
    wrong = []

    @given(
        case=st.sampled_from(cases),
        pick=st.integers(min_value=0, max_value=10**6),
        hostile=_hostile_values(),
        use_wrong_type=st.booleans(),
    )
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case, pick, hostile, use_wrong_type):
        method, schema_path, kind, path, body, headers, positions, wrong_types = case
        # given a valid body with one position replaced by a hostile value, or one top-level field
        # by a value of a type its schema does not allow
        if use_wrong_type and wrong_types:
            name, value = wrong_types[pick % len(wrong_types)]
            variant, what = {**body, name: value}, f"{name}={value!r}"
        else:
            position = positions[pick % len(positions)]
            variant, what = (
                _replaced(body, position, hostile),
                f"{'/'.join(map(str, position))}={str(hostile)[:60]!r}",
            )
        before = _row_counts()

        # when it is sent
        response = _send(client, method, path, _encode(variant), tokens[kind], headers)

        # then a client error envelope, and no new row
        if not (400 <= response.status_code < 500 and _is_error_envelope(response)):
            wrong.append(
                f"{method} {schema_path} with {what}: {response.status_code} {response.content[:200]}"
            )
        elif _row_counts() != before:
            wrong.append(f"{method} {schema_path} with {what}: rows were written")

    run()
    assert wrong == [], "\n".join(dict.fromkeys(wrong))


def _schema_type(field_schema: dict):
    """The field's JSON type; OpenAPI 3.1 writes a nullable one as a list (`["string", "null"]`)."""
    kind = field_schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind
