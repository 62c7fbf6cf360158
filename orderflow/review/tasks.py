"""Background work of the review (runs on the huey worker through Django's tasks API)."""

from django.tasks import task

from .services.report import report_render


@task
def render_review_report(*, report_id: int) -> bool:
    """Render an issued review report's PDF (P3.4.2); does nothing if it already has one."""
    report = report_render(report_id=report_id)
    return bool(report.file)
