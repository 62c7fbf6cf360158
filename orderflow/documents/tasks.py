"""Background exports on the worker (`run_huey` discovers this module): writing a requested
file, and a daily purge of exports older than a week."""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.documents.services import export_purge, export_run


@task
def run_export(*, job_id: int) -> str:
    """Write one export's file; returns its final status."""
    return export_run(job_id=job_id).status


@task
def purge_exports() -> int:
    return export_purge()


@db_periodic_task(crontab(hour="3", minute="17"))
def schedule_export_purge() -> None:
    """Every night: queue the purge through Django's tasks API."""
    purge_exports.enqueue()
