"""`./bin/run` as a person starts it: a busy port or an unreachable database is one clear line before
anything is migrated or started; a good start ends with the URLs, the log-in and the org's slug.

These run the real script with the project's virtualenv already in place (nothing is installed).
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from tests.conftest import free_consecutive_ports

ROOT = Path(__file__).resolve().parents[2]


def _consecutive_free_ports() -> int:
    return free_consecutive_ports(2)  # bin/run takes PORT and PORT+1


def _environment(tmp_path, **overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "ORDERLY_", "PORT"))}
    # Local state (secret keys, broker folder, schedule) in the test's own folder, never the checkout's var/.
    env.update(ORDERLY_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{tmp_path / 'never.sqlite3'}")
    env.update(overrides)
    return env


def _run(env, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "bin" / "run")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _listening(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


@pytest.mark.parametrize("busy, named", [(0, "PORT, the web server"), (1, "PORT+1, the embed demo host page")])
def test_a_busy_port_is_one_line_before_anything_is_migrated(tmp_path, busy, named):
    # given: something already listens on the web port, or on the demo host's
    port = _consecutive_free_ports()
    with _listening(port + busy):
        # when
        started = time.monotonic()
        result = _run(_environment(tmp_path, PORT=str(port)))
        elapsed = time.monotonic() - started

    # then: a quick refusal naming the port, and nothing was done
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"bin/run: port {port + busy} ({named}) on 127.0.0.1 is in use (Address already in use); "
        "stop what listens there or choose another with PORT=…"
    ]
    assert "Applying" not in result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()
    assert elapsed < 30


def test_a_port_that_is_not_a_number_is_refused(tmp_path):
    result = _run(_environment(tmp_path, PORT="80a"))
    assert result.returncode != 0
    assert result.stderr.strip() == "bin/run: PORT must be a port number below 65535, not '80a'"


def test_an_unreachable_database_is_one_line_naming_database_url(tmp_path):
    # given: a PostgreSQL URL where nothing listens (a port just freed), with a password to keep out of the log
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    port = _consecutive_free_ports()
    url = f"postgres://orderly:s3cret@127.0.0.1:{dead}/orderly"

    # when
    result = _run(_environment(tmp_path, PORT=str(port), DATABASE_URL=url))

    # then
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"bin/run: cannot reach the database at DATABASE_URL=postgres://orderly:***@127.0.0.1:{dead}/orderly: "
        "OperationalError: connection failed:"
    )
    assert "Connection refused" in lines[0]
    assert "s3cret" not in result.stderr + result.stdout
    assert "Applying" not in result.stdout


def test_a_malformed_database_url_is_one_line_too(tmp_path):
    result = _run(_environment(tmp_path, PORT=str(_consecutive_free_ports()), DATABASE_URL="postgress://x/y"))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bin/run: cannot use DATABASE_URL=postgress://x/y: UnknownSchemeError:")


def test_an_unreachable_redis_is_one_line_naming_redis_url(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    env = _environment(tmp_path, PORT=str(_consecutive_free_ports()), REDIS_URL=f"redis://127.0.0.1:{dead}/0")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'reachable.sqlite3'}"
    result = _run(env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"bin/run: cannot reach Redis at REDIS_URL=redis://127.0.0.1:{dead}/0: ConnectionError:")


def _processes() -> dict[int, tuple[int, str]]:
    """{pid: (parent pid, state)} of every process."""
    table = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(proc.name)] = (int(fields[1]), fields[0])
    return table


def _descendants(root: int) -> set[int]:
    table, found, frontier = _processes(), set(), {root}
    while frontier:
        frontier = {pid for pid, (parent, _state) in table.items() if parent in frontier} - found
        found |= frontier
    return found | {root}


def _alive(pids: set[int]) -> list[int]:
    table = _processes()
    return sorted(pid for pid in pids if pid in table and table[pid][1] != "Z")


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="bin/run needs a database another process can reach")
def test_a_good_start_ends_with_the_urls_the_log_in_and_the_org_slug(transactional_db, tmp_path):
    """20–40 s: the real migrate (a no-op on the test database), seed, gunicorn, worker, beat, demo host."""
    # given: the test database (migrated; seeded by bin/run, flushed after) and the filesystem broker,
    # so nothing this run schedules is left in a queue a later test's worker reads
    # (without REDIS_URL the cache is a table, which a test database made with Redis lacks: bin/run
    # creates it, as it must for any database first migrated with REDIS_URL set)
    port = _consecutive_free_ports()
    env = _environment(tmp_path, PORT=str(port), DATABASE_URL=_database_url(), WEB_CONCURRENCY="1")
    output = tmp_path / "run.log"

    # when
    with output.open("w") as log:
        run = subprocess.Popen(  # noqa: S603
            [str(ROOT / "bin" / "run")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 150
        while "first steps" not in output.read_text() and time.monotonic() < deadline:
            assert run.poll() is None, output.read_text()
            time.sleep(0.5)
        time.sleep(1.5)  # nothing more is printed once it is up
        text = output.read_text()

        # then: the summary is the last thing printed, after the worker's and the scheduler's banners
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines[-6:] == [
            "Orderly is running (Ctrl-C stops everything):",
            f"  dashboard        http://127.0.0.1:{port}/dashboard/   log in as demo@orderly.local / orderly-demo",
            f"  API              http://127.0.0.1:{port}/api/v1/   (docs: /api/v1/docs, schema: /api/v1/schema)",
            f"  embed demo host  http://127.0.0.1:{port + 1}/",
            "  demo org slug    demo   (its embed config: demo-fulfillment)",
            "  first steps      docs/quickstart.md",
        ], text
        summary = text.index("Orderly is running")
        assert text.index("[queues]") < summary  # the worker's banner
        assert text.index("maxinterval") < summary  # the scheduler's banner
        # and what it says is true
        assert requests.get(f"http://127.0.0.1:{port}/api/v1/", timeout=5).json()["data"]["links"]
        assert requests.get(f"http://127.0.0.1:{port + 1}/", timeout=5).status_code == 200
        from orderly.accounts.models import Organization

        assert Organization.objects.filter(slug="demo").exists()
    finally:
        # As a service manager (or Ctrl-C) stops it: a signal to its whole process group. Every
        # process it started must end, the worker too (its own session: bin/run stops it).
        started = _descendants(run.pid)
        os.killpg(run.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while (stragglers := _alive(started)) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:80] for pid in stragglers}
        for pid in stragglers:  # never leave a worker holding the test database
            os.kill(pid, signal.SIGKILL)
        run.wait(timeout=10)
    assert left == {}, output.read_text()[-3000:]
