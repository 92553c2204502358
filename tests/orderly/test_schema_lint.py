"""CI gates on the OpenAPI document (issue 14): Redocly CLI finds no error and Spectral's `spectral:oas`
ruleset no warning. Both are npm tools (root package.json, `npm ci` in bin/test); each takes a few
seconds, on the document written once per session."""

import subprocess

import pytest

from tests.node import bin_path, node_or_skip

SPECTRAL_RULESET = 'extends: ["spectral:oas"]\n'


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    node_or_skip()
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def test_redocly_finds_no_error(openapi_files):
    result = _run([bin_path("redocly"), "lint", "--format", "stylish", str(openapi_files["yaml"])])

    # Redocly exits non-zero on any error (its recommended ruleset); warnings are listed, not fatal
    assert result.returncode == 0, result.stdout + result.stderr


def test_spectral_oas_finds_no_warning(openapi_files, tmp_path):
    ruleset = tmp_path / ".spectral.yaml"
    ruleset.write_text(SPECTRAL_RULESET)

    result = _run(
        [
            bin_path("spectral"),
            "lint",
            "--ruleset",
            str(ruleset),
            "--fail-severity",
            "warn",
            "--format",
            "text",
            str(openapi_files["yaml"]),
        ]
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("tool", ["redocly", "spectral"])
def test_the_gates_fail_on_a_broken_document(tool, tmp_path):
    # given a document with what each gate must catch: an operation whose path parameter is undeclared
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.1.0\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /things/{id}:\n"
        "    get:\n"
        "      responses: {'200': {description: ok}}\n"
    )
    ruleset = tmp_path / ".spectral.yaml"
    ruleset.write_text(SPECTRAL_RULESET)
    args = {
        "redocly": [bin_path("redocly"), "lint", str(broken)],
        "spectral": [bin_path("spectral"), "lint", "--ruleset", str(ruleset), "--fail-severity", "warn", str(broken)],
    }[tool]

    # then the tool fails, so a green gate means the real document passed
    assert _run(args).returncode != 0
