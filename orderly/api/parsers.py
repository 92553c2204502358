"""The API's JSON parser: refuses, before any field or the database sees the body, what no field
could ever accept and what would crash the code below it (CONTRACT §3 rev. 2).

- Nesting deeper than MAX_DEPTH. The standard parser recurses once per level and a body of a
  thousand `[` raises RecursionError, as would every recursive walk of a free-form field after
  it. The depth is measured on the raw text first, with a loop, so nothing recursive ever runs
  on a body that is too deep.
- A string (value or key) holding a lone UTF-16 surrogate (`"\\ud800"`, legal JSON, not text:
  PostgreSQL's jsonb refuses it, and so does any UTF-8 encoder) or a NUL (no PostgreSQL text
  holds one).
- Numbers no field can hold: a float that overflows to infinity (`1e999`; JSON has no
  infinity and jsonb refuses it) and integers outside 64 bits.

Too deep and bad numbers are an `invalid_json` 400; a forbidden character a `validation_error`
naming the top-level field as the client spelled it, so a client sees which part to fix.
"""

import codecs
import json
import math
import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from orderly.errors import DomainError, ErrorCode

MAX_DEPTH = 32
INT_RANGE = (-(2**63), 2**63 - 1)

# A string token, skipped whole (brackets inside it do not count), or one bracket.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")
_MESSAGES = {
    "\x00": "Null characters are not allowed.",
    "surrogate": "Lone UTF-16 surrogates are not allowed; send text as valid Unicode.",
}


def json_too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Does `text` open more than `limit` arrays/objects inside one another? Iterative, linear."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token == "[" or token == "{":
            depth += 1
            if depth > limit:
                return True
        elif token == "]" or token == "}":
            depth -= 1
    return False


def forbidden_character(value) -> str | None:
    """The message for the first NUL or lone surrogate anywhere in `value` (keys too), else None.

    Iterative on purpose; callers bound the depth anyway (json_too_deep).
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _FORBIDDEN_CHARACTER.search(item)
            if found:
                return _MESSAGES["\x00" if found.group() == "\x00" else "surrogate"]
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


class _NumberOutOfRange(ValueError):
    pass


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NumberOutOfRange(text)
    return number


def _bounded_int(text: str) -> int:
    if len(text) > 20:  # int() of a 4,300-digit literal is slow before it is refused
        raise _NumberOutOfRange(text)
    number = int(text)
    if not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise _NumberOutOfRange(text)
    return number


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON.")


def json_body_check(data) -> None:
    """Raise ValidationError for a forbidden character anywhere in parsed `data`."""
    if isinstance(data, dict):
        errors = {}
        for key, value in data.items():
            message = forbidden_character(key) or forbidden_character(value)
            if message:
                errors[key if forbidden_character(key) is None else "non_field_errors"] = [message]
        if errors:
            raise ValidationError(errors)
    else:
        message = forbidden_character(data)
        if message:
            raise ValidationError({"non_field_errors": [message]})


def json_body_loads(raw: bytes, encoding: str = "utf-8"):
    """A request body's JSON with every refusal above; for a view that must read the raw bytes
    itself (a signed webhook) as much as for the parser."""
    try:
        text = codecs.decode(raw, encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    if json_too_deep(text):
        raise DomainError(
            ErrorCode.INVALID_JSON,
            f"JSON nested deeper than {MAX_DEPTH} levels is not accepted.",
            details={"maxDepth": MAX_DEPTH},
        )
    try:
        data = json.loads(
            text, parse_float=_finite_float, parse_int=_bounded_int, parse_constant=_refuse_constant
        )
    except _NumberOutOfRange as exc:
        raise DomainError(
            ErrorCode.INVALID_JSON,
            "A number in the body is out of range: floats must be finite, integers within 64 bits.",
            details={"number": [str(exc)[:40]]},
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    json_body_check(data)
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return json_body_loads(stream.read(), parsers.get_encoding(parser_context or {}))
