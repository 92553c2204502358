"""docs/quickstart.md as one bash script: its ```bash blocks in order, each ```python block written to
the file the paragraph before it names ("save it as `receiver.py`"). The one block left out is
`./bin/run` itself, which the test replaces with a live server.

    python -m tests.docs.quickstart > /tmp/quickstart.sh   # to run it by hand against ./bin/run
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "quickstart.md"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.M | re.S)
SAVED_AS = re.compile(r"`([\w.-]+\.py)`")
SERVER_BLOCK = "./bin/run"
# `export NAME=$(command)` succeeds whatever the command did: a broken step would go unnoticed.
MASKED_FAILURE = re.compile(r"^\s*(export|local|readonly|declare)\s+\w+=\$\(", re.M)


def blocks(text: str) -> list[tuple[str, str, str]]:
    """(language, code, the text between the previous block and this one) for every fenced block."""
    found, end = [], 0
    for match in FENCE.finditer(text):
        found.append((match[1], match[2], text[end : match.start()]))
        end = match.end()
    return found


def script(text: str) -> str:
    lines = ["set -euo pipefail"]
    runnable = [(lang, code, before) for lang, code, before in blocks(text) if lang in ("bash", "python")]
    if not runnable or runnable[0][:2] != ("bash", SERVER_BLOCK + "\n"):
        raise ValueError(f"the quickstart's first command block must be exactly {SERVER_BLOCK!r}")
    for lang, code, before in runnable[1:]:
        if lang == "bash":
            if masked := MASKED_FAILURE.search(code):
                raise ValueError(f"{masked[0]!r} hides a failing command: assign, then export")
            lines.append(code)
            continue
        names = SAVED_AS.findall(before)
        if not names:
            raise ValueError(f"a python block with no `name.py` before it to save it as:\n{code[:200]}")
        lines.append(f"cat > {names[-1]} <<'QUICKSTART_PYTHON_BLOCK'\n{code}QUICKSTART_PYTHON_BLOCK")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(script(DOC.read_text()), end="")
