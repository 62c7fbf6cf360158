"""Sign-off (P4.1.2): the Sales head (or deputy) signs the approved content."""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.approval.models import ApprovalRequest, RequestStatus, SignOff
from orderflow.approval.services import order_sign_off, task_approve
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.selectors import actions_for
from orderflow.orders.services import order_take_action
from orderflow.orders.services.content import content_hash
from orderflow.orders.tests.support import make_order, order_state, put_in_state
from orderflow.testing.factories import make_user

from .conftest import in_approval, pending, start
from .test_acts import approval_rows
from .test_start import set_steps, step
from .test_void import fully_approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(started):
    order, request = started
    return fully_approved(order), request


def test_the_sales_head_signs(waiting, chain_people, salesperson):
    order, request = waiting
    sign_off = order_sign_off(order_id=order.pk, actor=chain_people["sales_head"],
                              comment="同意下达")
    order.refresh_from_db()
    assert order.status == State.APPROVED
    assert (sign_off.request, sign_off.signed_by, sign_off.on_behalf_of, sign_off.comment) \
        == (request, chain_people["sales_head"], None, "同意下达")
    assert sign_off.content_hash == request.content_hash == content_hash(order)
    assert sign_off.signed_at is not None
    event = AuditEvent.objects.filter(object_id=str(order.pk)).latest("id")
    assert (event.action, event.data["content_hash"]) == ("order.sign_off",
                                                           request.content_hash)
    assert Notification.objects.filter(recipient=salesperson, kind="approval.signed").exists()


def test_the_action_button_signs_and_answers_the_order(waiting, chain_people):
    order, _request = waiting
    assert "sign_off" in actions_for(chain_people["sales_head"], order)
    result = order_take_action(order_id=order.pk, action="sign_off",
                               actor=chain_people["sales_head"], reason="")
    assert (result.pk, result.status) == (order.pk, State.APPROVED)


def test_the_sales_head_s_deputy_signs_on_their_behalf(waiting, chain_people):
    order, _request = waiting
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    today = clock.today()
    Delegation.objects.create(principal=chain_people["sales_head"], deputy=deputy,
                              starts_on=today, ends_on=today, created_by=deputy,
                              created_at=clock.now())
    sign_off = order_sign_off(order_id=order.pk, actor=deputy)
    assert (sign_off.signed_by, sign_off.on_behalf_of) == (deputy, chain_people["sales_head"])
    event = AuditEvent.objects.filter(object_id=str(order.pk)).latest("id")
    assert (event.actor, event.on_behalf_of) == (deputy, chain_people["sales_head"])


def test_a_deputy_whose_delegation_ended_may_not_sign(waiting, chain_people):
    order, _request = waiting
    deputy = make_user(Dept.FINANCE, Role.STAFF, username="deputy")
    today = clock.today()
    Delegation.objects.create(principal=chain_people["sales_head"], deputy=deputy,
                              starts_on=today - dt.timedelta(days=5),
                              ends_on=today - dt.timedelta(days=1), created_by=deputy,
                              created_at=clock.now())
    before = order_state(order.pk)
    with pytest.raises(NotPermitted):
        order_sign_off(order_id=order.pk, actor=deputy)
    assert order_state(order.pk) == before


@pytest.mark.parametrize("who", ["salesperson", "finance_head", "leader"])
def test_others_may_not_sign(who, waiting, chain_people, salesperson):
    order, _request = waiting
    actor = salesperson if who == "salesperson" else chain_people[who]
    before, rows = order_state(order.pk), approval_rows(order)
    with pytest.raises(NotPermitted):
        order_sign_off(order_id=order.pk, actor=actor)
    assert (order_state(order.pk), approval_rows(order)) == (before, rows)
    assert not SignOff.objects.exists()


def test_the_sales_head_does_not_sign_their_own_order(chain_people, customer, products):
    # given an order the Sales head took himself, approved by the Finance head alone
    set_steps(step("财务", "dept_head", department="finance"))
    order = in_approval(chain_people["sales_head"], customer, products)
    start(order, chain_people["sales_head"])
    task_approve(task_id=pending(order)[0].pk, actor=chain_people["finance_head"])
    order.refresh_from_db()
    assert order.status == State.AWAITING_SIGNOFF
    with pytest.raises(NotPermitted, match="own order"):
        order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])
    assert not SignOff.objects.exists()


def test_only_an_order_awaiting_sign_off_is_signed(started, chain_people):
    order, _request = started
    with pytest.raises(TransitionNotAllowed):
        order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])


def test_without_an_approved_round_there_is_nothing_to_sign(chain_people, salesperson,
                                                            customer, products):
    order = put_in_state(make_order(salesperson, customer, products), State.AWAITING_SIGNOFF)
    with pytest.raises(TransitionNotAllowed):
        order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])


def test_content_changed_behind_the_approval_cannot_be_signed(waiting, chain_people):
    order, _request = waiting
    order.lines.filter(position=1).update(unit_price=1)
    before = order_state(order.pk)
    with pytest.raises(Conflict):
        order_sign_off(order_id=order.pk, actor=chain_people["sales_head"])
    assert order_state(order.pk) == before
    assert not SignOff.objects.exists()


def test_sign_off_comment_is_bounded(waiting, chain_people):
    order, _request = waiting
    with pytest.raises(ValidationFailed):
        order_sign_off(order_id=order.pk, actor=chain_people["sales_head"],
                       comment="长" * 2001)


def test_the_sales_head_refuses_to_sign_with_a_reason(waiting, chain_people, salesperson):
    order, request = waiting
    order_take_action(order_id=order.pk, action="reject_approval",
                      actor=chain_people["sales_head"], reason="价格需重新确认")
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == State.APPROVAL_REJECTED
    assert (request.status, request.outcome_reason) == (RequestStatus.REJECTED,
                                                        "价格需重新确认")
    note = Notification.objects.get(recipient=salesperson, kind="approval.rejected")
    assert note.body == "价格需重新确认"
    # resubmitting starts round 2
    order_take_action(order_id=order.pk, action="resubmit_approval", actor=salesperson)
    assert list(ApprovalRequest.objects.filter(order=order).order_by("round")
                .values_list("round", "status")) == [(1, "rejected"), (2, "in_progress")]


def test_refusing_to_sign_needs_a_reason_and_the_right_person(waiting, chain_people):
    order, _request = waiting
    before = order_state(order.pk)
    with pytest.raises(ValidationFailed):
        order_take_action(order_id=order.pk, action="reject_approval",
                          actor=chain_people["sales_head"], reason=" ")
    with pytest.raises(NotPermitted):
        order_take_action(order_id=order.pk, action="reject_approval",
                          actor=chain_people["finance_head"], reason="不签")
    assert order_state(order.pk) == before
