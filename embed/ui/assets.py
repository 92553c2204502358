"""The embed UI's static files: the loader's bytes and a version for cache-busting the app's assets."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

LOADER = "embed/orderly.js"
APP_DIR = "embed/app"


def _path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


@lru_cache(maxsize=1)
def _loader_cached() -> tuple[bytes, str]:
    body = _path(LOADER).read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:16]


def loader_source() -> tuple[bytes, str]:
    """(bytes, etag) of the loader; read once per process, or on every call while DEBUG."""
    if settings.DEBUG:
        _loader_cached.cache_clear()
    return _loader_cached()


@lru_cache(maxsize=1)
def _app_version_cached() -> str:
    digest = hashlib.sha256()
    root = _path(f"{APP_DIR}/main.js").parent
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def app_version() -> str:
    if settings.DEBUG:
        _app_version_cached.cache_clear()
    return _app_version_cached()


@lru_cache(maxsize=1)
def _app_modules_cached() -> tuple[str, ...]:
    root = _path(f"{APP_DIR}/main.js").parent
    return tuple(
        f"{APP_DIR}/{path.relative_to(root).as_posix()}"
        for path in sorted(root.rglob("*.js"))
        if path.name != "main.js"
    )


def app_modules() -> tuple[str, ...]:
    """Static names of the app's modules, preloaded so the browser fetches them in one round."""
    if settings.DEBUG:
        _app_modules_cached.cache_clear()
    return _app_modules_cached()
