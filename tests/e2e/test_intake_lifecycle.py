"""Whole intake lifecycles through the services (P2), on PostgreSQL and on SQLite."""

import datetime as dt
from decimal import Decimal

import pytest

from orderflow.core.errors import TransitionNotAllowed
from orderflow.intake.models import CheckReport, Escalation
from orderflow.intake.services import communication_log, escalation_decide, order_check
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_create, order_take_action, order_update
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import CustomerFactory, order_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_incomplete_order_goes_to_customer_and_back_then_passes(salesperson, customer,
                                                                products):
    # Given an order recorded without phone or delivery place (P2.2.1)
    order = order_create(actor=salesperson, **order_payload(
        customer, products, contact_phone="", delivery_place=""))
    # When Sales runs the preliminary check (P2.3.1)
    order = order_check(order_id=order.pk, actor=salesperson)
    # Then it waits for the customer, with both gaps explained (P2.3.2)
    assert order.status == State.AWAITING_CUSTOMER
    report = CheckReport.objects.get(order=order)
    missing = {f["field"] for f in report.findings if f["severity"] == "missing"}
    assert missing == {"contact_phone", "delivery_place"}
    # When Sales logs the call and completes the order, and checks again
    communication_log(order_id=order.pk, actor=salesperson, channel="phone",
                      summary="客户补充了电话和交货地点")
    order_update(order_id=order.pk, actor=salesperson, **order_payload(customer, products))
    order = order_check(order_id=order.pk, actor=salesperson)
    # Then it passes
    assert order.status == State.CHECKED
    assert CheckReport.objects.filter(order=order).count() == 2
    assert verify_chain().ok


def test_poor_credit_escalates_and_management_accepts(salesperson, division_leader, products):
    # Given a customer whose outstanding receivables leave no room (P2.3.2)
    customer = CustomerFactory(credit_limit=Decimal("10000"),
                               receivables_outstanding=Decimal("9000"))
    order = order_create(actor=salesperson, **order_payload(customer, products))
    # When the check runs
    order = order_check(order_id=order.pk, actor=salesperson)
    # Then management must decide
    assert order.status == State.ESCALATED
    escalation = Escalation.objects.get(order=order)
    assert escalation.reasons == ["credit_limit_exceeded"]
    # When the division leader accepts with a reason
    order = escalation_decide(order_id=order.pk, actor=division_leader, accept=True,
                              reason="老客户，已承诺月底付款")
    # Then the order is checked and the decision recorded
    assert order.status == State.CHECKED
    escalation.refresh_from_db()
    assert (escalation.decision, escalation.decided_by) == ("accepted", division_leader)


def test_tight_delivery_escalates_and_is_declined(salesperson, division_leader, customer,
                                                  products):
    tight = dt.date.today() + dt.timedelta(days=3)  # products need 10 days (P2.3.1)
    order = order_create(actor=salesperson, **order_payload(customer, products,
                                                            delivery_date=tight))
    order = order_check(order_id=order.pk, actor=salesperson)
    assert order.status == State.ESCALATED
    order = order_take_action(order_id=order.pk, action="decline_escalation",
                              actor=division_leader, reason="交期无法满足")
    assert order.status == State.DECLINED
    # A declined order is final: nothing more can be done with it
    with pytest.raises(TransitionNotAllowed):
        order_take_action(order_id=order.pk, action="check", actor=salesperson)
    assert Order.objects.get(pk=order.pk).status == State.DECLINED


def test_checked_order_reopened_edited_and_cancelled(salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    order = order_check(order_id=order.pk, actor=salesperson)
    assert order.status == State.CHECKED
    order = order_take_action(order_id=order.pk, action="reopen", actor=salesperson)
    assert order.status == State.DRAFT
    order = order_take_action(order_id=order.pk, action="cancel", actor=salesperson,
                              reason="客户取消采购计划")
    assert order.status == State.CANCELLED
    assert verify_chain().ok
