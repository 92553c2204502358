# Shared by bin/run, bin/test and bin/lock: a project-local virtualenv with the locked dependencies.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
VENV="$ROOT/.venv"
lock_digest() { cat "$1" pyproject.toml | sha256sum | cut -d' ' -f1; }
install_locked() {  # $1: requirements.lock (runtime) or requirements-test.lock (runtime + test extras)
  local lock="$1" stamp=".venv/.installed-$1"
  [ "$(cat "$stamp" 2>/dev/null)" = "$(lock_digest "$lock")" ] && return 0
  # The test lock pins the runtime set too (bin/lock derives one from the other): once it is in,
  # the runtime lock is satisfied.
  if [ "$lock" = requirements.lock ] && [ "$(cat .venv/.installed-requirements-test.lock 2>/dev/null)" \
    = "$(lock_digest requirements-test.lock)" ]; then
    return 0
  fi
  echo "Installing $lock into .venv …" >&2
  # Exactly the pinned versions, each checked against its hash: a fresh machine gets what the
  # suite passed with. The project itself is installed after, without resolving anything.
  "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$lock"
  "$VENV/bin/python" -m pip install --quiet --no-deps -e .
  lock_digest "$lock" > "$stamp"
}
