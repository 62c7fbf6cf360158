"""Running service calls at the same instant, for the race tests on PostgreSQL."""

import threading
from collections.abc import Callable

from django.db import connection


def race(jobs: list[Callable[[], object]], *, timeout: float = 60) -> list:
    """Run each job in its own thread (so its own connection), all released together by a
    barrier; the results, or the exception each raised, in the jobs' order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results[i] = jobs[i]()
        except Exception as exc:  # the outcome is what the test inspects
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results
