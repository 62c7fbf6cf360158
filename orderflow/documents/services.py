"""Background exports: a user requests one, the worker writes it, old files are purged."""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotFound, NotPermitted, ServiceError

from .exports import EXPORTS, ExportKind
from .models import ExportJob, ExportStatus
from .xlsx import StreamingSheet

log = logging.getLogger(__name__)
MAX_OPEN_PER_USER = 3
PROGRESS_EVERY = 500
# A job still running after this long lost its worker (killed, restarted); one still
# queued after this long lost its queue entry. Neither counts against the limit.
RUNNING_STALE_AFTER = dt.timedelta(hours=1)
QUEUED_STALE_AFTER = dt.timedelta(days=1)


def export_max_rows() -> int:
    return int(getattr(settings, "ORDERFLOW_EXPORT_MAX_ROWS", 200_000))


def _stale_q(now) -> Q:
    return (Q(status=ExportStatus.RUNNING)
            & (Q(started_at__lt=now - RUNNING_STALE_AFTER) | Q(started_at__isnull=True))) \
        | Q(status=ExportStatus.QUEUED, requested_at__lt=now - QUEUED_STALE_AFTER)


def _spec(kind: str) -> ExportKind:
    spec = EXPORTS.get(kind)
    if spec is None:
        raise NotFound(_("Unknown export."))
    return spec


@transaction.atomic
def export_request(*, kind: str, params: dict, actor) -> ExportJob:
    """Queue an export for the worker, with the filters cleaned now (errors field by field).

    Raises:
        NotFound: no such export. NotPermitted. ValidationFailed: bad filters.
        Conflict: the user already has exports waiting.
    """
    spec = _spec(kind)
    if not spec.allowed(actor):
        raise NotPermitted(_("You may not export this."))
    cleaned = spec.clean(actor, dict(params or {}))
    # Lock the requester's row: two requests at once are counted one after the other.
    User.objects.select_for_update().get(pk=actor.pk)
    waiting = ExportJob.objects.filter(requested_by=actor, status__in=[
        ExportStatus.QUEUED, ExportStatus.RUNNING]).exclude(_stale_q(clock.now()))
    if waiting.count() >= MAX_OPEN_PER_USER:
        raise Conflict(_("You already have %(n)s exports being prepared; please wait for "
                         "them to finish.") % {"n": MAX_OPEN_PER_USER})
    job = ExportJob.objects.create(
        kind=kind, title=str(spec.title())[:120], params=cleaned, requested_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        requested_at=clock.now())
    audit.record(actor, "export.requested", job, data={"kind": kind, "params": cleaned})
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_export

    run_export.enqueue(job_id=job_id)


def export_run(*, job_id: int) -> ExportJob:
    """Write a queued export's file (the worker's task); progress is saved as it goes.
    A job another worker claimed, or one already finished, is returned as it is."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=clock.now())
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Export not found."))
    if not claimed:
        return job
    try:
        with translation.override(job.language):
            data, done = _write(job)
    except Exception as exc:  # any failure is the job's, shown to its owner
        if not isinstance(exc, ServiceError):
            log.exception("export %s failed", job_id)
        return _finish(job, status=ExportStatus.FAILED, error=_failure_text(exc, job))
    job.file.save(f"{slugify(job.kind)}-{job.pk}.xlsx", ContentFile(data), save=False)
    return _finish(job, status=ExportStatus.DONE, rows_done=done, size=len(data))


def _failure_text(exc: Exception, job: ExportJob) -> str:
    with translation.override(job.language):
        if isinstance(exc, ServiceError):
            return str(exc.message)[:300]
        return _("The export failed; please try again or ask an administrator.")


def _write(job: ExportJob) -> tuple[bytes, int]:
    spec, user, params = _spec(job.kind), job.requested_by, job.params
    if not user.is_active or not spec.allowed(user):
        raise NotPermitted(_("You may no longer export this."))
    limit = export_max_rows()
    total = min(spec.count(user, params), limit)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    sheet, done = StreamingSheet(job.title, spec.headers(user, params), spec.widths), 0
    try:
        for row in spec.rows(user, params):
            if done >= limit:
                break
            sheet.append(row)
            done += 1
            if done % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
    except BaseException:
        sheet.discard()
        raise
    return sheet.save(), done


@transaction.atomic
def _finish(job: ExportJob, *, status: str, **fields) -> ExportJob:
    job.status, job.finished_at = status, clock.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "file", *fields])
    audit.record(None, f"export.{status}", job, data={
        "kind": job.kind, "rows": job.rows_done, "error": job.error})
    return job


@transaction.atomic
def _fail_if_stale(job_id: int) -> bool:
    job = ExportJob.objects.select_for_update().filter(_stale_q(clock.now()),
                                                       pk=job_id).first()
    if job is None:         # finished meanwhile
        return False
    with translation.override(job.language):
        error = _("The export was interrupted before it was ready; please request it again.")
    _finish(job, status=ExportStatus.FAILED, error=error)
    return True


def export_fail_stale() -> int:
    """Mark exports whose worker was lost (see RUNNING_STALE_AFTER) failed; how many."""
    ids = ExportJob.objects.filter(_stale_q(clock.now())).order_by("id").values_list(
        "pk", flat=True)[:1000]
    return sum(_fail_if_stale(job_id) for job_id in ids)


def export_purge(*, older_than_days: int = 7) -> int:
    """Mark stale exports failed, then delete finished exports (rows and files) older than
    the given days; returns how many were deleted."""
    export_fail_stale()
    cutoff = clock.now() - dt.timedelta(days=older_than_days)
    old = list(ExportJob.objects.filter(requested_at__lt=cutoff).exclude(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).order_by("id")[:1000])
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
