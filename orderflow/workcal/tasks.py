"""The deadline sweep (P3.3.2) as a background task, and its schedule on the huey worker.

`manage.py run_huey` finds this module (djhuey autodiscovers each app's `tasks`); its
scheduler enqueues the sweep every 5 minutes. Several workers may run it at once: the
sweeps claim rows with SKIP LOCKED and stamp them, so no reminder goes out twice.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.approval.services.deadlines import approval_deadline_sweep
from orderflow.review.services.deadlines import review_deadline_sweep


@task
def sweep_deadlines() -> dict:
    """Send the due review and approval reminders and escalations."""
    return {"review": review_deadline_sweep(), "approval": approval_deadline_sweep()}


@db_periodic_task(crontab(minute="*/5"))
def schedule_deadline_sweep() -> None:
    """Every 5 minutes: queue the sweep through Django's tasks API."""
    sweep_deadlines.enqueue()
