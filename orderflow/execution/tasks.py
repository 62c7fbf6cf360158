"""Background work of execution: the late-delivery sweep (P5.2.2) and its schedule on
the huey worker, and rendering inspection reports (P5.3.2).

`manage.py run_huey` finds this module (djhuey autodiscovers each app's `tasks`); its
scheduler enqueues the sweep every hour. Several workers may run it at once: the sweep
claims contracts with SKIP LOCKED and stamps them, so each late alert goes out once.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.execution.services.procurement import procurement_late_sweep
from orderflow.execution.services.quality import inspection_report_render


@task
def sweep_late_purchase_contracts() -> dict:
    """Alert Procurement and the salesperson about late purchase contracts."""
    return {"late_contracts": procurement_late_sweep()}


@db_periodic_task(crontab(minute="7"))
def schedule_late_contract_sweep() -> None:
    """Every hour: queue the sweep through Django's tasks API."""
    sweep_late_purchase_contracts.enqueue()


@task
def render_inspection_report(*, report_id: int) -> bool:
    """Render an issued inspection report's PDF (P5.3.2); nothing if it has one."""
    return bool(inspection_report_render(report_id=report_id).file)
