"""A Django tasks backend whose worker is huey (`manage.py run_huey`).

Django's tasks API (`@task`, `.enqueue()`) is what the code uses; this backend
hands each enqueued task to huey, which stores it (SQLite in development,
Redis in production) until a worker runs it.
"""

from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from huey.contrib.djhuey import task as huey_task
from huey.utils import normalize_time


@huey_task(retries=2, retry_delay=30)
def run_django_task(task_path: str, args: list, kwargs: dict):
    """Runs one Django task inside the huey worker."""
    task = import_string(task_path)
    return task.call(*args, **kwargs)


class HueyTaskBackend(BaseTaskBackend):
    supports_defer = True

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        call = run_django_task.s(task.module_path, list(args), dict(kwargs))
        if task.run_after is not None:
            # huey compares etas with naive UTC times; Django's run_after is aware.
            call.eta = normalize_time(task.run_after, utc=run_django_task.huey.utc)
        run_django_task.huey.enqueue(call)
        return result
