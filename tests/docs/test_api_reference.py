"""docs/api.md is the API reference: it names every error code and every scope the code has, so a new
one cannot ship undocumented."""

from pathlib import Path

import pytest

from orderly.accounts.models import API_KEY_SCOPES
from orderly.errors import DEFAULT_STATUS, ErrorCode
from orderly.features import FEATURES, SESSION_SCOPES

REFERENCE = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()


def _section(title: str) -> str:
    start = REFERENCE.index(f"\n## {title}\n")
    end = REFERENCE.find("\n## ", start + 1)
    return REFERENCE[start : end if end != -1 else None]


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_every_error_code_is_in_the_errors_table_under_its_status(code):
    row = next((line for line in _section("Errors").splitlines() if f"`{code}`" in line), None)
    assert row is not None, f"`{code}` is not in docs/api.md's error table"
    assert str(DEFAULT_STATUS[code]) in row.split("|")[1], row


@pytest.mark.parametrize("scope", [*API_KEY_SCOPES, *SESSION_SCOPES])
def test_every_scope_is_listed_under_credentials(scope):
    assert f"`{scope}`" in _section("Credentials")


@pytest.mark.parametrize(
    "title", ["Credentials", "Envelope", "Names and casing, per family", "Errors", "Limits", "Idempotency-Key"]
)
def test_the_reference_has_its_sections(title):
    assert _section(title).strip()


def test_features_named_in_the_casing_rules_exist():
    # `data_room` is the example of a snake_case feature: keep it a real one.
    assert "data_room" in FEATURES and "`data_room`" in _section("Names and casing, per family")
