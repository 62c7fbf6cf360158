"""Background exports (Excel): request one with its filters, follow its progress, download
the file. Thin: orderflow.documents services and selectors do the work."""

import datetime as dt

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from orderflow.core.errors import NotFound
from orderflow.documents.models import ExportStatus
from orderflow.documents.selectors import export_for, export_kinds_for, exports_for
from orderflow.documents.services import export_request
from orderflow.documents.xlsx import XLSX_CONTENT_TYPE as XLSX

from .schemas import ERRORS

router = Router(tags=["exports"])


class ExportIn(Schema):
    kind: str
    params: dict[str, str | int | None] = {}


class ExportOut(Schema):
    id: int
    kind: str
    title: str
    params: dict
    status: str
    status_label: str
    rows_total: int | None
    rows_done: int
    percent: int
    size: int | None
    error: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        return f"/api/exports/{obj.pk}/file" if obj.status == ExportStatus.DONE else None


@router.get("", response={200: list[ExportOut], **ERRORS}, summary="Your exports",
            description="The exports you asked for (the last 50), newest first.")
def list_exports(request):
    return exports_for(request.auth)


@router.get("/kinds", response={200: list[str], **ERRORS}, summary="What you may export")
def export_kinds(request):
    return export_kinds_for(request.auth)


@router.post("", response={202: ExportOut, **ERRORS}, summary="Request an export",
             description="Queues an Excel export of `kind` with the list's filters as "
             "`params` (the same names as the list's query parameters). Answers 202 at "
             "once; poll GET /exports/{id} for `percent` and then download `download_url`. "
             "404 for an unknown kind, 403 if you may not export it, 422 for bad filters, "
             "409 with three exports still waiting.")
def request_export(request, payload: ExportIn):
    params = {k: v for k, v in payload.params.items() if v not in (None, "")}
    return Status(202, export_request(kind=payload.kind, params=params, actor=request.auth))


@router.get("/{id:job_id}", response={200: ExportOut, **ERRORS}, summary="An export")
def get_export(request, job_id: int):
    return export_for(request.auth, job_id)


@router.get("/{id:job_id}/file", response={200: None, **ERRORS},
            summary="Download an export", description="404 until the file is ready.")
def export_file(request, job_id: int):
    job = export_for(request.auth, job_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise NotFound(_("The file is not ready."))
    return FileResponse(job.file.open("rb"), content_type=XLSX, as_attachment=True,
                        filename=job.download_name)
