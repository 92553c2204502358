"""docs/quickstart.md, run as written against a live server: a doc whose commands break fails here.

Only the base URL and the receiver's port are substituted, through the variables the doc itself
reads (`ORDERLY`, `RECEIVER_PORT`); `DATABASE_URL` names the test database, as the doc tells a
reader who runs `./bin/run` on PostgreSQL to do. Deliveries run eagerly in the live server, as in
the rest of the suite. About 15 s (two `manage.py`/Python start-ups and a dozen requests).
"""

import contextlib
import os
import re
import signal
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.conftest import free_consecutive_ports
from tests.docs.quickstart import DOC, ROOT, blocks, script
from webhooks.models import Webhook, WebhookDelivery

needs_postgres = pytest.mark.skipif(
    not settings.IS_POSTGRES,
    reason="the doc's manage.py command runs in its own process, which cannot reach SQLite's in-memory test database",
)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@needs_postgres
def test_the_quickstart_runs_as_written_and_its_webhooks_verify(live_server, tmp_path):
    # given: what ./bin/run leaves behind (the demo organization), and a folder to work in that has
    # the checkout's .venv and manage.py, so receiver.py is written there and not into the checkout
    call_command("seed_demo", verbosity=0)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "manage.py").symlink_to(ROOT / "manage.py")
    (tmp_path / "quickstart.sh").write_text(script(DOC.read_text()))
    env = {
        **os.environ,
        "ORDERLY": live_server.url,
        "RECEIVER_PORT": str(free_consecutive_ports()),
        "DATABASE_URL": _database_url(),
    }

    # when: the doc's commands, in order, in one shell (errexit, pipefail); the output goes to a
    # file, not a pipe, which the receiver left running by a failed step would hold open
    log = tmp_path / "output.log"
    with log.open("w") as out:
        shell = subprocess.Popen(  # noqa: S603
            ["bash", "quickstart.sh"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        shell.wait(timeout=120)
    finally:
        # The receiver the doc starts in the background, if a command failed before `kill`.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGTERM)
    output = log.read_text()

    # then: every command succeeded ...
    assert shell.returncode == 0, output
    # ... the receiver verified each delivery with the library, given the secret as returned ...
    for topic in ("webhook.test", "order.created", "shipment.created", "tracking.updated"):
        assert f"verified {topic} " in output, output
    assert "rejected" not in output, output
    assert '{"success":true,"statusCode":204}' in output  # the test delivery's answer, as the doc shows it
    # ... and Orderly recorded each one as delivered on the first attempt
    webhook = Webhook.objects.get(description="quickstart receiver")
    deliveries = WebhookDelivery.objects.filter(webhook=webhook)
    assert sorted(deliveries.values_list("event_type", "status", "response_status", "attempts")) == [
        ("order.created", "delivered", 204, 1),
        ("shipment.created", "delivered", 204, 1),
        ("tracking.updated", "delivered", 204, 1),
        ("webhook.test", "delivered", 204, 1),
    ]
    # The merchant's session saw the order the doc pushed.
    assert "QS-1001" in output


def test_the_script_is_the_doc_s_blocks_in_order():
    text = DOC.read_text()
    quickstart = script(text)
    runnable = [code for lang, code, _ in blocks(text) if lang in ("bash", "python")]
    assert runnable[0] == "./bin/run\n" and "./bin/run" not in quickstart
    positions = [quickstart.index(code) for code in runnable[1:]]
    assert positions == sorted(positions)
    assert "cat > receiver.py <<'QUICKSTART_PYTHON_BLOCK'" in quickstart


@pytest.mark.parametrize(
    "doc, problem",
    [
        ("```bash\ncurl x\n```\n", "first command block must be exactly './bin/run'"),
        ("```bash\n./bin/run\n```\n```bash\nexport KEY=$(false)\n```\n", "hides a failing command"),
        ("```bash\n./bin/run\n```\nNo file name here:\n```python\nprint()\n```\n", "no `name.py` before it"),
    ],
)
def test_a_doc_the_script_cannot_follow_is_refused(doc, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        script(doc)
