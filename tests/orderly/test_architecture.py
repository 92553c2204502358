"""The layout of docs/ARCHITECTURE.md, checked over the source: the kernel imports no app, and the
apps' imports of each other form no cycle. Imports inside functions count too: a deferred import is
still a dependency, and deferring it is how a cycle usually hides."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KERNEL = "orderly"
APPS = ("orders", "bridges", "embed", "actions", "alerts", "webhooks", "tracking", "operations")


def _imports(path: Path) -> set[str]:
    """The top-level packages that one source file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _sources(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def _app_graph() -> dict[str, set[str]]:
    return {
        app: {imported for path in _sources(app) for imported in _imports(path) if imported in APPS} - {app}
        for app in APPS
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None."""
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt, [*trail, nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_every_app_is_a_top_level_package():
    for app in APPS:
        assert (ROOT / app / "__init__.py").exists(), app


@pytest.mark.parametrize("path", _sources(KERNEL), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_kernel_imports_no_app(path):
    assert not (_imports(path) & set(APPS)), f"{path.relative_to(ROOT)} imports {_imports(path) & set(APPS)}"


def test_apps_form_no_cycle():
    assert _cycle(_app_graph()) is None, " -> ".join(_cycle(_app_graph()))


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
