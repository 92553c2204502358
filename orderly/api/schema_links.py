"""OpenAPI `links`: from what creates or lists a resource to what reads, changes or deletes it.

A client (and a stateful test such as schemathesis's) follows them without guessing which field of
an answer is which path parameter:

- a create (`POST /api/v1/webhooks`, 201) links to every operation on `/api/v1/webhooks/{pk}…`,
  with `pk` taken from the created resource's `data.id`;
- a list (`GET /api/v1/webhooks/{pk}/deliveries`) links to every operation on the
  item below it (`…/deliveries/{delivery_id}/retry`), with the item from `data.0.id` and the
  list's own path parameters from the request.

Derived from the paths, so a new resource gets its links without touching this module.
"""

import re

PATH_PARAMETER = re.compile(r"\{(\w+)\}")
# The created resource's id in the answer: `id`, or `sessionId` in a session's answer (as the seed has it).
ID_FIELDS = ("id", "sessionId")


def _resolve(document: dict, schema: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _json_body(document: dict, response: dict) -> dict:
    return _resolve(document, response.get("content", {}).get("application/json", {}).get("schema", {}))


def _source(document: dict, method: str, operation: dict) -> tuple[str, str] | None:
    """`(status, expression for the item's id)` when this operation creates or lists items."""
    for status, response in sorted(operation.get("responses", {}).items()):
        if not status.startswith("2"):
            continue
        body = _json_body(document, response)
        data = _resolve(document, body.get("properties", {}).get("data", {}))
        if method == "get" and data.get("type") == "array":
            item = _resolve(document, data.get("items", {}))
            if "id" in item.get("properties", {}):
                return status, "$response.body#/data/0/id"
        if method == "post" and status in ("201", "202"):
            field = next((name for name in ID_FIELDS if name in data.get("properties", {})), None)
            if field is not None:
                return status, f"$response.body#/data/{field}"
    return None


def _targets(paths: dict, source_path: str):
    """Paths of one item below `source_path`: `<source>/{param}` then only literal segments."""
    below = re.compile(re.escape(source_path) + r"/\{(\w+)\}((?:/[^{}/]+)*)")
    for path in paths:
        match = below.fullmatch(path)
        if match:
            yield path, match.group(1)


def add_resource_links(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: the create/list → item links described above."""
    paths = result.get("paths", {})
    for source_path, item in paths.items():
        for method, operation in item.items():
            if method not in ("get", "post"):
                continue
            source = _source(result, method, operation)
            if source is None:
                continue
            status, id_expression = source
            links = {}
            for target_path, item_parameter in _targets(paths, source_path):
                parameters = {name: f"$request.path.{name}" for name in PATH_PARAMETER.findall(source_path)}
                parameters[item_parameter] = id_expression
                for target in paths[target_path].values():
                    if not isinstance(target, dict) or "operationId" not in target:
                        continue
                    links[target["operationId"]] = {
                        "operationId": target["operationId"],
                        "parameters": parameters,
                        "description": f"{target.get('summary', target['operationId'])}: "
                        f"`{item_parameter}` is the {'first listed' if method == 'get' else 'created'} item's id.",
                    }
            if links:
                operation["responses"][status]["links"] = links
    return result
