"""Advance payments (P7.1.1, P7.2.2) without a database: in which states Finance records
them, how the audit spreads them over the instalments, the state of each one, and when
and how much of the excess is refunded."""

from decimal import Decimal as D

import pytest

from orderflow.orders.domain.lifecycle import State
from orderflow.settlement.domain.advances import (
    ADVANCE_STATES,
    AdvanceStatus,
    advance_room,
    advance_status,
    advances_closed,
    advances_open,
    allocate,
    refund_due,
    refund_shares,
    refunds_open,
    statement_audited,
)

SIGNED_UNTIL_SETTLEMENT = {State.APPROVED, State.RELEASED, State.IN_EXECUTION,
                           State.EXECUTED, State.IN_SETTLEMENT}


@pytest.mark.parametrize("state", list(State))
def test_open_from_the_sign_off_until_the_audit_in_every_state(state):
    # P4.1.2 signed .. P7.2.2 audited; never before the sign-off, never once ended
    assert advances_open(state, statement_audited=False) == (state in SIGNED_UNTIL_SETTLEMENT)
    assert advances_open(state, statement_audited=True) is False


def test_the_states_are_exactly_signed_to_in_settlement():
    assert ADVANCE_STATES == SIGNED_UNTIL_SETTLEMENT


@pytest.mark.parametrize("state", list(State))
def test_closed_once_audited_or_ended_without_a_statement(state):
    assert advances_closed(state, statement_audited=True) is True
    assert advances_closed(state, statement_audited=False) == (
        state in {State.CANCELLED, State.DECLINED})


def test_room_is_the_order_total_less_the_live_advances_never_negative():
    assert advance_room(D("4520.00"), D("1356.00")) == D("3164.00")
    assert advance_room(D("4520.00"), D("4520.00")) == D("0.00")
    # the order total was lowered by a change after the advances came in
    assert advance_room(D("3000.00"), D("4520.00")) == D("0.00")


def test_oldest_advance_pays_the_first_instalment_first():
    # P7.2.2: schedule 1,356.00 (30%) + 3,164.00 (70%); advances 1,000.00 then 2,000.00
    plan = allocate([D("1000.00"), D("2000.00")], [D("1356.00"), D("3164.00")])
    assert plan == [[(0, D("1000.00"))], [(0, D("356.00")), (1, D("1644.00"))]]


def test_an_advance_of_exactly_the_deposit_pays_exactly_the_first_instalment():
    assert allocate([D("1356.00")], [D("1356.00"), D("3164.00")]) == [[(0, D("1356.00"))]]


def test_more_than_the_statement_leaves_the_rest_over():
    # less was delivered than ordered: 4,520.00 received, 3,390.00 settled
    plan = allocate([D("1356.00"), D("3164.00")], [D("1017.00"), D("2373.00")])
    assert plan == [[(0, D("1017.00")), (1, D("339.00"))], [(1, D("2034.00"))]]
    applied = sum(a for portions in plan for _i, a in portions)
    assert applied == D("3390.00")


def test_an_advance_nothing_is_owed_for_gets_no_portion():
    assert allocate([D("100.00"), D("50.00")], [D("100.00")]) == [[(0, D("100.00"))], []]
    assert allocate([D("10.00")], []) == [[]]


def test_paid_or_odd_instalments_are_skipped():
    # an instalment already paid (0 owed) or owing less than nothing takes nothing
    assert allocate([D("30.00")], [D("0.00"), D("-5.00"), D("20.00"), D("20.00")]) == [
        [(2, D("20.00")), (3, D("10.00"))]]


def test_status_of_an_advance():
    status = lambda **kw: advance_status(**{"amount": D("100.00"), "applied": D("0.00"),  # noqa: E731
                                            "voided": False, "closed": False, **kw})
    assert status() == AdvanceStatus.PENDING
    assert status(closed=True) == AdvanceStatus.REFUND
    assert status(applied=D("100.00"), closed=True) == AdvanceStatus.APPLIED
    assert status(applied=D("40.00"), closed=True) == AdvanceStatus.PARTLY_APPLIED
    assert status(voided=True) == AdvanceStatus.VOIDED
    assert status(voided=True, closed=True) == AdvanceStatus.VOIDED


def test_room_is_to_the_fen_whatever_noise_the_database_sum_has():
    # SQLite sums decimals as floats: 195074.16 comes back as 195074.160000000...
    assert str(advance_room(D("650247.20"), D("195074.1599999999999"))) == "455173.04"


@pytest.mark.parametrize("state", list(State))
def test_refunds_after_the_audit_until_archived_or_once_cancelled_p7_2_2(state):
    ended = {State.CANCELLED, State.DECLINED}
    assert refunds_open(state, statement_audited=True) == (
        state in {State.IN_SETTLEMENT, State.SETTLED} | ended)
    assert refunds_open(state, statement_audited=False) == (state in ended)


def test_what_is_still_to_be_refunded_is_to_the_fen_never_negative():
    assert refund_due(D("1130.00"), D("1000.00")) == D("130.00")
    assert refund_due(D("1130.00"), D("1130.00")) == D("0.00")
    assert refund_due(D("10.00"), D("20.00")) == D("0.00")
    assert str(refund_due(D("1130.0000000001"), D("0"))) == "1130.00"


def test_refunds_pay_back_the_oldest_remainder_first():
    assert refund_shares([D("0.00"), D("100.00"), D("50.00")], D("120.00")) == [
        D("0.00"), D("100.00"), D("20.00")]
    assert refund_shares([D("10.00")], D("0")) == [D("0.00")]
    assert refund_shares([], D("5.00")) == []


def test_status_once_refunded():
    status = lambda **kw: advance_status(**{"amount": D("100.00"), "applied": D("0.00"),  # noqa: E731
                                            "voided": False, "closed": True, **kw})
    assert status(refunded=D("100.00")) == AdvanceStatus.REFUNDED
    assert status(refunded=D("60.00")) == AdvanceStatus.REFUND
    assert status(applied=D("40.00"), refunded=D("60.00")) == AdvanceStatus.REFUNDED
    assert status(applied=D("40.00"), refunded=D("10.00")) == AdvanceStatus.PARTLY_APPLIED


@pytest.mark.parametrize(("state", "live_status", "audited"), [
    (State.SETTLED, None, True), (State.ARCHIVED, None, True),  # the audit lies behind
    (State.IN_SETTLEMENT, "audited", True),
    (State.IN_SETTLEMENT, "draft", False), (State.IN_SETTLEMENT, "in_audit", False),
    (State.IN_SETTLEMENT, None, False),
    # a statement left from before a cancellation does not make a cancelled order audited
    (State.CANCELLED, "audited", False), (State.EXECUTED, None, False),
])
def test_one_rule_says_whether_the_statement_is_audited_p7_2_2(state, live_status, audited):
    assert statement_audited(state, live_status) is audited
