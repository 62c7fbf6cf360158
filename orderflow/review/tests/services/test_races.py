"""Concurrency on PostgreSQL: the last two opinions given at the same instant conclude
the review exactly once (the order row lock serialises opinions and conclusion)."""

import threading

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.approval.models import ApprovalRequest
from orderflow.audit.models import AuditEvent
from orderflow.audit.selectors import verify_chain
from orderflow.orders.domain.lifecycle import State
from orderflow.review.models import ReviewOpinion, ReviewReport
from orderflow.review.tests.support import give, ordinary_rule, started_review

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def _race(jobs) -> list:
    """Run each job(i) in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results[i] = jobs[i]()
        except Exception as exc:  # the outcome is what the test inspects
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def test_the_last_two_opinions_at_once_conclude_the_review_once(org, customer, products):
    # given a review waiting for its last two opinions
    ordinary_rule()
    review = started_review(org["salesperson"], customer, products)
    for dept in ["technology", "production", "quality"]:
        give(review, dept, org["reviewers"][dept]["staff"])
    last = {dept: org["reviewers"][dept]["staff"].pk for dept in ["procurement", "finance"]}

    def job(dept):
        return lambda: give(review, dept, User.objects.get(pk=last[dept]))

    # when Procurement and Finance give them at the same moment
    results = _race([job("procurement"), job("finance")])
    # then both are given, and the review concluded exactly once
    assert all(isinstance(r, ReviewOpinion) for r in results), results
    review.refresh_from_db()
    assert (review.status, review.order.status) == ("passed", State.IN_APPROVAL)
    assert ReviewReport.objects.filter(review=review).count() == 1
    assert ApprovalRequest.objects.filter(order=review.order).count() == 1
    assert AuditEvent.objects.filter(action="order.pass_review").count() == 1
    assert verify_chain().ok
