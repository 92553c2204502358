"""`python -m orderly.preflight`: what `bin/run` checks before it migrates or starts a process.

The database (and Redis, when `REDIS_URL` is set) must answer. A failure is one line on stderr
naming the variable and what failed, and exit status 1: a first run on a machine whose
PostgreSQL is down should say so, not print a forty-line traceback from inside `migrate`.
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit


def redacted(url: str) -> str:
    """The URL without its password, for an error message."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return url


def first_line(exc: BaseException) -> str:
    """The part of an error a person reads: psycopg's messages run over several lines."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def database_problem() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    where = f"DATABASE_URL={redacted(url)}" if url else "the default SQLite database (DATABASE_URL unset)"
    try:
        # Settings parse DATABASE_URL: a malformed one fails here.
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderly.settings")
        django.setup()
    except Exception as exc:  # noqa: BLE001 - reported in one line, which is this module's job
        return f"cannot use {where}: {first_line(exc)}"
    from django.db import connection

    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        return f"cannot reach the database at {where}: {first_line(exc)}"
    finally:
        connection.close()
    return None


def redis_problem() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        return f"cannot reach Redis at REDIS_URL={redacted(url)}: {first_line(exc)}"
    return None


def main() -> int:
    for check in (database_problem, redis_problem):
        problem = check()
        if problem:
            print(f"bin/run: {problem}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
