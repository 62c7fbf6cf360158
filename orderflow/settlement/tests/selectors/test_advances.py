"""Reading an order's advance payments (P7.1.1): only who may see prices (P9.2.2), the
live total, what the audit applied, the refunds and what is still to be refunded, each
row's state, bounded rows, and a fixed number of queries whatever the number of advances
and refunds."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.selectors import advance_for, advances_for, settlement_for
from orderflow.settlement.services import (
    advance_record,
    advance_refund_record,
    advance_void,
    statement_set_quantities,
)
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import (
    audited,
    audited_with_excess,
    delivered_in_execution,
    executed_order,
    in_settlement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(salesperson, customer, products, sales_head):
    return delivered_in_execution(salesperson, customer, products, sales_head, days_ago=30)


def pay(order, actor, amount, days_ago=0, **extra):
    return advance_record(order_id=order.pk, actor=actor, amount=amount,
                          received_on=clock.today() - dt.timedelta(days=days_ago),
                          method="bank_transfer", **extra)


def test_who_may_not_see_prices_sees_no_advances_p9_2_2(order, finance):
    advance = pay(order, finance["staff"], "1356.00")
    production = make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")
    with pytest.raises(NotPermitted):
        advances_for(production, order)
    with pytest.raises(NotPermitted):
        advance_for(production, advance.pk)
    # a salesperson who does not see the order: not found
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales9")
    with pytest.raises(NotFound):
        advance_for(stranger, advance.pk)


def test_sales_sees_them_finance_may_record(order, finance, salesperson):
    pay(order, finance["staff"], "1356.00", days_ago=2)
    as_sales, as_finance = advances_for(salesperson, order), advances_for(finance["head"], order)
    assert (as_sales.total, as_sales.is_open, as_sales.may_record) == (D("1356.00"), True,
                                                                       False)
    assert as_finance.may_record is True
    assert [(r.amount, r.status, str(r.status_label)) for r in as_sales.rows] == [
        (D("1356.00"), "pending", "Not yet applied")]


def test_totals_states_and_the_excess_after_the_audit(order, finance, salesperson):
    # given 4,520.00 received (one voided entry besides), and a 3,390.00 statement
    deposit = pay(order, finance["staff"], "1356.00", days_ago=20)
    wrong = pay(order, finance["staff"], "100.00", days_ago=10)
    advance_void(advance_id=wrong.pk, actor=finance["staff"], reason="录错")
    rest = pay(order, finance["staff"], "3164.00", days_ago=5)
    before = advances_for(finance["staff"], order)
    assert (before.count, before.total, before.applied, before.excess) == (
        3, D("4520.00"), D("0.00"), D("0.00"))
    put_in_state(order, State.EXECUTED)
    statement = in_settlement(order, salesperson)
    line = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(line.order_line_id): "1"})
    audited(statement, salesperson, finance["head"])
    order.refresh_from_db()

    # then
    view = advances_for(finance["staff"], order)
    assert (view.total, view.applied, view.unapplied, view.excess, view.is_open) == (
        D("4520.00"), D("3390.00"), D("1130.00"), D("1130.00"), False)
    assert [(r.pk, r.status) for r in view.rows] == [
        (deposit.pk, "applied"), (wrong.pk, "voided"), (rest.pk, "partly_applied")]
    assert settlement_for(salesperson, order).advance_excess == D("1130.00")
    assert advance_for(salesperson, rest.pk).status == "partly_applied"


def give_back(order, actor, amount, days_ago=0):
    return advance_refund_record(order_id=order.pk, actor=actor, amount=amount,
                                 refunded_on=clock.today() - dt.timedelta(days=days_ago),
                                 method="bank_transfer")


def test_the_refunds_lower_what_is_still_to_be_refunded_p7_2_2(order, finance, salesperson):
    # given 1,356.00 and 3,164.00 paid in advance, a 3,390.00 statement audited
    first = pay(order, finance["staff"], "1356.00", days_ago=20)
    audited_with_excess(order, salesperson, finance, paid="3164.00",
                        received_on=clock.today() - dt.timedelta(days=10))
    order.refresh_from_db()
    view = advances_for(finance["staff"], order)
    assert (view.excess, view.refunded, view.refunds, view.may_refund) == (
        D("1130.00"), D("0.00"), [], True)

    # when Finance refunds 1,000.00 (5 days ago), then 100.00
    older = give_back(order, finance["staff"], "1000.00", days_ago=5)
    later = give_back(order, finance["head"], "100.00")

    # then 30.00 is still to be refunded, the refunds listed oldest first
    view = advances_for(salesperson, order)
    assert (view.total, view.applied, view.refunded, view.excess, view.refund_count,
            view.may_refund) == (D("4520.00"), D("3390.00"), D("1100.00"), D("30.00"), 2,
                                 False)
    assert [r.pk for r in view.refunds] == [older.pk, later.pk]
    assert [(r.pk, r.status, r.refunded_amount) for r in view.rows] == [
        (first.pk, "applied", D("0.00")), (view.rows[1].pk, "partly_applied", D("1100.00"))]
    assert settlement_for(salesperson, order).advance_excess == D("30.00")
    assert advances_for(finance["staff"], order).may_refund is True

    # and once it is all refunded: nothing left, the advance shows as refunded
    give_back(order, finance["staff"], "30.00")
    view = advances_for(finance["staff"], order)
    assert (view.excess, view.refunded, view.may_refund) == (D("0.00"), D("1130.00"), False)
    assert [r.status for r in view.rows] == ["applied", "refunded"]
    assert advance_for(salesperson, view.rows[1].pk).status == "refunded"
    assert advance_for(salesperson, view.rows[1].pk).refunded_amount == D("1130.00")
    assert advance_for(salesperson, first.pk).refunded_amount == D("0.00")


def test_a_cancelled_order_has_everything_to_refund(order, finance):
    pay(order, finance["staff"], "1356.00")
    put_in_state(order, State.CANCELLED)
    view = advances_for(finance["staff"], order)
    assert (view.excess, view.is_open, view.may_record) == (D("1356.00"), False, False)
    assert [r.status for r in view.rows] == ["refund"]
    assert view.may_refund is True  # and Finance can pay it back (services test)


def test_rows_are_bounded_the_sums_are_not(order, finance):
    for n in range(3):
        pay(order, finance["staff"], "10.00", days_ago=n)
    view = advances_for(finance["staff"], order, limit=2)
    assert (len(view.rows), view.count, view.truncated, view.total) == (2, 3, True,
                                                                        D("30.00"))
    # oldest first
    assert [r.received_on for r in view.rows] == [clock.today() - dt.timedelta(days=2),
                                                  clock.today() - dt.timedelta(days=1)]


def test_queries_do_not_grow_with_the_advances(order, finance, salesperson, customer,
                                               products, sales_head,
                                               django_assert_max_num_queries):
    other = put_in_state(executed_order(salesperson, customer, products, sales_head),
                         State.IN_EXECUTION)
    pay(other, finance["staff"], "1.00")
    for n in range(12):
        advance = pay(order, finance["head"] if n % 2 else finance["staff"], "10.00",
                      days_ago=n)
        if n % 3 == 0:
            advance_void(advance_id=advance.pk, actor=finance["other"], reason="录错")
    user = finance["staff"]
    advances_for(user, other)        # the user's price permission is remembered

    with django_assert_max_num_queries(2) as one:
        assert len(advances_for(user, other).rows) == 1
    with django_assert_max_num_queries(2) as many:
        view = advances_for(user, order)
        assert [r.recorded_by.display_name for r in view.rows]
        assert [r.voided_by.display_name for r in view.rows if r.is_void]
    assert len(many) == len(one)


def test_queries_do_not_grow_with_the_refunds(salesperson, customer, products, sales_head,
                                              finance, django_assert_max_num_queries):
    # given two audited orders with an excess, one refunded once, the other ten times
    orders = [delivered_in_execution(salesperson, customer, products, sales_head)
              for _n in range(2)]
    for one in orders:
        audited_with_excess(one, salesperson, finance)
        one.refresh_from_db()
    give_back(orders[0], finance["staff"], "1.00")
    for n in range(10):
        give_back(orders[1], finance["head" if n % 2 else "staff"], "10.00")
    user = finance["other"]
    advances_for(user, orders[0])    # the user's price permission is remembered

    with django_assert_max_num_queries(5) as one:
        assert len(advances_for(user, orders[0]).refunds) == 1
    with django_assert_max_num_queries(5) as many:
        view = advances_for(user, orders[1])
        assert [r.recorded_by.display_name for r in view.refunds]
        assert view.excess == D("1030.00")
    assert len(many) == len(one)
