"""Acting on approval tasks (P4.1): approve, reject, return; stages, CC, completion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.approval.models import (
    ApprovalRequest,
    ApprovalStage,
    ApprovalTask,
    RequestStatus,
    TaskStatus,
)
from orderflow.approval.services import task_approve, task_reject, task_return
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
)
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_take_action
from orderflow.orders.tests.support import order_state
from orderflow.testing.factories import make_user

from .conftest import in_approval, pending, start
from .test_start import set_steps, step

pytestmark = pytest.mark.django_db


def approval_rows(order) -> dict:
    """Everything approval wrote for an order (for 'nothing changed' checks)."""
    return {
        "requests": list(ApprovalRequest.objects.filter(order=order).values_list(
            "round", "status", "current_position", "content_hash")),
        "stages": list(ApprovalStage.objects.filter(request__order=order).order_by(
            "request_id", "position").values_list("position", "status", "cc_user_ids")),
        "tasks": list(ApprovalTask.objects.filter(order=order).order_by("id").values_list(
            "assignee_id", "status", "acted_by_id", "on_behalf_of_id", "comment")),
        "notes": Notification.objects.count(),
    }


def approve_step(order, position, actor=None):
    task = pending(order, position)[0]
    return task_approve(task_id=task.pk, actor=actor or task.assignee)


def stage_statuses(order):
    return list(ApprovalStage.objects.filter(request__order=order, request__round=1)
                .order_by("position").values_list("status", flat=True))


def test_three_steps_to_awaiting_sign_off(started, chain_people, salesperson):
    order, request = started
    # when the Sales head approves with a comment, the order version they saw
    task = pending(order, 1)[0]
    done = task_approve(task_id=task.pk, actor=chain_people["sales_head"], comment="同意",
                        seen_version=order.version)
    assert (done.status, done.acted_by, done.on_behalf_of, done.comment) == (
        TaskStatus.APPROVED, chain_people["sales_head"], None, "同意")
    assert stage_statuses(order) == ["approved", "active", "waiting"]
    # then both division leaders are asked (或签)
    assert {t.assignee for t in pending(order, 2)} == {chain_people["leader"],
                                                      chain_people["leader2"]}
    approve_step(order, 2)
    approve_step(order, 3)
    order.refresh_from_db()
    request.refresh_from_db()
    assert (order.status, request.status) == (State.AWAITING_SIGNOFF, RequestStatus.APPROVED)
    assert stage_statuses(order) == ["approved", "approved", "approved"]
    assert request.finished_at is not None
    # the Sales head and the salesperson are told it waits for the signature
    told = set(Notification.objects.filter(kind="approval.approved")
               .values_list("recipient__username", flat=True))
    assert told == {"saleshead", "sales1"}
    events = list(AuditEvent.objects.filter(object_id=str(order.pk)).order_by("id")
                  .values_list("action", flat=True))
    assert events[-5:] == ["approval.started", "approval.approved", "approval.approved",
                           "approval.approved", "order.complete_approval"]


def test_any_one_approval_completes_the_step_and_closes_the_others(started, chain_people):
    order, _request = started
    approve_step(order, 1)
    first, second = pending(order, 2)
    task_approve(task_id=second.pk, actor=second.assignee)
    first.refresh_from_db()
    assert first.status == TaskStatus.CLOSED
    with pytest.raises(TransitionNotAllowed):
        task_approve(task_id=first.pk, actor=first.assignee)
    assert [t.stage.position for t in pending(order)] == [3]


def test_all_of_a_group_must_approve(salesperson, customer, products, chain_people):
    set_steps(step("会签", role="division_leader", mode="all"),
              step("财务", "dept_head", department="finance"))
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    first, second = pending(order, 1)
    task_approve(task_id=first.pk, actor=first.assignee)
    assert stage_statuses(order) == ["active", "waiting"]
    task_approve(task_id=second.pk, actor=second.assignee)
    assert stage_statuses(order) == ["approved", "active"]


def test_cc_is_told_when_the_step_is_approved(salesperson, customer, products,
                                              chain_people):
    watcher = make_user(Dept.PRODUCTION, Role.STAFF, username="watcher")
    set_steps(step("销售", "dept_head", department="sales",
                   cc=[{"kind": "user", "user": watcher.pk}]),
              step("财务", "dept_head", department="finance"))
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    assert not Notification.objects.filter(recipient=watcher).exists()
    approve_step(order, 1)
    note = Notification.objects.get(recipient=watcher)
    assert (note.kind, note.url) == ("approval.cc", f"/orders/{order.pk}/")


def test_a_stale_seen_version_is_refused_and_nothing_is_written(started, chain_people):
    # "approving before saving": the approver opened version v, the order is now v+1
    order, _request = started
    task = pending(order, 1)[0]
    before, rows = order_state(order.pk), approval_rows(order)
    with pytest.raises(Conflict, match="changed since you opened it"):
        task_approve(task_id=task.pk, actor=chain_people["sales_head"],
                     seen_version=order.version - 1)
    assert (order_state(order.pk), approval_rows(order)) == (before, rows)


def test_content_that_no_longer_matches_voids_the_round(started, chain_people):
    # defence in depth: the content changed without the edit service (e.g. by hand)
    order, request = started
    order.lines.filter(position=1).update(quantity=99)
    task = pending(order, 1)[0]
    result = task_approve(task_id=task.pk, actor=chain_people["sales_head"])
    request.refresh_from_db()
    order.refresh_from_db()
    assert (result.status, request.status, order.status) == (
        TaskStatus.VOIDED, RequestStatus.VOIDED, State.DRAFT)


def test_comment_length_is_validated(started, chain_people):
    order, _request = started
    task = pending(order, 1)[0]
    with pytest.raises(ValidationFailed) as exc:
        task_approve(task_id=task.pk, actor=chain_people["sales_head"], comment="长" * 2001)
    assert set(exc.value.errors) == {"comment"}
    assert pending(order, 1) == [task]


def test_unknown_task_is_not_found(chain_people):
    with pytest.raises(NotFound):
        task_approve(task_id=987654, actor=chain_people["sales_head"])


# -- reject ---------------------------------------------------------------------------

def test_reject_with_a_reason_goes_back_to_sales(salesperson, customer, products,
                                                 chain_people):
    watcher = make_user(Dept.PRODUCTION, Role.STAFF, username="watcher")
    set_steps(step("销售", "dept_head", department="sales"),
              step("领导", role="division_leader", mode="any",
                   cc=[{"kind": "user", "user": watcher.pk}]),
              step("财务", "dept_head", department="finance"))
    order = in_approval(salesperson, customer, products)
    request = start(order, salesperson)
    approve_step(order, 1)
    task, other = pending(order, 2)
    done = task_reject(task_id=task.pk, actor=task.assignee, reason="  价格过低  ")
    order.refresh_from_db()
    request.refresh_from_db()
    other.refresh_from_db()
    assert (done.status, done.comment) == (TaskStatus.REJECTED, "价格过低")
    assert (order.status, request.status, request.outcome_reason) == (
        State.APPROVAL_REJECTED, RequestStatus.REJECTED, "价格过低")
    assert other.status == TaskStatus.CLOSED
    assert stage_statuses(order) == ["approved", "rejected", "waiting"]
    event = AuditEvent.objects.get(object_id=str(order.pk), action="order.reject_approval")
    assert (event.actor, event.data["reason"]) == (task.assignee, "价格过低")
    told = set(Notification.objects.filter(kind="approval.rejected")
               .values_list("recipient__username", "body"))
    assert told == {("sales1", "价格过低"), ("watcher", "价格过低")}


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(reason, started, chain_people):
    order, _request = started
    task = pending(order, 1)[0]
    before, rows = order_state(order.pk), approval_rows(order)
    with pytest.raises(ValidationFailed) as exc:
        task_reject(task_id=task.pk, actor=chain_people["sales_head"], reason=reason)
    assert set(exc.value.errors) == {"reason"}
    assert (order_state(order.pk), approval_rows(order)) == (before, rows)


def test_reject_approval_action_rejects_the_actor_s_task(started, chain_people):
    order, _request = started
    order_take_action(order_id=order.pk, action="reject_approval",
                      actor=chain_people["sales_head"], reason="信用不足")
    order.refresh_from_db()
    assert order.status == State.APPROVAL_REJECTED
    assert ApprovalTask.objects.get(stage__position=1, request__order=order).status == \
        TaskStatus.REJECTED


def test_reject_approval_action_by_someone_without_a_task(started, chain_people):
    order, _request = started
    before, rows = order_state(order.pk), approval_rows(order)
    with pytest.raises(NotPermitted):
        order_take_action(order_id=order.pk, action="reject_approval",
                          actor=chain_people["finance_head"], reason="x")
    assert (order_state(order.pk), approval_rows(order)) == (before, rows)


def test_resubmit_after_rejection_starts_a_new_round(started, chain_people, salesperson):
    order, _first = started
    task_reject(task_id=pending(order, 1)[0].pk, actor=chain_people["sales_head"],
                reason="补充资料")
    order_take_action(order_id=order.pk, action="resubmit_approval", actor=salesperson)
    order.refresh_from_db()
    assert order.status == State.IN_APPROVAL
    rounds = list(ApprovalRequest.objects.filter(order=order).order_by("round")
                  .values_list("round", "status"))
    assert rounds == [(1, "rejected"), (2, "in_progress")]
    assert [t.request.round for t in pending(order)] == [2]


# -- return ---------------------------------------------------------------------------

def test_return_to_an_earlier_step(started, chain_people, salesperson):
    order, request = started
    approve_step(order, 1)
    approve_step(order, 2)
    finance_task = pending(order, 3)[0]
    task_return(task_id=finance_task.pk, actor=chain_people["finance_head"], to_position=1,
                reason="请销售部重新核价")
    order.refresh_from_db()
    request.refresh_from_db()
    finance_task.refresh_from_db()
    # then step 1 decides again with a fresh task; 2 and 3 wait; the order stays
    assert order.status == State.IN_APPROVAL
    assert (request.status, request.current_position) == (RequestStatus.IN_PROGRESS, 1)
    assert stage_statuses(order) == ["active", "waiting", "waiting"]
    assert (finance_task.status, finance_task.comment) == (TaskStatus.RETURNED,
                                                           "请销售部重新核价")
    tasks = list(ApprovalTask.objects.filter(request=request).order_by("id")
                 .values_list("stage__position", "status"))
    assert tasks == [(1, "returned"), (2, "returned"), (2, "closed"), (3, "returned"),
                     (1, "pending")]
    event = AuditEvent.objects.filter(object_id=str(order.pk)).latest("id")
    assert (event.action, event.data["to_step"], event.data["reason"]) == (
        "approval.returned", 1, "请销售部重新核价")
    # and the chain runs again: the same people may decide again
    approve_step(order, 1)
    approve_step(order, 2)
    approve_step(order, 3)
    order.refresh_from_db()
    assert order.status == State.AWAITING_SIGNOFF


@pytest.mark.parametrize(("to_position", "reason"), [
    (3, "x"), (2, "x"), (0, "x"), ("a", "x"), (1, "")])
def test_return_needs_an_earlier_step_and_a_reason(to_position, reason, started,
                                                   chain_people):
    order, _request = started
    approve_step(order, 1)
    task = pending(order, 2)[0]
    before, rows = order_state(order.pk), approval_rows(order)
    with pytest.raises(ValidationFailed) as exc:
        task_return(task_id=task.pk, actor=task.assignee, to_position=to_position,
                    reason=reason)
    assert set(exc.value.errors) == ({"reason"} if not reason else {"to_position"})
    assert (order_state(order.pk), approval_rows(order)) == (before, rows)


def test_a_skipped_step_is_no_return_target(salesperson, customer, products,
                                            chain_people):
    set_steps(step("跳过", "dept_head", department="sales",
                   conditions=[{"field": "amount", "op": "gt", "value": "99999999"}]),
              step("销售", "dept_head", department="sales"),
              step("财务", "dept_head", department="finance"))
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    approve_step(order, 2)
    with pytest.raises(ValidationFailed):
        task_return(task_id=pending(order, 3)[0].pk, actor=chain_people["finance_head"],
                    to_position=1, reason="x")


# -- query count: constant in the number of steps --------------------------------------

def _approve_queries(salesperson, customer, products, n_steps):
    steps = [step(f"领导{i}", role="division_leader", mode="any", time_limit_hours=8,
                  cc=[{"kind": "dept_head", "department": "finance"}])
             for i in range(n_steps - 1)]
    set_steps(step("销售", "dept_head", department="sales", time_limit_hours=8), *steps)
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    task = pending(order, 1)[0]
    with CaptureQueriesContext(connection) as ctx:
        task_approve(task_id=task.pk, actor=task.assignee, seen_version=order.version)
    return [q["sql"] for q in ctx.captured_queries]


def test_approve_costs_the_same_for_3_and_6_steps(salesperson, customer, products,
                                                  chain_people):
    _approve_queries(salesperson, customer, products, 3)  # warm-up
    three = _approve_queries(salesperson, customer, products, 3)
    six = _approve_queries(salesperson, customer, products, 6)
    assert len(three) == len(six), "\n".join(six)
    assert len(six) <= 40, "\n".join(six)


def test_order_model_is_untouched_by_a_non_final_approval(started, chain_people):
    order, _request = started
    version = order.version
    approve_step(order, 1)
    assert Order.objects.get(pk=order.pk).version == version


def test_no_act_while_the_order_is_not_in_approval(started, chain_people):
    # e.g. a cancellation request (P8.2) took the order out of approval meanwhile
    order, _request = started
    Order.objects.filter(pk=order.pk).update(status=State.CANCELLATION_REVIEW,
                                             resume_status=State.IN_APPROVAL)
    task = pending(order, 1)[0]
    rows = approval_rows(order)
    with pytest.raises(TransitionNotAllowed):
        task_approve(task_id=task.pk, actor=chain_people["sales_head"])
    assert approval_rows(order) == rows


def test_deputies_of_the_approvers_are_told_too(salesperson, customer, products,
                                                chain_people):
    clerk = make_user(Dept.SALES, Role.STAFF, username="clerk")
    Delegation.objects.create(principal=chain_people["sales_head"], deputy=clerk,
                              starts_on=clock.today(), ends_on=clock.today(),
                              created_by=clerk, created_at=clock.now())
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    note = Notification.objects.get(recipient=clerk)
    assert (note.kind, note.url) == ("approval.task", f"/orders/{order.pk}/")
    assert chain_people["sales_head"].display_name in note.title


def test_refusal_is_checked_before_the_reason(started, chain_people):
    order, _request = started
    with pytest.raises(NotPermitted):
        order_take_action(order_id=order.pk, action="reject_approval",
                          actor=chain_people["finance_head"], reason="")
