"""Background work of settlement: the daily overdue reminders (P7.2.3) on the huey
schedule, and rendering the audited statement's PDF (P7.2.1).

`manage.py run_huey` finds this module (djhuey autodiscovers each app's `tasks`). Several
workers may run the sweep at once: it claims instalments with SKIP LOCKED and stamps the
day, so each overdue instalment is reminded at most once a day.
"""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.settlement.services import overdue_sweep, statement_pdf_render


@task
def sweep_overdue_instalments() -> dict:
    """Remind the salesperson and Finance of overdue instalments."""
    return {"reminded": overdue_sweep()}


@db_periodic_task(crontab(minute="17"))
def schedule_overdue_sweep() -> None:
    """Every hour (a day's reminder goes out in the first run after midnight)."""
    sweep_overdue_instalments.enqueue()


@task
def render_statement_pdf(*, statement_id: int) -> bool:
    """Render an audited statement's PDF; nothing if it has one."""
    return bool(statement_pdf_render(statement_id=statement_id).pdf)
