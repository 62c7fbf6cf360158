"""Two approvers of an "any one" (或签) step approve at the same instant (P4.1).

Real threads, each with its own database connection, committing for real: the order row
lock taken first by every approval act serialises them, so exactly one approval counts.
"""

from functools import partial

import pytest
from django.db import connection

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.approval.models import ApprovalStage, ApprovalTask, StageStatus, TaskStatus
from orderflow.approval.services import task_approve
from orderflow.approval.tests.conftest import in_approval, pending, start
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, TransitionNotAllowed
from orderflow.orders.domain.lifecycle import State
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import make_user
from orderflow.testing.race import race

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def test_two_approvers_of_an_any_one_step_at_once(salesperson, sales_head, customer,
                                                   products):
    # given the default chain: step 2 is "any one of the division leaders" (或签)
    leaders = [make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username=f"leader{i}")
               for i in range(2)]
    make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead")
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    task_approve(task_id=pending(order, 1)[0].pk, actor=sales_head)
    tasks = {t.assignee_id: t.pk for t in pending(order, 2)}
    assert set(tasks) == {u.pk for u in leaders}
    stage = ApprovalStage.objects.get(request__order=order, position=2)

    # when both leaders approve their own task at the same instant
    def approve(user, _i):
        return task_approve(task_id=tasks[user.pk], actor=user, comment="同意")

    outcome = _race(leaders, approve)

    # then exactly one approval counts; the other is told the step was decided
    winners = [r for r in outcome if isinstance(r, ApprovalTask)]
    losers = [r for r in outcome if isinstance(r, TransitionNotAllowed | Conflict)]
    assert (len(winners), len(losers)) == (1, 1), outcome
    assert losers[0].http_status == 409
    statuses = sorted(ApprovalTask.objects.filter(stage=stage).values_list("status", flat=True))
    assert statuses == [TaskStatus.APPROVED, TaskStatus.CLOSED]
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED
    # the step completed once: one task for step 3, one approval event for step 2
    assert ApprovalTask.objects.filter(request__order=order, stage__position=3).count() == 1
    assert AuditEvent.objects.filter(object_id=str(order.pk), action="approval.approved",
                                     data__step=2).count() == 1
    order.refresh_from_db()
    assert order.status == State.IN_APPROVAL
    assert verify_chain().ok


def _race(people, work) -> list:
    """One thread per person, each with its own user object; work(user, i) in each."""
    def job(i):
        return work(User.objects.get(pk=people[i].pk), i)

    return race([partial(job, i) for i in range(len(people))])
