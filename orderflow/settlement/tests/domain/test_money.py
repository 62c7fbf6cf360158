"""Settlement money (P7.2.1) without a database: fen rounding, taxes as the sum of lines."""

from decimal import Decimal as D

import pytest

from orderflow.settlement.domain.money import (
    amount_due,
    fen,
    fully_settled,
    invoice_room,
    invoice_tax_bounds,
    invoice_tax_refused,
    is_invoice_number,
    line_money,
    money_text,
    percent_text,
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


# -- how messages print money -------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    ("643664.95", "643,664.95"), ("636134.63", "636,134.63"), ("0", "0.00"),
    ("999.9", "999.90"), ("1000", "1,000.00"), ("1234.565", "1,234.57"),
    ("99999999", "99,999,999.00"), ("-1234.5", "-1,234.50"), (D("4520.00"), "4,520.00")])
def test_money_text_to_the_fen_with_thousands_separators(value, text):
    assert money_text(value) == text


@pytest.mark.parametrize(("rate", "text"), [
    ("0.13", "13%"), ("0.1300", "13%"), ("0.09", "9%"), ("0.065", "6.5%"), ("0", "0%"),
    ("0.1", "10%"), ("1", "100%")])
def test_percent_text(rate, text):
    assert percent_text(D(rate)) == text


# -- an invoice's tax against the statement's rates (P7.2.2) -------------------------------

def test_one_rate_the_tax_is_net_times_rate_give_or_take_a_fen_per_line():
    bounds = invoice_tax_bounds(D("1000.00"), [D("0.13"), D("0.13")])
    assert (bounds.low, bounds.high, bounds.tolerance, bounds.single_rate) == (
        D("130.00"), D("130.00"), D("0.02"), True)
    assert [bounds.admits(D(t)) for t in ("130.00", "129.98", "130.02")] == [True] * 3
    assert [bounds.admits(D(t)) for t in ("129.97", "130.03", "500.00", "0")] == [False] * 4


def test_one_rate_rounds_the_expected_tax_half_up_to_the_fen():
    # 333.35 x 13% = 43.3355 -> 43.34
    bounds = invoice_tax_bounds(D("333.35"), [D("0.13")])
    assert (bounds.low, bounds.high, bounds.tolerance) == (D("43.34"), D("43.34"), D("0.01"))
    assert bounds.admits(D("43.33")) and not bounds.admits(D("43.32"))


def test_mixed_rates_the_tax_lies_between_the_lowest_and_highest_rate():
    bounds = invoice_tax_bounds(D("1000.00"), [D("0.13"), D("0.09"), D("0.13")])
    assert (bounds.low, bounds.high, bounds.low_rate, bounds.high_rate, bounds.tolerance,
            bounds.single_rate) == (D("90.00"), D("130.00"), D("0.09"), D("0.13"),
                                    D("0.03"), False)
    assert [bounds.admits(D(t)) for t in ("90.00", "110.00", "130.00", "89.97",
                                           "130.03")] == [True] * 5
    assert [bounds.admits(D(t)) for t in ("89.96", "130.04")] == [False, False]


def test_the_statement_tax_of_an_invoice_in_full_is_always_admitted():
    # each line's tax rounded on its own: 3 x 0.04 at 13% is taxed 0.03, 13% of 0.12 is 0.02
    lines = [line_money(D("1"), D("0.04"), D("0.13")) for _ in range(3)]
    totals = statement_totals(lines)
    assert invoice_tax_bounds(totals.net, [D("0.13")] * 3).admits(totals.tax)


def test_zero_rate_admits_no_tax_beyond_the_rounding():
    bounds = invoice_tax_bounds(D("500.00"), [D("0")])
    assert bounds.admits(D("0.00")) and bounds.admits(D("0.01"))
    assert not bounds.admits(D("0.02"))


def test_no_lines_no_bounds():
    assert invoice_tax_bounds(D("1000.00"), []) is None


def test_partial_invoices_rounding_adds_up_and_the_last_one_is_still_admitted():
    """A statement of one 13 % line, net 11,587.56, tax 1,506.38, invoiced in four parts:
    each part's tax is rounded on its own, so the last must carry what is left (150.62),
    two fen off its own net x 13 % (150.64), and is admitted (P7.2.2)."""
    rates = [D("0.13")]
    statement = {"statement_net": D("11587.56"), "statement_tax": D("1506.38")}
    so_far_net, so_far_tax = D("0"), D("0")
    for _ in range(3):
        assert invoice_tax_refused(D("3476.27"), D("451.92"), rates,
                                   invoiced_net=so_far_net, invoiced_tax=so_far_tax,
                                   **statement) is None
        so_far_net, so_far_tax = so_far_net + D("3476.27"), so_far_tax + D("451.92")
    assert invoice_tax_bounds(D("1158.75"), rates).admits(D("150.62")) is False
    assert invoice_tax_refused(D("1158.75"), D("150.62"), rates, invoiced_net=so_far_net,
                               invoiced_tax=so_far_tax, **statement) is None
    # a wrong tax on the last part is still refused, naming its own expected tax
    refused = invoice_tax_refused(D("1158.75"), D("140.00"), rates, invoiced_net=so_far_net,
                                  invoiced_tax=so_far_tax, **statement)
    assert refused is not None and refused.low == D("150.64")


def test_a_part_whose_tax_fits_only_with_the_earlier_parts_is_admitted():
    rates = [D("0.13")]
    # 10.04 x 13 % = 1.3052 -> 1.31: 1.29 misses it by two fen on its own, but the three
    # parts together (30.12 -> 3.92) carry 3.91, within a fen
    assert invoice_tax_refused(D("10.04"), D("1.29"), rates, invoiced_net=D("20.08"),
                               invoiced_tax=D("2.62")) is None
    assert invoice_tax_refused(D("10.04"), D("1.20"), rates, invoiced_net=D("20.08"),
                               invoiced_tax=D("2.62")) is not None
