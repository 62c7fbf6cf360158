"""Taking lifecycle actions through the services (P1.3.1, P1.3.2): reason, who, bookkeeping.

The permission matrix is generated from two hand-written tables: who each action is
for, and which states each kind of user can see. An action someone may not see is 404,
one they may see but not take is 403; neither changes anything.
"""

import pytest
import rules
from django.db import transaction

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalRequest, RequestStatus
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.intake.services.check import order_check
from orderflow.orders.domain.lifecycle import ACTIONS, Actor, State
from orderflow.orders.permissions import ACTOR_RULES
from orderflow.orders.selectors import actions_for
from orderflow.orders.services import (
    ACTION_HANDLERS,
    apply_transition,
    lock_order,
    order_take_action,
)
from orderflow.orders.services.content import content_hash
from orderflow.orders.tests.support import make_order, order_state, put_in_state, row_counts
from orderflow.testing.factories import CustomerFactory, make_user

pytestmark = pytest.mark.django_db

KINDS = ("owner", "other_sales", "sales_head", "division_leader", "production")

# Who may take each action (P1.3.2), by kind of user. Steps the later capabilities
# own (review, approval, execution, settlement, archive) are nobody's yet.
MAY_TAKE = {
    "check": {"owner", "sales_head"},
    "accept_escalation": {"division_leader"},
    "decline_escalation": {"division_leader"},
    "reopen": {"owner", "sales_head"},
    "start_review": {"owner", "sales_head"},
    "pass_review": set(),
    "fail_review": set(),
    "renegotiate": {"owner", "sales_head"},
    "complete_approval": set(),
    "reject_approval": set(),
    "resubmit_approval": {"owner", "sales_head"},
    "void_approval": set(),
    "sign_off": {"sales_head"},
    "release": {"sales_head"},
    "start_execution": set(),
    "complete_execution": set(),
    "start_settlement": {"owner", "sales_head"},
    "settle": set(),  # the system, once audited, invoiced and collected (P7.2.2)
    "archive": {"owner", "sales_head"},  # and the Archive department (P9.1.1)
    "request_change": {"owner", "sales_head"},
    "approve_change": set(),
    "reject_change": set(),
    "request_cancellation": {"owner", "sales_head"},
    "approve_cancellation": set(),
    "reject_cancellation": set(),
    "cancel": {"owner", "sales_head"},
}

# Where an action's people differ by state: awaiting sign-off, the Sales head refuses to
# sign with reject_approval (P4.1.2); in approval it is whoever holds a waiting task.
MAY_TAKE_IN = {("reject_approval", State.AWAITING_SIGNOFF): {"sales_head"}}


def may_take_in(kind: str, action: str, state: State) -> bool:
    return kind in MAY_TAKE_IN.get((action, state), MAY_TAKE[action])


# Production sees an order once it leaves Sales for review (P3.3.1).
PRODUCTION_HIDDEN = {State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
                     State.DECLINED}


def sees(kind: str, state: State) -> bool:
    if kind == "other_sales":
        return False
    if kind == "production":  # nor an archived one (P9.2.1)
        return state not in PRODUCTION_HIDDEN and state != State.ARCHIVED
    return True


@pytest.fixture
def people(salesperson, sales_head, division_leader):
    # the default approval chain's Finance head, so that a resubmission can start a round
    make_user(Dept.FINANCE, Role.DEPT_HEAD, username="fhead")
    return {"owner": salesperson, "sales_head": sales_head, "division_leader": division_leader,
            "other_sales": make_user(Dept.SALES, Role.STAFF, username="sales2"),
            "production": make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")}


def order_ready_for(action: str, owner, products):
    """An order in the first state the action starts from (escalations really escalated)."""
    source = ACTIONS[action].sources[0]
    if source == State.ESCALATED:
        order = make_order(owner, CustomerFactory(credit_rating="D"), products)
        order_check(order_id=order.pk, actor=owner)
        order.refresh_from_db()
        return order
    resume = State.APPROVED if source in (State.CHANGE_REVIEW, State.CANCELLATION_REVIEW) \
        else ""
    order = put_in_state(make_order(owner, CustomerFactory(), products), source, resume)
    if source == State.AWAITING_SIGNOFF:  # the approved round the Sales head signs (P4.1.2)
        ApprovalRequest.objects.create(
            order=order, subject_id=order.pk, round=1, chain_name="订单审批",
            status=RequestStatus.APPROVED, content_hash=content_hash(order),
            started_by=owner, started_at=order.created_at)
    return order


def take(action: str, order_id: int, actor):
    """Through the registered service if there is one, else the backbone recipe itself."""
    if action in ACTION_HANDLERS:
        return order_take_action(order_id=order_id, action=action, actor=actor,
                                 reason="测试原因")
    with transaction.atomic():
        order = lock_order(order_id, actor)
        target = ACTIONS[action].targets[0]
        return apply_transition(order, action, actor, reason="测试原因",
                                target=None if target == "<resume>" else target)


MATRIX = [(kind, action) for action in ACTIONS for kind in KINDS]


def test_matrix_table_covers_every_action():
    assert set(MAY_TAKE) == set(ACTIONS)
    assert {k for allowed in MAY_TAKE.values() for k in allowed} <= set(KINDS)


@pytest.mark.parametrize(("kind", "action"), MATRIX, ids=[f"{k}-{a}" for k, a in MATRIX])
def test_permission_matrix(kind, action, people, products):
    # given an order in a state the action starts from
    order = order_ready_for(action, people["owner"], products)
    actor = people[kind]
    before, counts = order_state(order.pk), row_counts()
    if not sees(kind, order.status):
        expected_error = NotFound
    elif kind not in MAY_TAKE[action]:
        expected_error = NotPermitted
    else:
        expected_error = None
    # when / then
    if expected_error is not None:
        with pytest.raises(expected_error):
            take(action, order.pk, actor)
        assert order_state(order.pk) == before
        assert row_counts() == counts
        return
    from_state = order.status
    take(action, order.pk, actor)
    order.refresh_from_db()
    assert order.status != from_state or action == "check"
    assert order.version == before["row"]["version"] + 1
    # the transition's event (approval records its own "approval.*" events on the order)
    event = AuditEvent.objects.filter(object_type="orders.order", object_id=str(order.pk),
                                      action__startswith="order.").latest("id")
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        f"order.{action}", actor, from_state, order.status)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("state", [State.DRAFT, State.CHECKED, State.ESCALATED,
                                   State.APPROVAL_REJECTED, State.AWAITING_SIGNOFF])
def test_buttons_are_the_table_s_actions_the_user_may_take(kind, state, people, customer,
                                                           products):
    order = put_in_state(make_order(people["owner"], customer, products), state)
    expected = [a for a in ACTIONS if state in ACTIONS[a].sources
                and may_take_in(kind, a, state) and a in ACTION_HANDLERS]
    assert actions_for(people[kind], order) == expected


def test_buttons_for_the_owner_of_a_draft(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    assert actions_for(salesperson, order) == ["check", "cancel"]


@pytest.mark.parametrize("state", [State.DRAFT, State.AWAITING_CUSTOMER, State.CHECKED,
                                   State.REVIEW_FAILED, State.APPROVAL_REJECTED])
def test_cancel_with_a_reason(state, salesperson, customer, products):
    order = put_in_state(make_order(salesperson, customer, products), state)
    order_take_action(order_id=order.pk, action="cancel", actor=salesperson,
                      reason="  客户取消采购计划  ")
    order.refresh_from_db()
    assert order.status == State.CANCELLED
    event = AuditEvent.objects.filter(object_type="orders.order",
                                      object_id=str(order.pk)).latest("id")
    assert (event.action, event.from_state, event.to_state, event.data) == (
        "order.cancel", state, "cancelled", {"reason": "客户取消采购计划"})


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_cancel_needs_a_reason(reason, salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(ValidationFailed) as exc:
        order_take_action(order_id=order.pk, action="cancel", actor=salesperson, reason=reason)
    assert set(exc.value.errors) == {"reason"}
    assert (order_state(order.pk), row_counts()) == (before, counts)


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.RELEASED, State.CANCELLED,
                                   State.ARCHIVED, State.DECLINED])
def test_direct_cancel_is_refused_once_review_began_or_closed(state, salesperson, customer,
                                                              products):
    order = put_in_state(make_order(salesperson, customer, products), state)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(TransitionNotAllowed):
        order_take_action(order_id=order.pk, action="cancel", actor=salesperson, reason="x")
    assert (order_state(order.pk), row_counts()) == (before, counts)


def test_reopen_a_checked_order_for_editing(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    order_check(order_id=order.pk, actor=salesperson)
    order_take_action(order_id=order.pk, action="reopen", actor=salesperson)
    order.refresh_from_db()
    assert (order.status, order.version) == (State.DRAFT, 3)


def test_unknown_and_not_yet_implemented_actions(salesperson, customer, products):
    order = put_in_state(make_order(salesperson, customer, products), State.CHECKED)
    before = order_state(order.pk)
    with pytest.raises(NotFound):
        order_take_action(order_id=order.pk, action="teleport", actor=salesperson)
    assert "settle" not in ACTION_HANDLERS
    with pytest.raises(TransitionNotAllowed):
        order_take_action(order_id=order.pk, action="settle", actor=salesperson)
    assert order_state(order.pk) == before


def test_side_path_remembers_and_restores_the_state(salesperson, customer, products,
                                                    monkeypatch):
    # given a released order; approvers are a later capability, so let anyone approve here
    monkeypatch.setitem(ACTOR_RULES, Actor.APPROVER, rules.always_allow)
    order = put_in_state(make_order(salesperson, customer, products), State.RELEASED)
    # when a change is requested
    with transaction.atomic():
        apply_transition(lock_order(order.pk, salesperson), "request_change", salesperson,
                         reason="客户要求增加数量")
    order.refresh_from_db()
    assert (order.status, order.resume_status) == (State.CHANGE_REVIEW, State.RELEASED)
    # and approved: back where it was, bookkeeping cleared
    with transaction.atomic():
        apply_transition(lock_order(order.pk, salesperson), "approve_change", salesperson)
    order.refresh_from_db()
    assert (order.status, order.resume_status) == (State.RELEASED, "")


def test_resume_without_a_recorded_state_is_refused(salesperson, customer, products,
                                                     monkeypatch):
    monkeypatch.setitem(ACTOR_RULES, Actor.APPROVER, rules.always_allow)
    order = put_in_state(make_order(salesperson, customer, products), State.CHANGE_REVIEW)
    before = order_state(order.pk)
    with pytest.raises(TransitionNotAllowed), transaction.atomic():
        apply_transition(lock_order(order.pk, salesperson), "reject_change", salesperson,
                         reason="不可行")
    assert order_state(order.pk) == before


def test_permission_is_checked_before_the_state(salesperson, customer, products):
    # Sales may never accept an escalation: the answer is 403 whatever the state is
    order = make_order(salesperson, customer, products)
    before = order_state(order.pk)
    with pytest.raises(NotPermitted):
        order_take_action(order_id=order.pk, action="accept_escalation", actor=salesperson,
                          reason="x")
    assert order_state(order.pk) == before


def test_intake_registers_its_handlers_when_django_starts():
    # registered by IntakeConfig.ready(), not by whoever happens to import the module
    assert {"check", "accept_escalation", "decline_escalation", "cancel", "reopen",
            "renegotiate"} <= set(ACTION_HANDLERS)
