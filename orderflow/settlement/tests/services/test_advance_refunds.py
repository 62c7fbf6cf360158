"""Refunds of the excess advance payments (预收款退款, P7.1.1, P7.2.2): once Finance has
audited the statement, what the advances paid beyond it is paid back to the customer and
recorded by Finance, never more than is still to be refunded. The order: 4,520.00 paid in
advance, one unit of the first line settled (3,390.00): 1,130.00 to be refunded."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.masterdata.models import Customer
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import AdvanceRefund
from orderflow.settlement.services import (
    advance_record,
    advance_refund_record,
    invoice_issue,
)
from orderflow.settlement.services.advances import require_refunds_open
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import (
    audited_with_excess,
    delivered_in_execution,
    in_settlement,
    submitted,
)

from ..support import days_ago, snapshot

pytestmark = pytest.mark.django_db
TODAY = clock.today



@pytest.fixture
def order(salesperson, customer, products, sales_head):
    return delivered_in_execution(salesperson, customer, products, sales_head, days_ago=30)


@pytest.fixture
def excess(order, salesperson, finance):
    """The 1,130.00 excess, the advance received 20 days ago."""
    audited_with_excess(order, salesperson, finance, received_on=days_ago(20))
    order.refresh_from_db()
    return order


def refund(order, actor, **overrides):
    values = {"refunded_on": TODAY(), "amount": "1130.00", "method": "bank_transfer",
              "bank_reference": "CMB-RF-01", "note": "多收预付款退回"}
    return advance_refund_record(order_id=order.pk, actor=actor, **{**values, **overrides})


def refused(call, *, exc=ValidationFailed, order=None, errors=None):
    before = snapshot(order)
    with pytest.raises(exc) as info:
        call()
    assert snapshot(order) == before
    if errors is not None:
        assert sorted(info.value.errors) == sorted(errors), info.value.errors
    return info.value


def test_finance_records_the_refund_of_the_excess_p7_2_2(excess, finance, salesperson,
                                                         customer):
    # when Finance records the 1,130.00 paid back
    made = refund(excess, finance["staff"], refunded_on=days_ago(1))

    # then it is kept as recorded, audited, and the salesperson hears of it
    made.refresh_from_db()
    assert (made.order_id, made.refunded_on, made.amount, made.method, made.bank_reference,
            made.note, made.recorded_by_id) == (
        excess.pk, days_ago(1), D("1130.00"), "bank_transfer", "CMB-RF-01", "多收预付款退回",
        finance["staff"].pk)
    event = AuditEvent.objects.get(action="settlement.advance_refunded")
    assert event.data == {"order": excess.number, "amount": "1130.00",
                          "method": "bank_transfer", "refunded_on": days_ago(1).isoformat(),
                          "bank_reference": "CMB-RF-01", "still_to_refund": "0.00"}
    note = Notification.objects.get(recipient=salesperson, kind="settlement.advance_refund")
    assert (excess.number in note.title, "1,130.00" in note.title, note.url) == (
        True, True, f"/orders/{excess.pk}/settlement/")
    # the receivables and the order are untouched
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    assert Order.objects.get(pk=excess.pk).status == State.IN_SETTLEMENT
    assert verify_chain().ok


def test_partial_refunds_up_to_what_is_left(excess, finance):
    refund(excess, finance["staff"], amount="1000.00")
    failure = refused(lambda: refund(excess, finance["head"], amount="130.01"),
                      order=excess, errors=["amount"])
    assert failure.errors["amount"] == [
        "At most 130.00 of the advance payments is still to be refunded."]
    refund(excess, finance["head"], amount="130.00")
    # nothing left: even a fen is refused
    failure = refused(lambda: refund(excess, finance["head"], amount="0.01"),
                      order=excess, errors=["amount"])
    assert "At most 0.00" in failure.errors["amount"][0]
    assert sum(AdvanceRefund.objects.values_list("amount", flat=True)) == D("1130.00")


def test_over_the_excess_is_refused_naming_it(excess, finance):
    failure = refused(lambda: refund(excess, finance["staff"], amount="1130.01"),
                      order=excess, errors=["amount"])
    assert failure.errors["amount"] == [
        "At most 1,130.00 of the advance payments is still to be refunded."]


def test_bad_fields_each_named_and_nothing_written(excess, finance):
    failure = refused(lambda: refund(
        excess, finance["staff"], refunded_on=TODAY() + dt.timedelta(days=1), amount="-5",
        method="barter", bank_reference="x" * 65, note="y" * 2001), order=excess,
        errors=["refunded_on", "amount", "method", "bank_reference", "note"])
    assert failure.errors["refunded_on"] == ["The date cannot be in the future."]
    assert failure.errors["amount"] == ["Must be greater than zero."]


def test_not_before_the_first_advance_payment(excess, finance):
    failure = refused(lambda: refund(excess, finance["staff"], refunded_on=days_ago(21)),
                      order=excess, errors=["refunded_on"])
    assert failure.errors["refunded_on"] == [
        "The refund cannot be dated before the first advance payment "
        f"({days_ago(20).isoformat()})."]
    assert refund(excess, finance["staff"], refunded_on=days_ago(20)).amount == D("1130.00")


@pytest.mark.parametrize("who", ["salesperson", "sales_head", "production", "leader"])
def test_only_finance_records_p7_2_2(who, excess, salesperson, sales_head, division_leader,
                                     finance):
    people = {"salesperson": salesperson, "sales_head": sales_head,
              "leader": division_leader,
              "production": make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")}
    refused(lambda: refund(excess, people[who]), exc=NotPermitted, order=excess)


def test_an_unknown_order_is_not_found(finance):
    refused(lambda: advance_refund_record(order_id=987654321, actor=finance["staff"],
                                          refunded_on=TODAY(), amount="1", method="cash"),
            exc=NotFound)


def test_refused_before_the_audit(order, salesperson, finance):
    # given an advance, the statement drafted, then submitted: not audited yet
    advance_record(order_id=order.pk, actor=finance["staff"], received_on=days_ago(5),
                   amount="1356.00", method="cash")
    failure = refused(lambda: refund(order, finance["staff"], amount="1"),
                      exc=TransitionNotAllowed, order=order)
    assert "once Finance has audited the settlement statement" in str(failure.message)
    put_in_state(order, State.EXECUTED)
    statement = in_settlement(order, salesperson)
    refused(lambda: refund(order, finance["staff"], amount="1"), exc=TransitionNotAllowed,
            order=order)
    submitted(statement, salesperson)
    refused(lambda: refund(order, finance["staff"], amount="1"), exc=TransitionNotAllowed,
            order=order)


def test_allowed_once_settled_refused_once_archived(excess, finance):
    # given the 3,390.00 invoiced: the order settles with the excess still to refund
    invoice_issue(order_id=excess.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=TODAY(), net_amount="3000.00",
                  tax_amount="390.00")
    assert Order.objects.get(pk=excess.pk).status == State.SETTLED
    refund(excess, finance["staff"], amount="1000.00")
    # once archived the dossier is read-only (P9.1.1): Finance no longer sees the order
    # (P9.2.1), and whoever might is refused by the state check itself
    put_in_state(excess, State.ARCHIVED)
    refused(lambda: refund(excess, finance["staff"], amount="130.00"), exc=NotFound,
            order=excess)
    excess.refresh_from_db()
    with pytest.raises(TransitionNotAllowed) as info:
        require_refunds_open(excess)
    assert "archived" in str(info.value.message)


def test_a_cancelled_orders_advances_are_refunded_in_full_p7_2_2(order, finance):
    # given a deposit of 1,356.00 on an order that was then cancelled (never audited)
    advance_record(order_id=order.pk, actor=finance["staff"], received_on=days_ago(5),
                   amount="1356.00", method="bank_transfer")
    put_in_state(order, State.CANCELLED)
    # then more than was received is refused, naming what is owed back
    refused(lambda: refund(order, finance["staff"], amount="1356.01"), order=order,
            errors=["amount"])
    # and all of it can be paid back
    done = refund(order, finance["staff"], amount="1356.00")
    assert done.amount == D("1356.00")
    refused(lambda: refund(order, finance["staff"], amount="0.01"), order=order,
            errors=["amount"])


def test_a_settled_order_is_archived_only_once_the_excess_is_refunded_p9_1_1(
        excess, finance, salesperson):
    from orderflow.archive.models import Dossier
    from orderflow.core.errors import Conflict
    from orderflow.orders.services import order_take_action

    # given the order settled with 1,130.00 of the advances still owed back
    invoice_issue(order_id=excess.pk, actor=finance["staff"], kind="vat_special",
                  number="12345679", issued_on=TODAY(), net_amount="3000.00",
                  tax_amount="390.00")
    assert Order.objects.get(pk=excess.pk).status == State.SETTLED
    # when Sales archives it: refused, naming what is owed, nothing written
    error = refused(lambda: order_take_action(order_id=excess.pk, action="archive",
                                              actor=salesperson),
                    exc=Conflict, order=excess)
    assert "1,130.00" in str(error.message)
    assert not Dossier.objects.exists()
    # once refunded it is archived
    refund(excess, finance["staff"])
    archived = order_take_action(order_id=excess.pk, action="archive", actor=salesperson)
    assert archived.status == State.ARCHIVED and Dossier.objects.count() == 1
