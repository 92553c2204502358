"""Real concurrency for race tests on PostgreSQL: threads with their own connections, not mocks."""

import threading

from django.db import connection


def run_together(*jobs, timeout: float = 30):
    """Start every job at the same instant on its own thread (and DB connection); return results.

    A job that raises returns its exception, so a test can count winners and losers.
    """
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the result under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), f"a job was still running after {timeout}s"
    return results
