from django.urls import path


def route(pattern: str, view, name: str | None = None):
    """One route that answers with or without a trailing slash (CONTRACT §2)."""
    pattern = pattern.rstrip("/")
    return [path(pattern, view, name=name), path(pattern + "/", view)]


def routes(*groups):
    return [p for group in groups for p in group]
