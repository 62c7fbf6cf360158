"""Background exports: ask for one from a list page, watch its progress, download it.
Every write goes through orderflow.documents.services."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from orderflow.core.errors import NotFound
from orderflow.documents.models import ExportStatus
from orderflow.documents.selectors import export_for, exports_for
from orderflow.documents.services import export_request

from ..errors import service_errors

RESERVED = {"csrfmiddlewaretoken", "kind", "next"}


def _job(request, job_id: int):
    try:
        return export_for(request.user, job_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("web:export_list")


@login_required
@require_POST
def export_new(request):
    """The filters of the page the user is on (its form fields) become the export's."""
    params = {k: v for k, v in request.POST.items() if k not in RESERVED and v != ""}
    job = None
    with service_errors(request):   # bad filters, too many waiting: messages on the page
        job = export_request(kind=request.POST.get("kind", ""), params=params,
                             actor=request.user)
    if job is None:
        return _back(request)
    return redirect("web:export_detail", job.pk)


@login_required
@require_GET
def export_list(request):
    return render(request, "documents/exports.html", {"jobs": exports_for(request.user)})


@login_required
@require_GET
def export_detail(request, job_id: int):
    job = _job(request, job_id)
    template = ("documents/_export_progress.html" if request.htmx
                else "documents/export_detail.html")
    return render(request, template, {"job": job, "open": job.status in (
        ExportStatus.QUEUED, ExportStatus.RUNNING)})


@login_required
@require_GET
def export_download(request, job_id: int):
    job = _job(request, job_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True,
                        filename=job.download_name)


urlpatterns = [
    path("exports/", export_list, name="export_list"),
    path("exports/new/", export_new, name="export_new"),
    path("exports/<id:job_id>/", export_detail, name="export_detail"),
    path("exports/<id:job_id>/download/", export_download, name="export_download"),
]
