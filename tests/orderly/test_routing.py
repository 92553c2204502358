"""The API's routes, nested by path segment (`orderly.api.routing.grouped`), answer every URL as
the flat list did: the same view, the same arguments, the same 404s."""

import re
import uuid

import pytest
from django.urls import URLResolver, path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

from orderly import urls
from orderly.api.routing import grouped

SAMPLES = {"uuid": str(uuid.UUID(int=7)), "str": "abc", "slug": "a-b", "int": "12", "path": "a/b"}


def _sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def _resolve(resolver, url):
    try:
        match = resolver.resolve(url)
    except Resolver404:
        return None
    return match.func, match.kwargs, match.url_name


@pytest.mark.parametrize("name", ["api_v1", "api_alias", "api_v3"])
def test_grouped_routes_answer_every_url_as_the_flat_list(name):
    flat = getattr(urls, name)
    before = URLResolver(RoutePattern(""), flat)
    after = URLResolver(RoutePattern(""), grouped(flat))
    routes = [str(p.pattern) for p in flat]
    # every route's own URL, its neighbours with and without a slash, and misses
    probes = {_sample(r) for r in routes}
    probes |= {u.rstrip("/") for u in probes} | {u + "x" for u in probes} | {"", "nope", "embed/", "embed/nope"}
    for url in sorted(probes):
        assert _resolve(after, url) == _resolve(before, url), url
    # and every route is still there
    assert all(_resolve(after, _sample(r)) is not None for r in routes)


def test_a_converter_level_groups_only_neighbours():
    # given a converter route between two routes of one literal segment
    def view(request):
        return None

    flat = [path("a/x", view, name="ax"), path("<str:any>/y", view, name="any"), path("a/y", view, name="ay")]
    resolver = URLResolver(RoutePattern(""), grouped(flat))
    # then a URL both could answer goes where the flat list sent it
    assert resolver.resolve("a/x").url_name == "ax"
    assert resolver.resolve("a/y").url_name == "any"
    assert resolver.resolve("b/y").url_name == "any"
