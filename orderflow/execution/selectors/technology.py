"""Technology execution reads (P5.4.1): the support requests of an order, the order
page's summary and the open requests across orders."""

from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _

from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.release.permissions import workspace_departments

from ..domain.production import is_overdue
from ..models.technology import SupportRequest, SupportStatus, Urgency
from .overview import OpenItem, Summary

DEPT = "technology"
MAX_ITEMS = 20
# Who sees every request across orders: Technology (who answers) and Production (who asks).
_WORKING = {"technology", "production"}
UNRESOLVED = "unresolved"


def _requests():
    return SupportRequest.objects.select_related("created_by", "on_behalf_of", "answered_by",
                                                 "resolved_by", "problem")


def _mark(requests: list[SupportRequest]) -> list[SupportRequest]:
    today = clock.today()
    for request in requests:
        request.is_late = (request.status != SupportStatus.RESOLVED
                           and is_overdue(request.needed_by, today))
    return requests


def requests_for(order) -> list[SupportRequest]:
    """The order's support requests (P5.4.1): open, then answered, then resolved; newest
    first within each."""
    return _mark(list(_requests().filter(order_id=order.pk)
                      .order_by(_status_rank(), "-created_at", "-id")))


def _status_rank():
    return Case(When(status=SupportStatus.OPEN, then=Value(0)),
                When(status=SupportStatus.ANSWERED, then=Value(1)), default=Value(2),
                output_field=IntegerField())


def support_requests(user, *, status: str | None = UNRESOLVED,
                     limit: int = 100) -> list[SupportRequest]:
    """Requests across orders (Technology's workspace, P5.4.1): urgent first, then by the
    date they are needed by. Technology and Production see them all, others the ones they
    raised. `status`: open, answered, resolved, or unresolved (open or answered).

    Raises:
        ValidationFailed: unknown status.
    """
    if status and status not in (*SupportStatus.values, UNRESOLVED):
        raise ValidationFailed({"status": [_("Select a valid choice.")]})
    qs = _requests().select_related("order", "order__customer")
    allowed = workspace_departments(user)
    if allowed is not None and not (allowed & _WORKING):
        qs = qs.filter(created_by_id=user.pk)
    if status == UNRESOLVED:
        qs = qs.exclude(status=SupportStatus.RESOLVED)
    elif status:
        qs = qs.filter(status=status)
    urgent = Case(When(urgency=Urgency.URGENT, then=Value(0)), default=Value(1),
                  output_field=IntegerField())
    qs = qs.order_by(_status_rank(), urgent, F("needed_by").asc(nulls_last=True), "created_at",
                     "id")
    return _mark(list(qs[:max(1, min(int(limit), 500))]))


def open_requests(user, limit: int = 100) -> list[SupportRequest]:
    """The requests still waiting for an answer (Technology's to-do list)."""
    return support_requests(user, status=SupportStatus.OPEN, limit=limit)


def summary(order, package) -> Summary:
    """The order page's line for Technology (P6.1.2): "Open requests: N" (not resolved)
    and those requests with the date they are needed by (1 query)."""
    rows = list(SupportRequest.objects.filter(package_id=package.pk)
                .exclude(status=SupportStatus.RESOLVED)
                .order_by(F("needed_by").asc(nulls_last=True), "id")
                .values_list("subject", "status", "needed_by")[:MAX_ITEMS + 1])
    if not rows:
        return Summary(headline=_("No open requests"))
    count = len(rows) if len(rows) <= MAX_ITEMS else SupportRequest.objects.filter(
        package_id=package.pk).exclude(status=SupportStatus.RESOLVED).count()
    today = clock.today()
    url = f"/work-packages/{package.pk}/"
    answered = _("answered")
    items = [OpenItem(text=subject if status == SupportStatus.OPEN
                      else f"{subject} ({answered})",
                      due=due, late=is_overdue(due, today), url=url)
             for subject, status, due in rows[:MAX_ITEMS]]
    return Summary(headline=_("Open requests: %(n)s") % {"n": count}, open_items=items)
