"""Two departments complete the last two work packages at the same instant (P5).

Real threads, each with its own connection, committing for real: every package action
locks the order row first and counts the undone packages under that lock, so the order
becomes executed exactly once, by whichever commits second.
"""

from functools import partial

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.audit.models import AuditEvent
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.release.models import WorkPackage
from orderflow.release.services import package_complete, package_start
from orderflow.release.tests.test_release import members, released_order
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import race

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


@pytest.mark.usefixtures("without_completion_guards")
def test_two_departments_complete_the_last_packages_at_once(salesperson, sales_head,
                                                            customer, products):
    # given an order in execution with two packages, both in progress
    people = members("production", "quality")
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production", "quality"])
    packages = {code: WorkPackage.objects.get(order=order, department__code=code).pk
                for code in people}
    for code, user in people.items():
        package_start(package_id=packages[code], actor=user)
    assert Order.objects.get(pk=order.pk).status == State.IN_EXECUTION

    # when both departments complete their package at the same instant
    codes = list(people)
    outcome = _race([people[c] for c in codes],
                    lambda user, i: package_complete(package_id=packages[codes[i]], actor=user))

    # then both succeed and the order became executed exactly once
    assert all(isinstance(r, WorkPackage) for r in outcome), outcome
    assert sorted(WorkPackage.objects.filter(order=order).values_list("status", flat=True)) \
        == ["done", "done"]
    assert Order.objects.get(pk=order.pk).status == State.EXECUTED
    assert AuditEvent.objects.filter(object_id=str(order.pk),
                                     action="order.complete_execution").count() == 1
    assert verify_chain().ok


def _race(people, work) -> list:
    """One thread per person, each with its own user object; work(user, i) in each."""
    def job(i):
        return work(User.objects.get(pk=people[i].pk), i)

    return race([partial(job, i) for i in range(len(people))])
