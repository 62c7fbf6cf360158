"""Concurrent writers on one order (P5.1, P5.4.1), real threads on PostgreSQL: every write
locks the order, then the package, then the record, so positions stay unique and a
request is answered once."""

from functools import partial

import pytest
from django.db import connection

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.execution.models.production import ProductionTask
from orderflow.execution.models.technology import SupportRequest
from orderflow.execution.services.production import production_task_add
from orderflow.execution.services.technology import (
    support_request_answer,
    support_request_raise,
)
from orderflow.testing.audit import verify_chain
from orderflow.testing.execution import released_order
from orderflow.testing.factories import make_user
from orderflow.testing.race import race

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def _race(people, work) -> list:
    def job(i):
        return work(User.objects.get(pk=people[i].pk), i)

    return race([partial(job, i) for i in range(len(people))])


def test_two_planners_add_tasks_at_once_and_get_distinct_positions_p5_1_1(
        salesperson, sales_head, customer, products):
    planners = [make_user(Dept.PRODUCTION, Role.STAFF, username=f"planner{i}")
                for i in range(3)]
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production"])
    today = clock.today()
    outcome = _race(planners, lambda user, i: production_task_add(
        order_id=order.pk, actor=user, name=f"任务 {i}", starts_on=today, ends_on=today,
        team="一车间"))
    assert all(isinstance(r, ProductionTask) for r in outcome), outcome
    assert sorted(ProductionTask.objects.filter(order=order)
                  .values_list("position", flat=True)) == [1, 2, 3]
    assert verify_chain().ok


def test_two_technologists_answer_at_once_and_one_wins_p5_4_1(salesperson, sales_head,
                                                              customer, products):
    asker = make_user(Dept.PRODUCTION, Role.STAFF, username="asker")
    experts = [make_user(Dept.TECHNOLOGY, Role.STAFF, username=f"expert{i}")
               for i in range(2)]
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production", "technology"])
    request = support_request_raise(order_id=order.pk, actor=asker, subject="图纸",
                                    description="公差")
    outcome = _race(experts, lambda user, i: support_request_answer(
        request_id=request.pk, actor=user, answer=f"答复 {i}"))
    assert sorted(type(r).__name__ for r in outcome) == ["SupportRequest",
                                                          "TransitionNotAllowed"]
    winner = next(r for r in outcome if isinstance(r, SupportRequest))
    stored = SupportRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.answered_by_id) == ("answered", winner.answered_by_id)
    assert any(isinstance(r, TransitionNotAllowed) for r in outcome)
