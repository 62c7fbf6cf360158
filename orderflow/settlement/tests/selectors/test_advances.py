"""Reading an order's advance payments (P7.1.1): only who may see prices (P9.2.2), the
live total, what the audit applied and what is to be refunded, each row's state, bounded
rows, and a fixed number of queries whatever the number of advances."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.selectors import advance_for, advances_for, settlement_for
from orderflow.settlement.services import advance_record, advance_void, statement_set_quantities
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import (
    audited,
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


def test_a_cancelled_order_has_everything_to_refund(order, finance):
    pay(order, finance["staff"], "1356.00")
    put_in_state(order, State.CANCELLED)
    view = advances_for(finance["staff"], order)
    assert (view.excess, view.is_open, view.may_record) == (D("1356.00"), False, False)
    assert [r.status for r in view.rows] == ["refund"]


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
