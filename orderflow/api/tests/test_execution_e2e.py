"""Issue 4 acceptance: one order from sign-off through release and every department's
execution records to "executed", over the JSON API as each department's users do it
(P4.1.2, P4.2.1, P5.1-P5.4), on PostgreSQL (and again on SQLite in the e2e run)."""

import pytest

from orderflow.audit.models import AuditEvent
from orderflow.testing.audit import verify_chain

from .flows import approve_and_sign_off, ok, release_and_execute
from .test_approval_api import approvers_fixture, in_approval_fixture  # noqa: F401
from .test_review_api import (  # noqa: F401  (fixtures)
    finance_head_fixture,
    frozen_fixture,
    plain_rule_fixture,
    reviewers_fixture,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_signed_off_order_released_executed_by_six_departments(
        in_approval, approvers, sales_head, salesperson, reviewers):
    order_id = in_approval.pk
    head = approve_and_sign_off(order_id, approvers, sales_head)
    release_and_execute(order_id, head, reviewers)
    assert ok(head.get(f"/api/orders/{order_id}"))["status"] == "executed"
    events = set(AuditEvent.objects.filter(object_id=str(order_id))
                 .values_list("action", flat=True))
    assert {"order.release", "order.start_execution", "order.complete_execution"} <= events
    assert verify_chain().ok
