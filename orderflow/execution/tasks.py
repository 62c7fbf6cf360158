"""The late-delivery sweep (P5.2.2) as a background task, and its schedule on the huey
worker.

`manage.py run_huey` finds this module (djhuey autodiscovers each app's `tasks`); its
scheduler enqueues the sweep every hour. Several workers may run it at once: the sweep
claims contracts with SKIP LOCKED and stamps them, so each late alert goes out once.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.execution.services.procurement import procurement_late_sweep


@task
def sweep_late_purchase_contracts() -> dict:
    """Alert Procurement and the salesperson about late purchase contracts."""
    return {"late_contracts": procurement_late_sweep()}


@db_periodic_task(crontab(minute="7"))
def schedule_late_contract_sweep() -> None:
    """Every hour: queue the sweep through Django's tasks API."""
    sweep_late_purchase_contracts.enqueue()
