"""Exports in the browser's pages: ask from a list page, watch the progress, download."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.documents.models import ExportJob
from orderflow.documents.tests.test_exports import finance, sample_kind  # noqa: F401
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_export_from_a_page_then_progress_then_download(
        client_as, finance, sample_kind, django_capture_on_commit_callbacks):  # noqa: F811
    client = client_as(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/new/", {"kind": "sample", "limit": "3",
                                                 "next": "/orders/", "page": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/exports/{job.pk}/"
    assert job.params == {"limit": 3}
    page = client.get(f"/exports/{job.pk}/")
    assert b'data-status="done"' in page.content and b"export-download" in page.content
    partial = client.get(f"/exports/{job.pk}/", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b'data-percent="100"' in partial.content
    download = client.get(f"/exports/{job.pk}/download/")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.active.max_row == 4
    # named by when it was asked for in the company's time (Asia/Shanghai), not UTC
    local = timezone.localtime(job.requested_at)
    assert f"{local:%Y%m%d-%H%M}.xlsx" in download["Content-Disposition"]
    assert local.utcoffset() != dt.timedelta(0)
    assert f"data-export=\"{job.pk}\"".encode() in client.get("/exports/").content


def test_a_queued_export_polls_and_bad_filters_go_back_with_the_message(
        client_as, finance, sample_kind):  # noqa: F811
    client = client_as(finance)
    response = client.post("/exports/new/", {"kind": "sample", "next": "/orders/"})
    job = ExportJob.objects.get()              # on_commit not run: still queued
    page = client.get(response.url)
    assert b'hx-trigger="every 1s"' in page.content
    refused = client.post("/exports/new/", {"kind": "sample", "limit": "x",
                                            "next": "/orders/"}, follow=True)
    assert refused.redirect_chain[-1][0] == "/orders/"
    assert b"Enter a whole number." in refused.content
    assert ExportJob.objects.count() == 1 and job.status == "queued"


def test_someone_elses_export_is_not_found(client_as, finance, sample_kind):  # noqa: F811
    client_as(finance).post("/exports/new/", {"kind": "sample"})
    job = ExportJob.objects.get()
    other = client_as(make_user(Dept.FINANCE, Role.DEPT_HEAD))
    assert other.get(f"/exports/{job.pk}/").status_code == 404
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404
