"""Production execution reads (P5.1): the plan with each task's latest progress, progress
reports, problems, the order page's summary and the open problems across orders."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.release.permissions import workspace_departments

from ..domain.production import DONE, is_overdue, plan_percent
from ..models.production import ProblemStatus, ProductionProblem, ProductionTask, ProgressReport
from .overview import OpenItem, Summary

DEPT = "production"
MAX_ITEMS = 20
MAX_REPORTS = 200


def _limit(limit) -> int:
    return max(1, min(int(limit), 500))


def tasks_for(order) -> list[ProductionTask]:
    """The order's production plan in task order (P5.1.1), each task with its latest
    report's date and note (`latest_on`, `latest_note`) beside the figures on the row."""
    latest = ProgressReport.objects.filter(task_id=OuterRef("pk")).order_by("-reported_on",
                                                                            "-id")
    return list(ProductionTask.objects.filter(order_id=order.pk)
                .select_related("order_line", "order_line__product", "created_by")
                .annotate(latest_on=Subquery(latest.values("reported_on")[:1]),
                          latest_note=Subquery(latest.values("note")[:1]))
                .order_by("position", "id"))


def reports_for(task_id: int, *, limit: int = MAX_REPORTS) -> list[ProgressReport]:
    """A task's progress reports, newest first (P5.1.4), bounded."""
    return list(ProgressReport.objects.filter(task_id=task_id)
                .select_related("created_by", "on_behalf_of")
                .order_by("-reported_on", "-id")[:_limit(limit)])


def report(report_id: int) -> ProgressReport:
    return (ProgressReport.objects.select_related("created_by", "on_behalf_of")
            .get(pk=report_id))


def _problems():
    return ProductionProblem.objects.select_related("owner", "task", "created_by",
                                                    "on_behalf_of", "resolved_by")


def _status(status: str | None) -> str | None:
    if status and status not in ProblemStatus.values:
        raise ValidationFailed({"status": [_("Select a valid choice.")]})
    return status or None


def problems_for(order, status: str | None = None) -> list[ProductionProblem]:
    """The order's production problems, open first by due date (P5.1.3-4)."""
    qs = _problems().filter(order_id=order.pk)
    status = _status(status)
    if status:
        qs = qs.filter(status=status)
    problems = list(qs.order_by("status", "due_date", "id"))
    return _mark(problems)


def _mark(problems: list[ProductionProblem]) -> list[ProductionProblem]:
    today = clock.today()
    for problem in problems:
        problem.is_late = (problem.status == ProblemStatus.OPEN
                           and is_overdue(problem.due_date, today))
    return problems


def production_problems(user, *, status: str | None = ProblemStatus.OPEN,
                        limit: int = 100) -> list[ProductionProblem]:
    """Problems across orders (P5.1.4, P6.1.2), late first: every one for those who work
    in Production (or see every workspace), else the ones the user owns.

    Raises:
        ValidationFailed: unknown status.
    """
    status = _status(status)
    qs = _problems().select_related("order", "order__customer")
    allowed = workspace_departments(user)
    if allowed is not None and DEPT not in allowed:
        qs = qs.filter(owner_id=user.pk)
    if status:
        qs = qs.filter(status=status)
    # Open ones by due date: the late ones (due before today) come first.
    qs = qs.order_by("status", "due_date", "id")
    return _mark(list(qs[:_limit(limit)]))


def open_problems(user, limit: int = 100) -> list[ProductionProblem]:
    """The open problems the user deals with, late first (Production's workspace)."""
    return production_problems(user, status=ProblemStatus.OPEN, limit=limit)


def summary(order, package) -> Summary:
    """The order page's line for Production (P6.1.2): "N of M tasks done", the plan's
    average % done, and the open problems with their due dates (2 queries)."""
    rows = list(ProductionTask.objects.filter(package_id=package.pk)
                .values_list("status", "percent_done"))
    problems = list(ProductionProblem.objects.filter(package_id=package.pk,
                                                     status=ProblemStatus.OPEN)
                    .order_by("due_date", "id")
                    .values_list("kind", "description", "due_date")[:MAX_ITEMS])
    if rows:
        done = sum(1 for status, _pct in rows if status == DONE)
        headline = _("%(done)s of %(total)s tasks done") % {"done": done, "total": len(rows)}
    else:
        headline = _("No production plan yet")
    kinds = dict(ProductionProblem._meta.get_field("kind").choices)
    today = clock.today()
    url = f"/work-packages/{package.pk}/"
    items = [OpenItem(text=f"{kinds.get(kind, kind)}: {description[:60]}", due=due,
                      late=is_overdue(due, today), url=url)
             for kind, description, due in problems]
    return Summary(headline=headline, percent=plan_percent([p for _s, p in rows]),
                   open_items=items)
