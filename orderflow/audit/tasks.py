"""Background work of the audit log: sealing the events written since the last run into
the hash chain (P1.3.2), every minute on the huey schedule.

`manage.py run_huey` finds this module (djhuey autodiscovers each app's `tasks`). Several
workers may seal at once: they take turns on the chain head's row lock.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.audit.services import seal


@task
def seal_audit_events() -> dict:
    """Chain the committed events that are not chained yet."""
    return {"sealed": seal()}


@db_periodic_task(crontab())
def schedule_audit_seal() -> None:
    """Every minute: an event is in the chain a minute after it was written, at most."""
    seal_audit_events.enqueue()
