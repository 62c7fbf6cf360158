"""Given-steps for approval tests: the people of the default chain and an order in it.

Default chain (migration): 1 Sales head (single), 2 division leader (any), 3 Finance head.
"""

import pytest
from django.db import transaction
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.approval.services import approval_start
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import lock_order
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def finance_head(db):
    return make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead", full_name="赵敏")


@pytest.fixture
def leader2(db):
    return make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="leader2",
                     full_name="孙丽")


@pytest.fixture
def chain_people(sales_head, division_leader, leader2, finance_head):
    return {"sales_head": sales_head, "leader": division_leader, "leader2": leader2,
            "finance_head": finance_head}


def in_approval(owner, customer, products, **overrides):
    """Given: an order that passed review (its status set directly)."""
    return put_in_state(make_order(owner, customer, products, **overrides), State.IN_APPROVAL)


def start(order, actor):
    with transaction.atomic():
        request = approval_start(order=lock_order(order.pk, actor), actor=actor)
    order.refresh_from_db()
    return request


def pending(order, position=None):
    """The order's waiting tasks (of one step), by id."""
    qs = ApprovalTask.objects.filter(order=order, status=TaskStatus.PENDING)
    if position is not None:
        qs = qs.filter(stage__position=position)
    return list(qs.select_related("stage", "assignee").order_by("id"))


@pytest.fixture
def started(salesperson, customer, products, chain_people):
    """An order in approval with the default chain started by its salesperson."""
    order = in_approval(salesperson, customer, products)
    request = start(order, salesperson)
    return order, request
