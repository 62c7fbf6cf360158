"""Settlement money (P7.2.1), pure Python: statement lines, totals, invoices, receipts.

Money is Decimal, rounded half up to the fen. A line's amount is quantity x unit price
rounded; its tax is the amount x rate rounded; the statement's tax is the SUM of the
line taxes (so the statement always equals the sum of its lines, as printed). Messages print
money one way (money_text), in zh-Hans and English alike.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def fen(value) -> Decimal:
    """Round to the fen, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value) -> str:
    """Money as every settlement message prints it, in zh-Hans and English alike: to the
    fen, with thousands separators ("643,664.95")."""
    return f"{fen(value):,.2f}"


def percent_text(rate) -> str:
    """A tax rate as a percent: 0.13 -> "13%", 0.065 -> "6.5%"."""
    return f"{(Decimal(rate) * HUNDRED).normalize():f}%"


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


@dataclass(frozen=True)
class TaxBounds:
    """The tax an invoice may carry against its statement: low..high (each net x a rate,
    to the fen), give or take `tolerance`."""

    low: Decimal
    high: Decimal
    low_rate: Decimal
    high_rate: Decimal
    tolerance: Decimal

    @property
    def single_rate(self) -> bool:
        return self.low_rate == self.high_rate

    def admits(self, tax: Decimal) -> bool:
        return self.low - self.tolerance <= tax <= self.high + self.tolerance


def invoice_tax_bounds(net: Decimal, line_rates: list[Decimal]) -> TaxBounds | None:
    """P7.2.2: the tax an invoice of `net` (before tax) may carry, the statement's lines
    taxed at `line_rates` (one per line): net x the rate to the fen when all lines share
    it, else between net x the lowest and net x the highest rate; a fen per line either
    way, as each line's tax is rounded on its own. None without lines."""
    if not line_rates:
        return None
    low_rate, high_rate = min(map(Decimal, line_rates)), max(map(Decimal, line_rates))
    return TaxBounds(low=fen(Decimal(net) * low_rate), high=fen(Decimal(net) * high_rate),
                     low_rate=low_rate, high_rate=high_rate,
                     tolerance=CENT * len(line_rates))


def invoice_tax_refused(net: Decimal, tax: Decimal, line_rates: list[Decimal], *,
                        invoiced_net: Decimal = ZERO, invoiced_tax: Decimal = ZERO,
                        statement_net: Decimal | None = None,
                        statement_tax: Decimal | None = None) -> TaxBounds | None:
    """The bounds the invoice's tax misses (for the message), or None if it is admitted.

    Partial invoices round their tax each on its own, so their rounding adds up: an
    invoice is admitted when its own tax fits its net, or when the invoices so far with it
    fit their net together, or when it completes the statement to the fen (net and tax
    both: the last invoice carries what is left of the statement's tax)."""
    bounds = invoice_tax_bounds(net, line_rates)
    if bounds is None or bounds.admits(tax):
        return None
    if statement_net is not None and statement_tax is not None and \
            (invoiced_net + net, invoiced_tax + tax) == (statement_net, statement_tax):
        return None
    together = invoice_tax_bounds(invoiced_net + net, line_rates)
    return None if together.admits(invoiced_tax + tax) else bounds


def is_invoice_number(number: str) -> bool:
    """A VAT invoice number: 8 digits (classic) or 20 digits (fully digital 数电票)."""
    return number.isascii() and number.isdigit() and len(number) in (8, 20)


def amount_due(amount: Decimal, paid: Decimal) -> Decimal:
    return max(amount - paid, ZERO)


def fully_settled(*, statement_total: Decimal, invoiced: Decimal, collected: Decimal) -> bool:
    """P7.2.2: invoiced in full and collected in full (and there is something to settle)."""
    return statement_total > 0 and invoiced == statement_total and collected == statement_total
