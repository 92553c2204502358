"""Operation types: each declares its input, how it executes and how (or whether) it is undone.

Adding a type is one module in `operations/types/` decorated with `@register`; nothing else changes.
"""

from importlib import import_module
from pkgutil import iter_modules

from orderly.errors import DomainError, ErrorCode

_types: dict = {}


def register(cls):
    _types[cls.name] = cls()
    return cls


def _load() -> None:
    if _types:
        return
    from operations import types

    for module in iter_modules(types.__path__):
        import_module(f"operations.types.{module.name}")


def operation_type_get(name: str):
    _load()
    handler = _types.get(name)
    if handler is None:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "Invalid input.",
            details={
                "type": [f"Unknown operation type. Choose one of: {', '.join(operation_type_names())}."]
            },
        )
    return handler


def operation_type_names() -> list[str]:
    _load()
    return sorted(_types)
