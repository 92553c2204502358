"""The OpenAPI document as `manage.py spectacular` writes it, once per test session, for the tests
that hand it to third-party tools (linters, client generators) and check it against itself."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator


@pytest.fixture(scope="session")
def openapi_files(tmp_path_factory) -> dict[str, Path]:
    """{"yaml": path, "json": path}: the same document in both formats, in a session tmp dir."""
    folder = tmp_path_factory.mktemp("openapi")
    files = {"yaml": folder / "schema.yaml", "json": folder / "schema.json"}
    call_command("spectacular", "--file", str(files["yaml"]))
    call_command("spectacular", "--format", "openapi-json", "--file", str(files["json"]))
    return files


@pytest.fixture(scope="session")
def openapi_document(openapi_files) -> dict:
    return json.loads(openapi_files["json"].read_text())


def schema_validator(document: dict, schema: dict) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect), formats checked, for `schema`: a part
    of `document` whose `#/components/…` references resolve within the document."""
    root = {"components": document.get("components", {}), "$defs": {"target": schema}, "$ref": "#/$defs/target"}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(document: dict, schema: dict, instance) -> list[str]:
    """Why `instance` does not match `schema` (empty when it does), one line per error."""
    errors = schema_validator(document, schema).iter_errors(instance)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
