"""Who may act on each step of the default chain (P4.1): a matrix generated from a table.

Steps: 1 Sales head (single), 2 division leader (any, 或签), 3 Finance head (single).
Kinds of people, for the task of the step:
- assignee: holds the task;
- deputy: named deputy of the assignee for dates covering today;
- deputy_before / deputy_after / deputy_revoked: a delegation not in force today;
- owner: the order's salesperson, holding the division leader role and named deputy of
  the assignee (no one approves their own order, even holding the role or as deputy);
- creator: created the order for the salesperson; otherwise as owner;
- someone_else: sees the order (Production) but has nothing to do with the step;
- acted_other_role: the Sales head, who approved step 1, named deputy of the assignee
  (no one acts on a step of a request they already acted on under another role).
A refused act raises NotPermitted and changes nothing.
"""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.approval.services import task_approve
from orderflow.core import clock
from orderflow.core.errors import NotPermitted
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_create
from orderflow.orders.tests.support import order_state, put_in_state
from orderflow.testing.factories import make_user, order_payload

from .conftest import pending, start
from .test_acts import approval_rows

pytestmark = pytest.mark.django_db

KINDS = ("assignee", "deputy", "deputy_before", "deputy_after", "deputy_revoked", "owner",
         "creator", "someone_else", "acted_other_role")
STEPS = (1, 2, 3)
ALLOWED = {"assignee", "deputy"}
NOT_APPLICABLE = {("acted_other_role", 1)}  # nobody acted before the first step

MATRIX = [(kind, position) for kind in KINDS for position in STEPS
          if (kind, position) not in NOT_APPLICABLE]


def delegate(principal, deputy, *, starts: int, ends: int, revoked=False):
    today = clock.today()
    return Delegation.objects.create(
        principal=principal, deputy=deputy, starts_on=today + dt.timedelta(days=starts),
        ends_on=today + dt.timedelta(days=ends), created_by=principal,
        created_at=clock.now(), revoked_at=clock.now() if revoked else None)


@pytest.fixture
def world(chain_people, customer, products):
    """An order of `owner` created by `creator`, in approval with the default chain."""
    creator = make_user(Dept.SALES, Role.STAFF, Role.DIVISION_LEADER, username="creator")
    owner = make_user(Dept.SALES, Role.STAFF, Role.DIVISION_LEADER, username="owner")
    order = order_create(actor=creator, **order_payload(customer, products,
                                                        salesperson_id=owner.pk))
    put_in_state(order, State.IN_APPROVAL)
    start(order, creator)
    return {**chain_people, "owner": owner, "creator": creator,
            "someone_else": make_user(Dept.PRODUCTION, Role.STAFF, username="prod"),
            "deputy": make_user(Dept.PRODUCTION, Role.STAFF, username="deputy"),
            "order": order}


def actor_for(kind, world, assignee):
    if kind == "assignee":
        return assignee
    if kind.startswith("deputy"):
        starts, ends = {"deputy": (-1, 1), "deputy_before": (1, 3),
                        "deputy_after": (-3, -1), "deputy_revoked": (-1, 1)}[kind]
        delegate(assignee, world["deputy"], starts=starts, ends=ends,
                 revoked=kind == "deputy_revoked")
        return world["deputy"]
    actor = world["sales_head" if kind == "acted_other_role" else kind]
    if kind in ("owner", "creator", "acted_other_role"):
        delegate(assignee, actor, starts=0, ends=0)
    return actor


@pytest.mark.parametrize(("kind", "position"), MATRIX, ids=[f"{k}-step{p}" for k, p in MATRIX])
def test_who_may_approve_a_step(kind, position, world):
    order = world["order"]
    # given the earlier steps approved by their assignees
    for earlier in range(1, position):
        task = pending(order, earlier)[0]
        task_approve(task_id=task.pk, actor=task.assignee)
    task = pending(order, position)[0]
    # the owner and creator hold the division leader role but got no task
    assert not ApprovalTask.objects.filter(order=order, assignee__in=[
        world["owner"], world["creator"]]).exists()
    actor = actor_for(kind, world, task.assignee)
    if kind not in ALLOWED:
        before, rows = order_state(order.pk), approval_rows(order)
        with pytest.raises(NotPermitted):
            task_approve(task_id=task.pk, actor=actor)
        assert (order_state(order.pk), approval_rows(order)) == (before, rows)
        return
    done = task_approve(task_id=task.pk, actor=actor)
    assert (done.status, done.acted_by) == (TaskStatus.APPROVED, actor)
    assert done.on_behalf_of == (task.assignee if kind == "deputy" else None)


def test_matrix_covers_every_kind_and_step():
    assert {k for k, _p in MATRIX} == set(KINDS)
    assert len(MATRIX) == len(KINDS) * len(STEPS) - len(NOT_APPLICABLE)
