"""The embed UI's static files: the loader's bytes and a version for cache-busting the app's assets."""

import hashlib
import weakref
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import storages
from django.templatetags.static import static
from django.utils.html import format_html_join

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


def _app_urls_lookup(modules: tuple[str, ...]):
    return MappingProxyType(
        {
            "css": static(f"{APP_DIR}/app.css"),
            "main": static(f"{APP_DIR}/main.js"),
            # The preload links as the page writes them (escaped as `{{ url }}` would be), one a line.
            "preloads": format_html_join(
                "", '<link rel="modulepreload" href="{}">\n  ', ((static(name),) for name in modules)
            ),
        }
    )


# Per static-files storage instance (weakly): Django builds a new one whenever STORAGES,
# STATIC_ROOT or STATIC_URL change (django.test.signals.storages_changed), so a URL looked up
# through an older storage is never served; the entry also holds the STATIC_URL and module names it
# was built from, and is rebuilt when either differs.
_app_urls_by_storage: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def app_urls():
    """The app page's static URLs, exactly as `{% static %}` gives them: its stylesheet's (`css`),
    its entry module's (`main`) and the `<link rel="modulepreload">` lines of its other modules
    (`preloads`). The storage's answer is fixed for a deployment, so it is asked once per storage
    instead of seventeen times a request; on every call while DEBUG (the storage may then answer
    differently)."""
    modules = app_modules()
    if settings.DEBUG:
        return _app_urls_lookup(modules)
    storage = storages["staticfiles"]
    key = (settings.STATIC_URL, modules)
    entry = _app_urls_by_storage.get(storage)
    if entry is None or entry[0] != key:
        entry = (key, _app_urls_lookup(modules))
        _app_urls_by_storage[storage] = entry
    return entry[1]
