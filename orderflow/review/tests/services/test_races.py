"""Concurrency on PostgreSQL: the last two opinions given at the same instant conclude
the review exactly once (the order row lock serialises opinions and conclusion)."""


import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.approval.models import ApprovalRequest
from orderflow.audit.models import AuditEvent
from orderflow.orders.domain.lifecycle import State
from orderflow.review.models import ReviewOpinion, ReviewReport
from orderflow.review.tests.support import give, ordinary_rule, started_review
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import race

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]




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
    results = race([job("procurement"), job("finance")])
    # then both are given, and the review concluded exactly once
    assert all(isinstance(r, ReviewOpinion) for r in results), results
    review.refresh_from_db()
    assert (review.status, review.order.status) == ("passed", State.IN_APPROVAL)
    assert ReviewReport.objects.filter(review=review).count() == 1
    assert ApprovalRequest.objects.filter(order=review.order).count() == 1
    assert AuditEvent.objects.filter(action="order.pass_review").count() == 1
    assert verify_chain().ok
