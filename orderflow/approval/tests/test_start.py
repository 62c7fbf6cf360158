"""Starting an approval round (P4.1.1): chain, conditions, assignees, deadlines, notices."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Department
from orderflow.approval.models import (
    ApprovalChain,
    ApprovalRequest,
    ApprovalStage,
    ApprovalStep,
    ApprovalTask,
    RequestStatus,
)
from orderflow.approval.services.assignees import department_heads, resolve_specs
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, TransitionNotAllowed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services.content import content_hash
from orderflow.orders.tests.support import make_order, order_state, put_in_state
from orderflow.review.models import Review
from orderflow.testing.factories import CustomerFactory, make_user

from .conftest import in_approval, pending, start

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY_9 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)


def set_steps(*steps, kind="order"):
    chain = ApprovalChain.objects.get(subject_kind=kind)
    chain.steps.all().delete()
    ApprovalStep.objects.bulk_create([ApprovalStep(chain=chain, position=i, **s)
                                      for i, s in enumerate(steps, start=1)])
    return chain


def step(name, kind="role", **fields):
    return {"name": name, "assignee_kind": kind, **fields}


def stages_of(request):
    return list(ApprovalStage.objects.filter(request=request).order_by("position")
                .values_list("position", "status", "skip_reason"))


def test_the_default_chain_starts_at_the_sales_head(started, chain_people, salesperson):
    # given an order in approval; when its approval starts (fixture)
    order, request = started
    # then round 1 is bound to the content, its first step active, the others waiting
    assert (request.round, request.status, request.chain_name, request.current_position) == (
        1, RequestStatus.IN_PROGRESS, "订单审批", 1)
    assert request.content_hash == content_hash(order)
    assert (request.subject_kind, request.subject_id, request.started_by) == (
        "order", order.pk, salesperson)
    assert stages_of(request) == [(1, "active", ""), (2, "waiting", ""), (3, "waiting", "")]
    assert [t.assignee for t in pending(order)] == [chain_people["sales_head"]]
    note = Notification.objects.get(recipient=chain_people["sales_head"])
    assert (note.kind, note.url) == ("approval.task", f"/orders/{order.pk}/")
    assert order.number in note.title and "销售部负责人审核" in note.title
    event = AuditEvent.objects.filter(object_id=str(order.pk)).latest("id")
    assert (event.action, event.data["round"], len(event.data["stages"])) == (
        "approval.started", 1, 3)
    # the order itself did not move
    assert order.status == State.IN_APPROVAL


def test_stage_snapshot_and_deadlines(salesperson, customer, products, chain_people):
    # given a step of 8 working hours, started on a Monday at 09:00 (Shanghai)
    order = in_approval(salesperson, customer, products)
    with time_machine.travel(MONDAY_9, tick=False):
        request = start(order, salesperson)
    stage = ApprovalStage.objects.get(request=request, position=1)
    # then: due after 8 working hours (08:30-12:00, 13:30-18:00): 7.5 on Monday, 0.5 on
    # Tuesday; reminded 2 hours before; the division leader 4 working hours after
    assert stage.activated_at == MONDAY_9
    assert (stage.remind_at, stage.due_at, stage.escalate_at) == (
        dt.datetime(2025, 3, 3, 16, 30, tzinfo=SHANGHAI),
        dt.datetime(2025, 3, 4, 9, 0, tzinfo=SHANGHAI),
        dt.datetime(2025, 3, 4, 14, 30, tzinfo=SHANGHAI))
    assert stage.spec == {"assignee_kind": "dept_head", "role": "", "department": "sales",
                          "user_id": None, "conditions": [], "cc": [], "time_limit_hours": 8}
    task = ApprovalTask.objects.get(stage=stage)
    assert (task.created_at, task.request, task.order_id) == (MONDAY_9, request, order.pk)


def test_rounds_count_up(salesperson, customer, products, chain_people):
    order = in_approval(salesperson, customer, products)
    first = start(order, salesperson)
    ApprovalRequest.objects.filter(pk=first.pk).update(status=RequestStatus.REJECTED)
    second = start(order, salesperson)
    assert (first.round, second.round) == (1, 2)


def test_a_second_round_while_one_is_in_progress_is_refused(started, salesperson):
    order, _request = started
    before = order_state(order.pk)
    with pytest.raises(Conflict):
        start(order, salesperson)
    assert ApprovalRequest.objects.filter(order=order).count() == 1
    assert order_state(order.pk) == before


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.AWAITING_SIGNOFF])
def test_only_an_order_in_approval_starts_a_round(state, salesperson, customer, products,
                                                  chain_people):
    order = put_in_state(make_order(salesperson, customer, products), state)
    with pytest.raises(TransitionNotAllowed):
        start(order, salesperson)
    assert not ApprovalRequest.objects.filter(order=order).exists()


# -- conditions: which steps apply ------------------------------------------------------

def test_conditions_include_or_skip_steps_with_the_reason(salesperson, customer, products,
                                                          chain_people):
    # given: the leader only for 100,000 and more, Finance only for C/D customers or
    # customised orders of a major review
    set_steps(
        step("销售", "dept_head", department="sales"),
        step("领导", role="division_leader", mode="any",
             conditions=[{"field": "amount", "op": "gte", "value": "100000"}]),
        step("财务", "dept_head", department="finance",
             conditions=[{"field": "customer_rating", "op": "in", "value": ["C", "D"]}]),
        step("重大", "dept_head", department="finance",
             conditions=[{"field": "major", "op": "eq", "value": True},
                         {"field": "order_type", "op": "eq", "value": "customised"}]),
    )
    # an order of 4,520.00 with tax for an A customer, standard, not major
    order = in_approval(salesperson, customer, products)
    assert order.total_gross == Decimal("4520.00")
    request = start(order, salesperson)
    assert stages_of(request) == [
        (1, "active", ""),
        (2, "skipped", "amount ≥ 100000"),
        (3, "skipped", "customer_rating ∈ C, D"),
        (4, "skipped", "major = yes"),
    ]


def test_facts_come_from_the_order_customer_and_latest_review(salesperson, products,
                                                              chain_people):
    set_steps(
        step("领导", role="division_leader",
             conditions=[{"field": "amount", "op": "gt", "value": "4519.99"}]),
        step("财务", "dept_head", department="finance",
             conditions=[{"field": "customer_rating", "op": "eq", "value": "C"}]),
        step("重大", "dept_head", department="finance",
             conditions=[{"field": "major", "op": "eq", "value": True},
                         {"field": "order_type", "op": "eq", "value": "customised"}]),
    )
    order = in_approval(salesperson, CustomerFactory(credit_rating="C"), products,
                        order_type="customised")
    for round_, major in ((1, False), (2, True)):
        Review.objects.create(order=order, subject_id=order.pk, round=round_, is_major=major,
                              content_hash="x", started_by=salesperson,
                              started_at=order.created_at)
    request = start(order, salesperson)
    assert [s[1] for s in stages_of(request)] == ["active", "waiting", "waiting"]


def test_with_every_step_skipped_the_round_is_approved_at_once(salesperson, customer,
                                                               products, chain_people):
    set_steps(step("大额", "dept_head", department="finance",
                   conditions=[{"field": "amount", "op": "gte", "value": "1000000"}]))
    order = in_approval(salesperson, customer, products)
    request = start(order, salesperson)
    request.refresh_from_db()
    assert (request.status, order.status) == (RequestStatus.APPROVED, State.AWAITING_SIGNOFF)
    assert not ApprovalTask.objects.filter(request=request).exists()


def test_an_invalid_stored_condition_is_a_clear_conflict(salesperson, customer, products,
                                                         chain_people):
    set_steps(step("坏", "dept_head", department="sales",
                   conditions=[{"field": "weight", "op": "gt", "value": "1"}]))
    order = in_approval(salesperson, customer, products)
    with pytest.raises(Conflict, match=r"坏.*invalid condition"):
        start(order, salesperson)
    assert not ApprovalRequest.objects.filter(order=order).exists()


def test_no_chain_is_a_clear_conflict(salesperson, customer, products):
    ApprovalChain.objects.filter(subject_kind="order").delete()
    order = in_approval(salesperson, customer, products)
    with pytest.raises(Conflict, match="No approval chain"):
        start(order, salesperson)


# -- who gets the tasks -----------------------------------------------------------------

def test_an_included_step_nobody_can_approve_is_an_error_the_admin_sees(
        salesperson, customer, products, sales_head, division_leader):
    # given no Finance head at all
    order = in_approval(salesperson, customer, products)
    before = order_state(order.pk)
    with pytest.raises(Conflict) as exc, translation.override("en"):
        start(order, salesperson)
    # then the message names the step and whom it looks for; nothing is written
    assert str(exc.value.message).startswith(
        "Approval step “财务部审核” has no one who may approve it (head of Finance).")
    assert not ApprovalRequest.objects.filter(order=order).exists()
    assert not Notification.objects.exists()
    assert order_state(order.pk) == before


def test_a_skipped_step_nobody_could_approve_is_no_error(salesperson, customer, products,
                                                         sales_head):
    set_steps(step("销售", "dept_head", department="sales"),
              step("财务", "dept_head", department="finance",
                   conditions=[{"field": "amount", "op": "gt", "value": "99999999"}]))
    order = in_approval(salesperson, customer, products)
    request = start(order, salesperson)
    assert [s[1] for s in stages_of(request)] == ["active", "skipped"]


def test_the_salesperson_is_never_an_approver_even_holding_the_role(customer, products,
                                                                    sales_head):
    # given a salesperson who is also the only division leader
    seller = make_user(Dept.SALES, Role.STAFF, Role.DIVISION_LEADER, username="seller")
    set_steps(step("领导", role="division_leader", mode="any"))
    order = in_approval(seller, customer, products)
    with pytest.raises(Conflict, match="no one who may approve"):
        start(order, seller)
    # with a second leader, only that one gets the task
    other = make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="other")
    start(order, seller)
    assert [t.assignee for t in pending(order)] == [other]


@pytest.mark.parametrize(("mode", "expected"), [("single", 1), ("all", 3), ("any", 3)])
def test_group_modes_get_tasks(mode, expected, salesperson, customer, products):
    leaders = [make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username=f"l{i}")
               for i in range(3)]
    set_steps(step("领导", role="division_leader", mode=mode))
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    # single mode with several candidates: the first by id (the longest-standing holder)
    assert [t.assignee for t in pending(order)] == leaders[:expected]


def test_role_within_a_department_and_named_user(salesperson, customer, products):
    finance_staff = make_user(Dept.FINANCE, Role.STAFF, username="fin")
    make_user(Dept.QUALITY, Role.STAFF, username="quality")
    named = make_user(Dept.LOGISTICS, Role.STAFF, username="named")
    set_steps(step("财务会签", role="staff", department="finance", mode="all"),
              step("指定", "user", user_id=named.pk))
    order = in_approval(salesperson, customer, products)
    request = start(order, salesperson)
    assert [t.assignee for t in pending(order)] == [finance_staff]
    assert ApprovalStage.objects.get(request=request, position=2).spec["user_id"] == named.pk


def test_cc_is_resolved_at_activation(salesperson, customer, products, sales_head,
                                      finance_head):
    watcher = make_user(Dept.PRODUCTION, Role.STAFF, username="watch")
    set_steps(step("销售", "dept_head", department="sales",
                   cc=[{"kind": "user", "user": watcher.pk},
                       {"kind": "dept_head", "department": "finance"}]))
    order = in_approval(salesperson, customer, products)
    request = start(order, salesperson)
    stage = ApprovalStage.objects.get(request=request)
    assert stage.cc_user_ids == sorted([watcher.pk, finance_head.pk])


def test_department_heads_match_the_accounts_selector(sales_head, finance_head):
    from orderflow.accounts.selectors import department_head

    named = make_user(Dept.QUALITY, Role.STAFF, username="qhead")
    Department.objects.filter(code=Dept.QUALITY).update(head=named)
    codes = ["sales", "finance", "quality", "archive"]
    heads = department_heads(codes)
    assert {c: heads.get(c) for c in codes} == {c: department_head(c) for c in codes}
    assert resolve_specs([{"kind": "dept_head", "department": "quality"},
                          {"kind": "user", "user": 999999}]) == [[named], []]


# -- query count: constant in the number of steps --------------------------------------

def _start_queries(salesperson, customer, products, n_steps):
    steps = [step("销售", "dept_head", department="sales", time_limit_hours=8)]
    steps += [step(f"领导{i}", role="division_leader", mode="any", time_limit_hours=8,
                   cc=[{"kind": "dept_head", "department": "finance"}])
              for i in range(n_steps - 2)]
    steps += [step("财务", "dept_head", department="finance", time_limit_hours=8,
                   conditions=[{"field": "amount", "op": "gte", "value": "1"}])]
    set_steps(*steps)
    order = in_approval(salesperson, customer, products)
    with CaptureQueriesContext(connection) as ctx:
        start(order, salesperson)
    return [q["sql"] for q in ctx.captured_queries]


def test_start_costs_the_same_for_3_and_6_steps(salesperson, customer, products,
                                                chain_people):
    _start_queries(salesperson, customer, products, 3)  # warm-up (audit head, roles)
    three = _start_queries(salesperson, customer, products, 3)
    six = _start_queries(salesperson, customer, products, 6)
    assert len(three) == len(six), "\n".join(six)
    assert len(six) <= 32, "\n".join(six)  # 30 today, incl. the test's lock and savepoints
