"""Reading approvals (P4.1): inbox, board, sign-offs waiting, delegations; visibility."""

import datetime as dt

import pytest
import time_machine

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.approval.selectors import (
    all_delegations,
    approval_inbox,
    condition_fields,
    delegations_for,
    may_act,
    requests_for,
    signoffs_waiting,
    task_for,
)
from orderflow.approval.services import task_approve
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.orders.selectors import visible_to
from orderflow.testing.factories import make_user

from .conftest import in_approval, pending, start
from .test_start import set_steps, step
from .test_void import fully_approved

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2025, 3, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def delegate(principal, deputy, starts_on, ends_on):
    return Delegation.objects.create(principal=principal, deputy=deputy, starts_on=starts_on,
                                     ends_on=ends_on, created_by=principal,
                                     created_at=clock.now())


def test_inbox_of_the_assignee(started, chain_people):
    order, _request = started
    inbox = approval_inbox(chain_people["sales_head"])
    assert [(t.order, t.stage.position, t.acting_for) for t in inbox] == [(order, 1, None)]
    assert approval_inbox(chain_people["leader"]) == []
    assert may_act(chain_people["sales_head"], inbox[0]) is True
    assert may_act(chain_people["leader"], inbox[0]) is False


def test_inbox_of_a_deputy_follows_the_delegation(started, chain_people):
    # a Sales clerk (who does not see other people's orders) stands in for the Sales head
    order, _request = started
    clerk = make_user(Dept.SALES, Role.STAFF, username="clerk")
    today = clock.today()
    delegate(chain_people["sales_head"], clerk, today, today + dt.timedelta(days=2))
    inbox = approval_inbox(clerk)
    assert [(t.order, t.acting_for) for t in inbox] == [(order, chain_people["sales_head"])]
    assert task_for(clerk, inbox[0].pk) == inbox[0]
    assert list(visible_to(clerk)) == [order]
    # three days later the delegation is over: the item is back with the Sales head only
    with time_machine.travel(clock.now() + dt.timedelta(days=3)):
        assert approval_inbox(clerk) == []
        assert list(visible_to(clerk)) == []
        with pytest.raises(NotFound):
            task_for(clerk, inbox[0].pk)
        assert [t.order for t in approval_inbox(chain_people["sales_head"])] == [order]


def test_inbox_leaves_out_what_the_user_may_not_act_on(started, chain_people):
    # the Sales head approved step 1 and is deputy for a leader: not again on step 2
    order, _request = started
    task_approve(task_id=pending(order, 1)[0].pk, actor=chain_people["sales_head"])
    today = clock.today()
    delegate(chain_people["leader"], chain_people["sales_head"], today, today)
    assert approval_inbox(chain_people["sales_head"]) == []
    assert [t.stage.position for t in approval_inbox(chain_people["leader"])] == [2]


def test_inbox_is_bounded_and_soonest_first(salesperson, customer, products, chain_people):
    set_steps(step("销售", "dept_head", department="sales", time_limit_hours=8))
    orders = []
    for day in range(3):
        order = in_approval(salesperson, customer, products)
        with time_machine.travel(WEDNESDAY - dt.timedelta(days=day), tick=False):
            start(order, salesperson)
        orders.append(order)
    inbox = approval_inbox(chain_people["sales_head"], limit=2)
    assert [t.order for t in inbox] == [orders[2], orders[1]]


def test_board_shows_every_round_with_stages_and_tasks(started, chain_people,
                                                       django_assert_num_queries):
    order, _request = started
    task_approve(task_id=pending(order, 1)[0].pk, actor=chain_people["sales_head"],
                 comment="好")
    with django_assert_num_queries(4):  # requests, stages, tasks (people joined), in one go
        rounds = requests_for(chain_people["leader"], order)
        board = [(s.position, s.status, [(t.assignee.username, t.status, t.comment)
                                         for t in s.tasks.all()])
                 for s in rounds[0].stages.all()]
        assert rounds[0].started_by.username == "sales1"
    assert board == [
        (1, "approved", [("saleshead", "approved", "好")]),
        (2, "active", [("leader", "pending", ""), ("leader2", "pending", "")]),
        (3, "waiting", []),
    ]
    # someone who cannot see the order sees no rounds
    assert requests_for(make_user(Dept.SALES, Role.STAFF, username="x"), order) == []


def test_task_for_an_invisible_order_is_not_found(started):
    order, _request = started
    task = pending(order)[0]
    with pytest.raises(NotFound):
        task_for(make_user(Dept.MARKETING, Role.STAFF, username="mkt"), task.pk)


def test_an_assignee_outside_the_order_s_departments_sees_it(salesperson, customer,
                                                            products):
    # a named Sales colleague approves: Sales staff see only their own orders otherwise
    colleague = make_user(Dept.SALES, Role.STAFF, username="colleague")
    set_steps(step("同事复核", "user", user_id=colleague.pk))
    order = in_approval(salesperson, customer, products)
    assert list(visible_to(colleague)) == []
    start(order, salesperson)
    assert list(visible_to(colleague)) == [order]
    task_approve(task_id=pending(order)[0].pk, actor=colleague)


def test_signoffs_waiting(started, chain_people, salesperson):
    order, _request = started
    assert signoffs_waiting(chain_people["sales_head"]) == []
    fully_approved(order)
    assert signoffs_waiting(chain_people["sales_head"]) == [order]
    assert signoffs_waiting(salesperson) == []
    assert signoffs_waiting(chain_people["finance_head"]) == []
    clerk = make_user(Dept.SALES, Role.STAFF, username="clerk")
    delegate(chain_people["sales_head"], clerk, clock.today(), clock.today())
    assert signoffs_waiting(clerk) == [order]


def test_delegations_given_received_and_all(chain_people):
    today = clock.today()
    head, leader, clerk = (chain_people["sales_head"], chain_people["leader"],
                           make_user(Dept.SALES, Role.STAFF, username="clerk"))
    given = delegate(head, clerk, today, today)
    received = delegate(leader, head, today + dt.timedelta(days=1),
                        today + dt.timedelta(days=2))
    assert delegations_for(head) == [received, given]
    assert delegations_for(clerk) == [given]
    assert all_delegations(limit=1) == [received]


def test_condition_fields_for_the_chain_editor():
    fields = {f["name"]: f for f in condition_fields()}
    assert set(fields) == {"amount", "major", "customer_rating", "order_type"}
    assert [op for op, _symbol in fields["major"]["operators"]] == ["eq", "ne"]
    assert fields["customer_rating"]["choices"] == ["A", "B", "C", "D"]
