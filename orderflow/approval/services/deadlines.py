"""Approval step deadlines (P3.3.2 applied to P4.1): remind the approvers before a step is
due; when it is overdue tell their department heads, later the division leaders.

Run by the periodic task in orderflow.workcal.tasks; safe to run on several workers.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.notifications.services import notify
from orderflow.workcal.services import SweepPeople, local_time, sweep_timed_work

from ..domain.subjects import subject_url
from ..models import ApprovalStage, ApprovalTask, RequestStatus, StageStatus, TaskStatus

REMINDER = _("Approval of order %(number)s: step “%(step)s” is due at %(due)s.")
OVERDUE = _("Approval of order %(number)s: step “%(step)s” is overdue "
            "(it was due at %(due)s).")
TO_LEADER = _("Approval of order %(number)s: step “%(step)s” is still not done "
              "(it was due at %(due)s).")


def _assignees(stage) -> list:
    """The people whose task in the stage still waits."""
    tasks = (ApprovalTask.objects.filter(stage=stage, status=TaskStatus.PENDING)
             .select_related("assignee__department").order_by("id"))
    return [task.assignee for task in tasks]


def _send(stage, recipients, kind: str, title) -> list[int]:
    request = stage.request
    order = request.order
    recipients = [r for r in recipients if r is not None]
    notify(recipients=recipients, kind=kind, title=title,
           params={"number": order.number, "step": stage.name, "due": local_time(stage.due_at)},
           url=subject_url(request.subject_kind, order, request.subject_id))
    return sorted({r.pk for r in recipients if r.is_active})


def _audit(stage, action: str, notified: list[int], now: dt.datetime) -> None:
    audit.record(None, action, stage.request.order, data={
        "request_id": stage.request_id, "stage_id": stage.pk, "position": stage.position,
        "due_at": stage.due_at, "escalate_at": stage.escalate_at, "swept_at": now,
        "notified": notified})


def _handlers(people: SweepPeople) -> dict:
    def remind(stage, now):
        _send(stage, _assignees(stage), "approval.step_due", REMINDER)

    def to_head(stage, now):
        heads = [people.head(user.dept_code) for user in _assignees(stage)]
        notified = _send(stage, heads, "approval.step_overdue", OVERDUE)
        _audit(stage, "approval.stage_overdue", notified, now)

    def to_leader(stage, now):
        notified = _send(stage, people.leaders(), "approval.escalated_to_leader",
                         TO_LEADER)
        _audit(stage, "approval.escalated_to_leader", notified, now)

    return {"reminded_at": remind, "escalated_head_at": to_head,
            "escalated_leader_at": to_leader}


def approval_deadline_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> dict:
    """Send the reminders and escalations of active approval steps whose moment has come;
    at most `limit` steps per kind. Returns counts: reminded, escalated_head,
    escalated_leader, failed."""
    active = ApprovalStage.objects.filter(status=StageStatus.ACTIVE,
                                          request__status=RequestStatus.IN_PROGRESS)
    return sweep_timed_work(active, now=now or clock.now(), limit=limit,
                            handlers=_handlers(SweepPeople()), related=("request__order",))
