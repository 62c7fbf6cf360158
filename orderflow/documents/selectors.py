"""Reading exports: each user sees only the exports they asked for."""

from django.utils.translation import gettext as _

from orderflow.core.errors import NotFound

from .exports import EXPORTS
from .models import ExportJob


def exports_for(user, *, limit: int = 50) -> list[ExportJob]:
    return list(ExportJob.objects.filter(requested_by_id=user.pk)
                .order_by("-requested_at", "-id")[:limit])


def export_for(user, job_id: int) -> ExportJob:
    """One of the user's exports.

    Raises:
        NotFound: absent, or someone else's.
    """
    job = ExportJob.objects.filter(pk=job_id, requested_by_id=user.pk).first()
    if job is None:
        raise NotFound(_("Export not found."))
    return job


def export_kinds_for(user) -> list[str]:
    return sorted(kind for kind, spec in EXPORTS.items() if spec.allowed(user))
