"""Node tools the suite runs (root package.json, installed by bin/test with `npm ci`)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    return node


def require_package(name: str) -> Path:
    """The installed package's directory; a clear failure (not a skip) when it is missing."""
    path = NODE_MODULES / name
    if not (path / "package.json").exists():
        pytest.fail(f"npm package {name!r} is missing: run `npm ci` in {ROOT} (bin/test does)")
    return path


def bin_path(name: str) -> str:
    path = NODE_MODULES / ".bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` in {ROOT} (bin/test does)")
    return str(path)


def run_node(script: Path, stdin: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [node_or_skip(), str(script)], input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
