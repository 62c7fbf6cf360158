"""Settlement money (P7.2.1) without a database: fen rounding, taxes as the sum of lines."""

from decimal import Decimal as D

import pytest

from orderflow.settlement.domain.money import (
    amount_due,
    fen,
    fully_settled,
    invoice_room,
    is_invoice_number,
    line_money,
    quantity_problem,
    statement_totals,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"),
    ("1234.5649", "1234.56"), ("1234.565", "1234.57")])
def test_fen_rounds_half_up(value, expected):
    assert fen(D(value)) == D(expected)


def test_line_money_rounds_amount_then_tax_each_to_the_fen():
    # 3 x 33.335 = 100.005 -> 100.01; tax 13% of 100.01 = 13.0013 -> 13.00
    money = line_money(D("3"), D("33.335"), D("0.13"))
    assert (money.amount, money.tax, money.total) == (D("100.01"), D("13.00"), D("113.01"))


def test_line_money_fractional_quantity():
    money = line_money(D("1.125"), D("10.00"), D("0.13"))
    assert (money.amount, money.tax, money.total) == (D("11.25"), D("1.46"), D("12.71"))


def test_statement_tax_is_the_sum_of_line_taxes_not_tax_of_the_sum():
    # Three lines of 0.04 each: line tax 0.01 each (0.0052 -> 0.01); the statement's tax
    # is 0.03 (sum of lines), where 13% of the 0.12 net would be 0.02.
    lines = [line_money(D("1"), D("0.04"), D("0.13")) for _ in range(3)]
    totals = statement_totals(lines)
    assert (totals.net, totals.tax, totals.gross) == (D("0.12"), D("0.03"), D("0.15"))
    assert totals.tax == sum(ln.tax for ln in lines)
    assert totals.gross == sum(ln.total for ln in lines)


def test_statement_totals_of_nothing_are_zero():
    totals = statement_totals([])
    assert (totals.net, totals.tax, totals.gross) == (D("0"), D("0"), D("0"))


@pytest.mark.parametrize(("qty", "delivered", "problem"), [
    ("2", "2", ""), ("0", "2", ""), ("1.5", "2", ""), ("2.001", "2", "over_delivered"),
    ("-1", "2", "negative"), ("1", "0", "over_delivered")])
def test_quantity_problem(qty, delivered, problem):
    assert quantity_problem(D(qty), D(delivered)) == problem


def test_invoice_room_never_negative():
    assert invoice_room(D("100.00"), D("30.00")) == D("70.00")
    assert invoice_room(D("100.00"), D("100.00")) == D("0")
    assert invoice_room(D("100.00"), D("120.00")) == D("0")


@pytest.mark.parametrize(("number", "ok"), [
    ("12345678", True), ("12345678901234567890", True), ("1234567", False),
    ("123456789", False), ("1234567a", False), ("１２３４５６７８", False), ("", False)])
def test_invoice_number(number, ok):
    assert is_invoice_number(number) is ok


def test_amount_due_and_fully_settled():
    assert amount_due(D("100"), D("40")) == D("60")
    assert amount_due(D("100"), D("100")) == D("0")
    assert fully_settled(statement_total=D("10"), invoiced=D("10"), collected=D("10"))
    assert not fully_settled(statement_total=D("10"), invoiced=D("9.99"), collected=D("10"))
    assert not fully_settled(statement_total=D("10"), invoiced=D("10"), collected=D("9.99"))
    assert not fully_settled(statement_total=D("0"), invoiced=D("0"), collected=D("0"))
