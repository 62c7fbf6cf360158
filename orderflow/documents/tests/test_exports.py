"""Background exports: requested with filters, written by the worker with progress, seen and
downloaded only by whoever asked; formula-looking text stays text (issue 5, Exports)."""

import datetime as dt
import io
import time

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from orderflow.documents import services
from orderflow.documents.exports import EXPORTS, ExportKind, register_export
from orderflow.documents.models import ExportJob, ExportStatus
from orderflow.documents.selectors import export_for
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

NAMES = ["=HYPERLINK(\"http://evil\",\"x\")", "+86 138", "-2+3", "@SUM(A1)", "普通客户"]


def _clean(user, params):
    if "limit" in params and not str(params["limit"]).isdigit():
        raise ValidationFailed({"limit": ["Enter a whole number."]})
    return {"limit": int(params.get("limit", len(NAMES)))}


@pytest.fixture
def sample_kind():
    """A registered export of a few rows, for the mechanism (real kinds have their own)."""
    seen = []

    def rows(user, params):
        for index, name in enumerate(NAMES[:params["limit"]], start=1):
            seen.append(ExportJob.objects.get().rows_done)   # progress as the worker saw it
            yield [index, name, dt.date(2026, 12, index)]

    kind = register_export(ExportKind(
        kind="sample", title=lambda: "Sample", allowed=lambda user: user.dept_code == "finance",
        clean=_clean, headers=lambda user, params: ["No.", "Name", "Date"], rows=rows,
        count=lambda user, params: params["limit"], widths=[6, 30, 12]))
    yield kind, seen
    EXPORTS.pop("sample", None)


@pytest.fixture
def finance():
    return make_user(Dept.FINANCE, Role.STAFF, username="fin1")


def test_export_is_written_by_the_worker_with_progress_and_neutralised_cells(
        sample_kind, finance, django_capture_on_commit_callbacks, monkeypatch):
    _kind, seen = sample_kind
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_request(kind="sample", params={"limit": "5"}, actor=finance)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.percent) == ("done", 5, 5, 100)
    assert seen == [0, 0, 2, 2, 4]          # saved every PROGRESS_EVERY rows while writing
    sheet = load_workbook(io.BytesIO(job.file.read())).active
    assert [c.value for c in sheet[1]] == ["No.", "Name", "Date"]
    names = [sheet.cell(row=r, column=2) for r in range(2, 7)]
    assert [c.value for c in names] == NAMES
    # = + - @ : literal text with Excel's quote prefix, never a formula (formula injection)
    assert [(c.data_type, c.quotePrefix) for c in names] == [("s", True)] * 4 + [("s", False)]
    assert sheet.cell(row=2, column=1).value == 1
    assert [e.action for e in AuditEvent.objects.filter(object_type="documents.exportjob")
            .order_by("id")] == ["export.requested", "export.done"]


@pytest.mark.parametrize("kind, params, error", [
    ("nope", {}, NotFound), ("sample", {"limit": "x"}, ValidationFailed)])
def test_refused_requests_write_nothing(sample_kind, finance, kind, params, error):
    with pytest.raises(error) as exc:
        services.export_request(kind=kind, params=params, actor=finance)
    if error is ValidationFailed:
        assert exc.value.errors == {"limit": ["Enter a whole number."]}
    assert (ExportJob.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_who_may_not_export_it_is_refused(sample_kind):
    with pytest.raises(NotPermitted):
        services.export_request(kind="sample", params={},
                                actor=make_user(Dept.QUALITY, Role.STAFF))
    assert ExportJob.objects.count() == 0


def test_at_most_three_exports_wait_per_user(sample_kind, finance):
    for _ in range(3):                       # on_commit never runs here: they stay queued
        services.export_request(kind="sample", params={}, actor=finance)
    with pytest.raises(Conflict):
        services.export_request(kind="sample", params={}, actor=finance)
    assert ExportJob.objects.filter(status="queued").count() == 3


def test_an_export_is_only_its_requesters(sample_kind, finance):
    job = services.export_request(kind="sample", params={}, actor=finance)
    assert export_for(finance, job.pk) == job
    with pytest.raises(NotFound):
        export_for(make_user(Dept.FINANCE, Role.DEPT_HEAD), job.pk)


def test_a_failing_export_tells_its_owner_in_their_language(sample_kind, finance):
    kind, _seen = sample_kind

    def broken(user, params):
        yield [1, "ok", None]
        raise RuntimeError("database went away")

    EXPORTS["sample"] = ExportKind(**{**kind.__dict__, "rows": broken})
    with translation.override("zh-hans"):
        job = services.export_request(kind="sample", params={}, actor=finance)
    job = services.export_run(job_id=job.pk)
    assert job.status == ExportStatus.FAILED and not job.file
    assert job.error == "导出失败，请重试或联系管理员。"


def test_rights_lost_before_the_worker_runs_fail_the_export(sample_kind, finance):
    job = services.export_request(kind="sample", params={}, actor=finance)
    finance.department_id = make_user(Dept.QUALITY, Role.STAFF).department_id
    finance.save()
    job = services.export_run(job_id=job.pk)
    assert (job.status, job.rows_done, bool(job.file)) == ("failed", 0, False)


def test_a_job_is_run_once(sample_kind, finance):
    job = services.export_request(kind="sample", params={}, actor=finance)
    first = services.export_run(job_id=job.pk)
    again = services.export_run(job_id=job.pk)
    assert (first.status, again.finished_at) == ("done", first.finished_at)
    assert AuditEvent.objects.filter(action="export.done").count() == 1


def test_old_exports_are_purged(sample_kind, finance, settings):
    job = services.export_run(job_id=services.export_request(
        kind="sample", params={}, actor=finance).pk)
    name = job.file.name
    ExportJob.objects.filter(pk=job.pk).update(
        requested_at=job.requested_at - dt.timedelta(days=8))
    fresh = services.export_request(kind="sample", params={}, actor=finance)
    assert services.export_purge() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not job.file.storage.exists(name)


def _age(job, **fields):
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def test_jobs_whose_worker_was_lost_do_not_count_against_the_limit(sample_kind, finance):
    now = timezone.now()
    # Given three open exports: running for 2 hours, queued for 2 days, running for 30 min
    jobs = [services.export_request(kind="sample", params={}, actor=finance)
            for _ in range(3)]
    _age(jobs[0], status="running", started_at=now - dt.timedelta(hours=2))
    _age(jobs[1], requested_at=now - dt.timedelta(days=2))
    _age(jobs[2], status="running", started_at=now - dt.timedelta(minutes=30))
    # Then the two stale ones leave room for two more, not three
    services.export_request(kind="sample", params={}, actor=finance)
    services.export_request(kind="sample", params={}, actor=finance)
    with pytest.raises(Conflict):
        services.export_request(kind="sample", params={}, actor=finance)
    assert ExportJob.objects.count() == 5


def test_purge_fails_stale_jobs_then_purges_old_ones(sample_kind, finance):
    now = timezone.now()
    with translation.override("en"):
        lost = services.export_request(kind="sample", params={}, actor=finance)
    queued = services.export_request(kind="sample", params={}, actor=finance)
    busy = services.export_request(kind="sample", params={}, actor=finance)
    _age(lost, status="running", started_at=now - dt.timedelta(hours=2))
    _age(queued, requested_at=now - dt.timedelta(days=8))     # stale, and old enough
    _age(busy, status="running", started_at=now - dt.timedelta(minutes=10))
    assert services.export_purge() == 1
    # the stale queued one is failed, then purged with the old; the lost one is failed
    lost.refresh_from_db()
    assert (lost.status, lost.error) == (
        "failed", "The export was interrupted before it was ready; please request it again.")
    assert lost.finished_at is not None
    assert set(ExportJob.objects.values_list("pk", "status")) == {
        (lost.pk, "failed"), (busy.pk, "running")}
    assert AuditEvent.objects.filter(action="export.failed").count() == 2
    # a stale job's worker cannot claim it any more
    assert services.export_run(job_id=lost.pk).status == "failed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_at_once_cannot_both_pass_the_limit(sample_kind, finance, monkeypatch):
    from types import SimpleNamespace

    from orderflow.audit import services as audit
    from orderflow.testing.race import race

    monkeypatch.setattr(services, "_enqueue", lambda job_id: None)   # they stay queued
    for _ in range(2):
        services.export_request(kind="sample", params={}, actor=finance)

    def slow_record(*args, **kwargs):      # widen the window between count and commit
        time.sleep(0.5)
        return audit.record(*args, **kwargs)

    monkeypatch.setattr(services, "audit", SimpleNamespace(record=slow_record))
    results = race([lambda: services.export_request(kind="sample", params={}, actor=finance)
                    for _ in range(2)])
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "ExportJob"]
    assert ExportJob.objects.filter(requested_by=finance).count() == 3
