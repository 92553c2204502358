"""The lock files say what a fresh machine installs: they must cover pyproject.toml, agree with each
other, carry hashes, and be what this suite is running with."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def _lock(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """{canonical name: (version, hashes)} of a lock file, for this interpreter (the locks are
    universal: a pin whose marker does not hold here, e.g. Windows-only, is not installed)."""
    pins: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            if match[3] and not Marker(match[3]).evaluate():
                current = None
                continue
            pins[current] = (match[2], set())
        elif current and (found := HASH.search(line)):
            pins[current][1].add(found[1])
    return {name: (version, frozenset(hashes)) for name, (version, hashes) in pins.items()}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(
    "lock, requirements",
    [
        ("requirements.lock", _project()["dependencies"]),
        ("requirements-test.lock", _project()["dependencies"] + _project()["optional-dependencies"]["test"]),
    ],
)
def test_every_dependency_of_pyproject_is_pinned_within_its_range(lock, requirements):
    pins = _lock(lock)
    stale = []
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in pins:
            stale.append(f"{requirement} is not in {lock}")
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            stale.append(f"{requirement} but {lock} pins {pins[name][0]}")
    assert not stale, "run ./bin/lock: " + "; ".join(stale)


def test_every_pin_has_a_hash():
    for lock in ("requirements.lock", "requirements-test.lock"):
        assert [name for name, (_version, hashes) in _lock(lock).items() if not hashes] == [], lock


def test_the_runtime_lock_is_the_test_lock_s_runtime_part():
    # bin/run skips installing when the test lock is in: that is only right if every runtime pin
    # is the very same release in the test lock.
    runtime, test = _lock("requirements.lock"), _lock("requirements-test.lock")
    assert runtime, "empty requirements.lock"
    assert {name: pin for name, pin in runtime.items() if test.get(name) != pin} == {}


def test_the_suite_runs_with_the_locked_versions():
    installed = {}
    for name, (version, _hashes) in _lock("requirements-test.lock").items():
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed[name] = None
    locked = {name: version for name, (version, _hashes) in _lock("requirements-test.lock").items()}
    assert {n: v for n, v in installed.items() if v != locked[n]} == {}
