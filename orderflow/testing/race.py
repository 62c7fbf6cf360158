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


def slowed(monkeypatch, module, name: str, seconds: float = 0.3) -> None:
    """Make `module.name` (a read a service makes before it decides) take `seconds` longer
    after it has read: without the row lock that orders two writers, both would read the
    same state and both succeed, so a race test fails every time instead of by chance."""
    import time

    read = getattr(module, name)

    def slow(*args, **kwargs):
        value = read(*args, **kwargs)
        time.sleep(seconds)
        return value

    monkeypatch.setattr(module, name, slow)


def one_wins(outcome: list, written: type, refused: type):
    """Exactly one job wrote (returned a `written`) and the other was refused (raised a
    `refused`): the refusal, for its message."""
    assert sorted(type(r).__name__ for r in outcome) == sorted(
        [written.__name__, refused.__name__]), outcome
    return next(r for r in outcome if isinstance(r, refused))
