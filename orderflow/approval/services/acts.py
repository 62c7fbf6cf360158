"""An approver's acts on a task (P4.1): approve with a comment, reject with a reason,
return to an earlier step.

Each act locks the order row first: that serialises everyone acting on the same order
(two approvers of an "any one" (或签) step at once: exactly one approval counts).
"""

from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.orders.services import OrderOf, lock_order

from ..domain.acting import TaskFacts, earlier_actors
from ..domain.stages import APPROVED, stage_complete
from ..models import ApprovalStage, ApprovalTask, RequestStatus, StageStatus, TaskStatus
from ..permissions import (
    acting_as,
    owners_of,
    refusal_message,
    request_task_facts,
    task_is_open,
    task_refusal,
)
from .engine import activate_stage, complete_stage, request_url, subject_for, tell

MAX_TEXT = 2000


def locked_task(task_id: int, actor):
    """(order, task): the task's order row-locked first, then the task read afresh."""
    order = lock_order(OrderOf(ApprovalTask.objects.filter(pk=task_id),
                               missing=_("Approval task not found.")), actor)
    task = ApprovalTask.objects.select_related("stage", "request").get(pk=task_id)
    task.order = order
    return order, task


def authorise(task: ApprovalTask, actor) -> tuple[int | None, list[TaskFacts]]:
    """(on_behalf_of id, the request's tasks) if the actor may act on the task now.

    Raises:
        NotPermitted: not the assignee nor their deputy today; or a rule refuses (own
            order, acted already on this stage or request).
        TransitionNotAllowed: the task is no longer waiting.
    """
    may, on_behalf_of = acting_as(actor, task)
    if not may:
        raise NotPermitted(_("This approval task is neither yours nor, today, of someone "
                             "you are deputy for."))
    if not task_is_open(task):
        raise TransitionNotAllowed(_("This approval task is no longer waiting for a "
                                     "decision."))
    subject_for(task.request.subject_kind).check_in_approval(task.order,
                                                             task.request.subject_id)
    request_tasks = request_task_facts(task.request_id)
    refused = task_refusal(actor, task, on_behalf_of, request_tasks)
    if refused is not None:
        raise NotPermitted(refusal_message(refused))
    return on_behalf_of, request_tasks


def _person(user_id: int | None):
    """A user reference for the audit log (it records the id only)."""
    return User(pk=user_id) if user_id else None


def _record(task: ApprovalTask, actor, on_behalf_of, status: str, comment: str, now) -> None:
    task.status, task.acted_by, task.acted_at = status, actor, now
    task.on_behalf_of_id, task.comment = on_behalf_of, comment
    task.save(update_fields=["status", "acted_by", "on_behalf_of", "acted_at", "comment"])


def _event_data(task: ApprovalTask, **extra) -> dict:
    return {"task": task.pk, "request": task.request_id, "round": task.request.round,
            "subject": task.request.subject_kind, "step": task.stage.position,
            "step_name": task.stage.name, **extra}


def _text(field: str, value, *, required: bool) -> str:
    errors = Errors()
    text = errors.text(field, value, required=required, max_length=MAX_TEXT)
    errors.raise_if_any()
    return text


def _check_seen_version(order, seen_version) -> None:
    if seen_version in (None, ""):
        return
    try:
        seen = int(seen_version)
    except (TypeError, ValueError):
        raise Conflict(_("The order changed since you opened it; please reload it.")) \
            from None
    if seen != order.version:
        raise Conflict(_("The order changed since you opened it; please reload it and check "
                         "it again before approving."))


@transaction.atomic
def task_approve(*, task_id: int, actor, comment: str = "",
                 seen_version: int | None = None) -> ApprovalTask:
    """Approve a task with an optional comment (P4.1).

    `seen_version` is the order version the approver saw: an approval of anything but
    the saved order is refused. A request whose content hash no longer matches the
    order is voided instead (the task comes back voided).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed, Conflict (order changed),
        ValidationFailed (comment too long).
    """
    order, task = locked_task(task_id, actor)
    on_behalf_of, request_tasks = authorise(task, actor)
    comment = _text("comment", comment, required=False)
    _check_seen_version(order, seen_version)
    request = task.request
    subject = subject_for(request.subject_kind)
    if subject.content_hash(order, request.subject_id) != request.content_hash:
        subject.on_voided(order=order, request=request, actor=actor,
                          reason=_("The content differs from the content approved."))
        task.refresh_from_db()
        return task
    now = clock.now()
    _record(task, actor, on_behalf_of, TaskStatus.APPROVED, comment, now)
    after = [replace(t, status=APPROVED, acted_by_id=actor.pk, on_behalf_of_id=on_behalf_of)
             if t.id == task.pk else t for t in request_tasks]
    statuses = [t.status for t in after if t.stage_position == task.stage.position]
    completes = stage_complete(task.stage.mode, statuses)
    audit.record(actor, "approval.approved", order, on_behalf_of=_person(on_behalf_of),
                 data=_event_data(task, comment=comment, step_completed=completes))
    if completes:
        complete_stage(task.stage, request, order, actor=actor,
                       on_behalf_of=_person(on_behalf_of), request_tasks=after, now=now)
    return task


def reject(order, task: ApprovalTask, actor, on_behalf_of: int | None, reason: str) -> None:
    """Reject the round at this task (P4.1): back to Sales with the reason."""
    request, stage = task.request, task.stage
    # The subject moves first, while the task still waits (the order's approver rule).
    subject_for(request.subject_kind).on_rejected(
        order=order, request=request, actor=actor, reason=reason,
        on_behalf_of=_person(on_behalf_of))
    now = clock.now()
    _record(task, actor, on_behalf_of, TaskStatus.REJECTED, reason, now)
    stage.status, stage.completed_at = StageStatus.REJECTED, now
    stage.save(update_fields=["status", "completed_at"])
    ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED)
    request.status, request.finished_at = RequestStatus.REJECTED, now
    request.outcome_reason = reason
    request.save(update_fields=["status", "finished_at", "outcome_reason"])
    audit.record(actor, "approval.rejected", order, on_behalf_of=_person(on_behalf_of),
                 data=_event_data(task, reason=reason))
    if request.subject_kind != "order":
        return  # the subject told its own people (on_rejected): a statement's Sales, a
        # query's requester; the order itself was not rejected
    recipients = [order.salesperson, *User.objects.filter(pk__in=stage.cc_user_ids or [])]
    tell(recipients, order, kind="approval.rejected", body=reason, exclude=actor,
         title=gettext_lazy("Order %(number)s was rejected in approval (%(step)s)"),
         params={"step": stage.name})


@transaction.atomic
def task_reject(*, task_id: int, actor, reason: str) -> ApprovalTask:
    """Reject with a mandatory reason: the round ends, the order goes back to Sales.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed (no reason).
    """
    order, task = locked_task(task_id, actor)
    on_behalf_of, _tasks = authorise(task, actor)
    reason = _text("reason", reason, required=True)
    reject(order, task, actor, on_behalf_of, reason)
    return task


def _return_target(task: ApprovalTask, to_position) -> ApprovalStage:
    errors = Errors()
    position = errors.integer("to_position", to_position)
    target = None
    if position is not None:
        target = (ApprovalStage.objects.filter(request_id=task.request_id, position=position,
                                               position__lt=task.stage.position)
                  .exclude(status=StageStatus.SKIPPED).first())
        if target is None:
            errors.add("to_position", _("Choose an earlier step of this approval that "
                                        "was not skipped."))
    errors.raise_if_any()
    return target


@transaction.atomic
def task_return(*, task_id: int, actor, to_position: int, reason: str) -> ApprovalTask:
    """Return the round to an earlier step (P4.1): that step decides again with fresh
    tasks, the later ones wait again; the order stays in approval.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed (reason, step).
    """
    order, task = locked_task(task_id, actor)
    on_behalf_of, request_tasks = authorise(task, actor)
    reason = _text("reason", reason, required=True)
    target = _return_target(task, to_position)
    request, now = task.request, clock.now()
    _record(task, actor, on_behalf_of, TaskStatus.RETURNED, reason, now)
    reopened = ApprovalStage.objects.filter(request=request, position__gte=target.position) \
        .exclude(status=StageStatus.SKIPPED)
    # Approvals of the steps decided again no longer count (history keeps who and when).
    ApprovalTask.objects.filter(stage__in=reopened, status=TaskStatus.APPROVED).update(
        status=TaskStatus.RETURNED)
    ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED)
    reopened.filter(position__gt=target.position).update(
        status=StageStatus.WAITING, activated_at=None, completed_at=None, due_at=None,
        remind_at=None, escalate_at=None, reminded_at=None, escalated_head_at=None,
        escalated_leader_at=None, cc_user_ids=[])
    before = [t for t in request_tasks if t.stage_position < target.position]
    activate_stage(target, request, order, now=now,
                   excluded=owners_of(order, request) | earlier_actors(before))
    audit.record(actor, "approval.returned", order, on_behalf_of=_person(on_behalf_of),
                 data=_event_data(task, reason=reason, to_step=target.position,
                                  to_step_name=target.name))
    tell([order.salesperson], order, kind="approval.returned", body=reason, exclude=actor,
         url=request_url(request, order),
         title=gettext_lazy("Order %(number)s was returned to approval step “%(step)s”"),
         params={"step": target.name})
    return task
