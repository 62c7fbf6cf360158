"""Approvals are bound to the order's content (P4.1): a commercial edit voids them, and
the bypasses known from other systems fail."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import (
    ApprovalRequest,
    ApprovalStage,
    ApprovalTask,
    RequestStatus,
    SignOff,
    TaskStatus,
)
from orderflow.approval.services import order_sign_off, task_approve
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_duplicate, order_update
from orderflow.orders.tests.support import order_state
from orderflow.testing.factories import make_user, order_payload

from .conftest import in_approval, pending, start
from .test_start import set_steps, step

pytestmark = pytest.mark.django_db


def edit(order, actor, customer, products, **overrides):
    return order_update(order_id=order.pk, actor=actor,
                        **order_payload(customer, products, **overrides))


def approve(order, position):
    task = pending(order, position)[0]
    return task_approve(task_id=task.pk, actor=task.assignee)


def fully_approved(order):
    for position in (1, 2, 3):
        approve(order, position)
    order.refresh_from_db()
    assert order.status == State.AWAITING_SIGNOFF
    return order


@pytest.mark.parametrize(("field", "value"), [
    ("lines", "quantity"), ("delivery_date", None), ("instalments", None),
    ("special_requirements", None), ("tax_rate", "0.09")])
def test_a_commercial_edit_after_an_approval_voids_it(field, value, started, chain_people,
                                                      salesperson, customer, products):
    # given step 1 approved
    order, request = started
    approve(order, 1)
    waiting = pending(order, 2)
    # when the salesperson edits a commercial field
    payload = order_payload(customer, products)
    changes = {
        "lines": {"lines": [{**ln, "quantity": "3"} for ln in payload["lines"]]},
        "delivery_date": {"delivery_date": payload["delivery_date"].replace(day=1)
                          if payload["delivery_date"].day != 1 else
                          payload["delivery_date"].replace(day=2)},
        "instalments": {"instalments": [{"percent": "100", "trigger": "on_order"}]},
        "special_requirements": {"special_requirements": [
            {"kind": "packaging", "description": "木箱包装"}]},
        "tax_rate": {"tax_rate": value},
    }[field]
    edit(order, salesperson, customer, products, **changes)
    order.refresh_from_db()
    request.refresh_from_db()
    # then the round is void, the order back to draft, waiting tasks voided
    assert (order.status, request.status) == (State.DRAFT, RequestStatus.VOIDED)
    assert field.split(".")[0] in request.outcome_reason
    assert list(ApprovalStage.objects.filter(request=request).order_by("position")
                .values_list("status", flat=True)) == ["approved", "voided", "voided"]
    assert {t.status for t in ApprovalTask.objects.filter(pk__in=[t.pk for t in waiting])} \
        == {TaskStatus.VOIDED}
    event = AuditEvent.objects.get(object_id=str(order.pk), action="order.void_approval")
    assert (event.actor, event.from_state, event.to_state, event.data["voided"]) == (
        salesperson, State.IN_APPROVAL, State.DRAFT, [1])
    # everyone concerned is told: who approved, who waited, the Sales head
    told = set(Notification.objects.filter(kind="approval.voided")
               .values_list("recipient__username", flat=True))
    assert told == {"saleshead", "leader", "leader2"}


def test_a_non_commercial_edit_voids_nothing(started, chain_people, salesperson, customer,
                                             products):
    order, request = started
    approve(order, 1)
    edit(order, salesperson, customer, products, notes="客户要求来电确认",
         contact_phone="13900000000", customer_po="PO-2025-001")
    order.refresh_from_db()
    request.refresh_from_db()
    assert (order.status, request.status) == (State.IN_APPROVAL, RequestStatus.IN_PROGRESS)
    assert len(pending(order, 2)) == 2
    assert not Notification.objects.filter(kind="approval.voided").exists()


def test_approving_with_the_version_seen_before_an_edit_fails(started, chain_people,
                                                              salesperson, customer,
                                                              products):
    # the leader opens the order (version v); the salesperson then edits a note
    order, _request = started
    approve(order, 1)
    seen = Order.objects.get(pk=order.pk).version
    edit(order, salesperson, customer, products, notes="改了备注")
    task = pending(order, 2)[0]
    before = order_state(order.pk)
    with pytest.raises(Conflict):
        task_approve(task_id=task.pk, actor=task.assignee, seen_version=seen)
    assert order_state(order.pk) == before
    assert len(pending(order, 2)) == 2


def test_editing_above_a_threshold_after_approval_leaves_nothing_approved(
        started, chain_people, salesperson, customer, products):
    # given a fully approved order waiting for the signature
    order, request = started
    fully_approved(order)
    # when the amount is raised far above what was approved
    payload = order_payload(customer, products)
    edit(order, salesperson, customer, products,
         lines=[{**ln, "quantity": "5000"} for ln in payload["lines"]])
    order.refresh_from_db()
    request.refresh_from_db()
    # then the approval is void and cannot be signed
    assert (order.status, request.status) == (State.DRAFT, RequestStatus.VOIDED)
    assert not ApprovalRequest.objects.filter(
        order=order, status__in=[RequestStatus.APPROVED, RequestStatus.IN_PROGRESS]).exists()
    with pytest.raises(TransitionNotAllowed):
        order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])
    assert not SignOff.objects.exists()


def test_duplicating_an_approved_order_gives_a_draft_without_approval(
        started, chain_people, salesperson):
    order, _request = started
    fully_approved(order)
    order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])
    copy = order_duplicate(order_id=order.pk, actor=salesperson)
    assert copy.status == State.DRAFT
    assert not ApprovalRequest.objects.filter(order=copy).exists()
    assert not SignOff.objects.filter(order=copy).exists()
    assert not ApprovalTask.objects.filter(order=copy).exists()


def test_editing_after_sign_off_is_refused(started, chain_people, salesperson, customer,
                                           products):
    order, _request = started
    fully_approved(order)
    order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])
    before = order_state(order.pk)
    with pytest.raises(NotPermitted):
        edit(order, salesperson, customer, products, notes="签字后修改")
    assert order_state(order.pk) == before
    assert SignOff.objects.get(order=order).content_hash == \
        ApprovalRequest.objects.get(order=order).content_hash


def test_voiding_tells_the_people_copied(salesperson, customer, products, chain_people):
    watcher = make_user(Dept.PRODUCTION, Role.STAFF, username="watcher")
    set_steps(step("销售", "dept_head", department="sales",
                   cc=[{"kind": "user", "user": watcher.pk}]),
              step("财务", "dept_head", department="finance"))
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    payload = order_payload(customer, products)
    edit(order, salesperson, customer, products,
         lines=[{**ln, "unit_price": "1.00"} for ln in payload["lines"]])
    told = set(Notification.objects.filter(kind="approval.voided")
               .values_list("recipient__username", flat=True))
    assert told == {"saleshead", "watcher"}
