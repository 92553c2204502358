"""Clients generated from the OpenAPI document work (issue 14: "clients generated from /api/v1/schema
parse every response"): a Python client from `openapi-python-client` drives a short integrator flow
against a live server and parses every answer into its models, and TypeScript types from
`openapi-typescript` compile (`tsc --noEmit --strict`) with code that uses them.

Generation runs once per session in a tmp dir (the Python client ~5–10 s, the TypeScript types and
tsc a few seconds each on a loaded machine).
"""

import importlib
import json
import re
import subprocess
import sys
import uuid

import pytest

from tests.node import bin_path, node_or_skip
from tests.openapi_document import schema_errors

PACKAGE = "orderly_api_client"


@pytest.fixture(scope="session")
def python_client(openapi_files, tmp_path_factory):
    """The generated package, importable as `orderly_api_client` for the session."""
    folder = tmp_path_factory.mktemp("python-client")
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no ruff pass over the generated code: it is not ours
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(openapi_files["json"]),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # A construct the generator cannot type is skipped with a warning: the client would miss it.
    assert "Warning" not in output, output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


class Recorder:
    """Every answer the generated client receives (an httpx response hook), to check each body
    against the document too: the generated models are lenient about extra keys, the schema is not."""

    def __init__(self):
        self.answers: list[tuple[str, str, int, object]] = []

    def __call__(self, response):
        response.read()
        body = response.json() if response.content else None
        self.answers.append((response.request.method, response.request.url.path, response.status_code, body))


def _operation(document: dict, method: str, path: str) -> dict:
    for template, item in document["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the document")


@pytest.mark.django_db(transaction=True)
def test_the_generated_python_client_drives_the_integrator_flow(
    python_client, openapi_document, live_server, tenant, settings
):
    # given a client generated from the document, authenticated with an API key of every scope
    client_module = _module("client")
    models = _module("models")
    recorder = Recorder()
    api = client_module.AuthenticatedClient(
        base_url=live_server.url,
        token=tenant.api_key(),
        raise_on_unexpected_status=True,
        httpx_args={"event_hooks": {"response": [recorder]}},
    )
    slug = f"gen-{uuid.uuid4().hex[:8]}"

    # when the integrator configures the embed
    config = _module("api.embed_config.embed_config_partial_update").sync_detailed(
        client=api,
        body=models.ConfigUpdateInputRequest(
            slug=slug,
            enabled_features=[models.FeatureEnum.BRIDGES, models.FeatureEnum.DATA_ROOM],
            branding=models.BrandingInputRequest(primary_color="#059669", company_name="Acme"),
            settings=models.ConfigUpdateInputRequestSettings.from_dict({"maxBridgesPerUser": 3}),
        ),
    )
    # mints a session for an end user
    session = _module("api.sessions.embed_sessions_create").sync_detailed(
        client=api,
        body=models.SessionCreateInputRequest(
            external_id="user_12345",
            name="Store Owner",
            email="merchant@store.com",
            scopes=[models.SessionScopeEnum.BRIDGESREAD, models.SessionScopeEnum.ORDERSREAD],
            ttl_seconds=7200,
        ),
    )
    # pushes an order for that end user
    create_order = _module("api.orders.orders_create")
    order = create_order.sync_detailed(
        client=api,
        body=models.OrderCreateForExternalUserInputRequest(
            external_user_id="user_12345",
            order_number="1001",
            external_id="ext_123",
            customer=models.CustomerInputRequest(name="Jane Doe", email="jane@example.com"),
            line_items=[models.LineItemInputRequest(title="Widget", quantity=2, price=22.5)],
            totals=models.TotalsInputRequest(subtotal=45.0, tax=4.99, total=49.99),
            currency="USD",
        ),
    )
    # registers a webhook endpoint
    webhook = _module("api.organization_webhooks.webhooks_create").sync_detailed(
        client=api,
        body=models.WebhookCreateInputRequest(
            url="http://127.0.0.1:9/hooks/orderly",
            description="Production webhook",
            events=[models.EventTypeEnum.ORDER_CREATED, models.EventTypeEnum.SHIPMENT_SHIPPED],
        ),
    )
    # lists the orders, and sends one body the API refuses
    orders = _module("api.orders.orders_list").sync_detailed(client=api, limit=10)
    refused = create_order.sync_detailed(
        client=api,
        body=models.OrderCreateForEndUserInputRequest(
            end_user_id=uuid.uuid4(), order_number="", external_id="ext_124"
        ),
    )

    # then each answer parsed into the generated models, carrying the values sent
    assert config.status_code == 200
    assert config.parsed.data.slug == slug
    assert config.parsed.data.branding.primary_color == "#059669"
    assert set(config.parsed.data.enabled_features) == {models.FeatureEnum.BRIDGES, models.FeatureEnum.DATA_ROOM}
    assert config.parsed.data.settings.max_bridges_per_user == 3

    assert session.status_code == 201
    assert session.parsed.data.token.startswith("est_")
    assert session.parsed.data.end_user.external_id == "user_12345"
    assert session.parsed.data.end_user.email == "merchant@store.com"
    assert set(session.parsed.data.scopes) == {
        models.SessionScopeEnum.BRIDGESREAD,
        models.SessionScopeEnum.ORDERSREAD,
    }

    assert order.status_code == 202
    assert order.parsed.data.order_number == "1001"
    assert order.parsed.data.status == models.OrderStatusEnum.PENDING
    assert order.parsed.data.customer.email == "jane@example.com"
    assert order.parsed.data.line_items[0].quantity == 2
    assert order.parsed.data.totals.total == 49.99
    assert order.parsed.data.end_user_id == session.parsed.data.end_user.id

    assert webhook.status_code == 201
    assert webhook.parsed.data.secret.startswith("whsec_")
    assert webhook.parsed.data.events == [models.EventTypeEnum.ORDER_CREATED, models.EventTypeEnum.SHIPMENT_SHIPPED]

    assert orders.status_code == 200
    assert [o.id for o in orders.parsed.data] == [order.parsed.data.id]
    assert orders.parsed.data[0].version_tag  # set once the ingest was processed (eager Celery)
    assert orders.parsed.pagination.total == 1 and orders.parsed.pagination.has_more is False

    # and a refusal parses into the validation error variant, its field messages typed
    assert refused.status_code == 400
    assert isinstance(refused.parsed.error, models.ValidationError)
    assert refused.parsed.error.details.additional_properties["orderNumber"] == ["This field may not be blank."]

    # and every body received matches the document's schema for its operation and status
    assert len(recorder.answers) == 6
    for method, path, status, body in recorder.answers:
        response = _operation(openapi_document, method, path)["responses"][str(status)]
        schema = response["content"]["application/json"]["schema"]
        assert schema_errors(openapi_document, schema, body) == [], (method, path, status, body)


TYPESCRIPT_USAGE = """
import type { components, paths } from "./api";

type Schemas = components["schemas"];

// Request bodies as an integrator writes them.
const configPatch: Schemas["ConfigUpdateInputRequest"] = {
  slug: "acme-fulfillment",
  enabled_features: ["bridges", "data_room"],
  branding: { primary_color: "#059669", company_name: "Acme" },
  settings: { maxBridgesPerUser: 3 },
};
const order: Schemas["OrderCreateInputRequest"] = {
  externalUserId: "user_12345",
  orderNumber: "1001",
  externalId: "ext_123",
  lineItems: [{ title: "Widget", quantity: 2, price: 22.5 }],
};
// @ts-expect-error an unknown status is not an order status
const badOrder: Schemas["OrderCreateInputRequest"] = { externalUserId: "u", orderNumber: "1", externalId: "e", status: "lost" };

// A real validation error, as the API sends it, is an Error; its details are field messages.
const refused: Schemas["Error"] = {
  error: {
    code: "validation_error",
    message: "Invalid input.",
    details: { orderNumber: ["This field is required."], "customer.email": ["Enter a valid email address."] },
    request_id: "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
  },
};
const missingScope: Schemas["Error"] = {
  error: {
    code: "insufficient_scope",
    message: "Missing scope: orders:write.",
    details: { required: ["orders:write"], missing: ["orders:write"] },
    request_id: "r-1",
  },
};
// @ts-expect-error a validation error's messages are a list of strings
const notAList: Schemas["Error"] = { error: { code: "validation_error", message: "m", details: { orderNumber: "x" }, request_id: "r" } };

function messages(body: Schemas["Error"]): string[] {
  if (body.error.code === "validation_error") {
    return Object.values(body.error.details).flat();  // narrowed by the discriminator
  }
  return [body.error.message];
}

type OrderList = paths["/api/v1/orders"]["get"]["responses"][200]["content"]["application/json"];
function firstOrderNumber(list: OrderList): string | undefined {
  return list.data[0]?.order_number;
}
const hasMore: boolean = ({} as OrderList).pagination.hasMore;

export { configPatch, order, badOrder, refused, missingScope, notAList, messages, firstOrderNumber, hasMore };
"""

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2020",
        "module": "ES2020",
        "moduleResolution": "node",
        "lib": ["ES2020"],
        "skipLibCheck": False,
    },
    "files": ["usage.ts"],
}


def test_the_generated_typescript_types_compile_with_code_that_uses_them(openapi_files, tmp_path):
    # given TypeScript types generated from the document
    node_or_skip()
    generated = subprocess.run(
        [bin_path("openapi-typescript"), str(openapi_files["json"]), "--output", str(tmp_path / "api.d.ts")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    (tmp_path / "usage.ts").write_text(TYPESCRIPT_USAGE)
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG))

    # when tsc checks code that uses them (each `@ts-expect-error` must meet an error, or tsc fails)
    compiled = subprocess.run(
        [bin_path("tsc"), "--project", str(tmp_path / "tsconfig.json")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )

    # then it compiles: real bodies are accepted, wrong ones refused
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
