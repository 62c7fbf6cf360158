"""Background work of the archive (`run_huey` discovers this module): the nightly
integrity check (P9.1.1) of the dossiers verified longest ago, a bounded number per run
(pages and the API show the latest check instead of reading the files); and the nightly
voiding of query requests whose period passed undecided (P9.2.1)."""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from orderflow.archive.services.integrity import archive_verify_due
from orderflow.archive.services.queries import query_expire_sweep


@task
def verify_archive() -> dict:
    """Verify the dossiers checked longest ago (ORDERFLOW_ARCHIVE_VERIFY_PER_RUN)."""
    return archive_verify_due()


@db_periodic_task(crontab(hour="2", minute="43"))
def schedule_archive_verify() -> None:
    """Every night: queue the check through Django's tasks API."""
    verify_archive.enqueue()


@task
def expire_queries() -> dict:
    """Void the query requests nobody decided within their period."""
    return {"voided": query_expire_sweep()}


@db_periodic_task(crontab(hour="0", minute="11"))
def schedule_query_expiry() -> None:
    """Every night just after midnight: queue the expiry through Django's tasks API."""
    expire_queries.enqueue()
