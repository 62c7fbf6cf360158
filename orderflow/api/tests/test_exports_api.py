"""Exports through the API: 202 at once, then progress, then the file; errors mapped."""

import io

import pytest
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.documents.tests.test_exports import finance, sample_kind  # noqa: F401
from orderflow.testing.factories import make_user

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_request_poll_download(finance, sample_kind,  # noqa: F811
                               django_capture_on_commit_callbacks):
    api = Api(finance)
    assert "sample" in api.get("/api/exports/kinds").json()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/exports", {"kind": "sample", "params": {"limit": 2}})
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    job = api.get(f"/api/exports/{job_id}").json()
    assert (job["status"], job["percent"], job["rows_done"]) == ("done", 100, 2)
    assert job["download_url"] == f"/api/exports/{job_id}/file"
    file = api.get(job["download_url"])
    assert load_workbook(io.BytesIO(b"".join(file.streaming_content))).active.max_row == 3
    assert [j["id"] for j in api.get("/api/exports").json()] == [job_id]


@pytest.mark.parametrize("payload, status", [
    ({"kind": "nope"}, 404), ({"kind": "sample", "params": {"limit": "x"}}, 422)])
def test_errors(finance, sample_kind, payload, status):  # noqa: F811
    response = Api(finance).post("/api/exports", payload)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"] == {"limit": ["Enter a whole number."]}


def test_not_permitted_and_not_ready(finance, sample_kind):  # noqa: F811
    assert Api(make_user(Dept.QUALITY, Role.STAFF)).post(
        "/api/exports", {"kind": "sample"}).status_code == 403
    job_id = Api(finance).post("/api/exports", {"kind": "sample"}).json()["id"]
    assert Api(finance).get(f"/api/exports/{job_id}/file").status_code == 404
    assert Api(make_user(Dept.FINANCE, Role.STAFF)).get(
        f"/api/exports/{job_id}").status_code == 404
