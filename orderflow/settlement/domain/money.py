"""Settlement money (P7.2.1), pure Python: statement lines, totals, invoices, receipts.

Money is Decimal, rounded half up to the fen. A line's amount is quantity x unit price
rounded; its tax is the amount x rate rounded; the statement's tax is the SUM of the
line taxes (so the statement always equals the sum of its lines, as printed).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def fen(value) -> Decimal:
    """Round to the fen, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineMoney:
    amount: Decimal      # before tax
    tax: Decimal
    total: Decimal       # with tax


@dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal
    gross: Decimal


def line_money(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineMoney:
    """One statement line: amount = qty x price, tax = amount x rate, each to the fen."""
    amount = fen(Decimal(quantity) * Decimal(unit_price))
    tax = fen(amount * Decimal(tax_rate))
    return LineMoney(amount, tax, amount + tax)


def statement_totals(lines) -> Totals:
    """Net, tax and gross of LineMoney values: sums of the lines (no second rounding)."""
    net = sum((ln.amount for ln in lines), ZERO)
    tax = sum((ln.tax for ln in lines), ZERO)
    return Totals(net, tax, net + tax)


def quantity_problem(quantity: Decimal, delivered: Decimal) -> str:
    """Why a statement quantity is wrong ("" if right): negative, or over delivered."""
    if quantity < 0:
        return "negative"
    if quantity > delivered:
        return "over_delivered"
    return ""


def invoice_room(statement_total: Decimal, invoiced: Decimal) -> Decimal:
    """How much may still be invoiced against the statement."""
    return max(statement_total - invoiced, ZERO)


def is_invoice_number(number: str) -> bool:
    """A VAT invoice number: 8 digits (classic) or 20 digits (fully digital 数电票)."""
    return number.isascii() and number.isdigit() and len(number) in (8, 20)


def amount_due(amount: Decimal, paid: Decimal) -> Decimal:
    return max(amount - paid, ZERO)


def fully_settled(*, statement_total: Decimal, invoiced: Decimal, collected: Decimal) -> bool:
    """P7.2.2: invoiced in full and collected in full (and there is something to settle)."""
    return statement_total > 0 and invoiced == statement_total and collected == statement_total
