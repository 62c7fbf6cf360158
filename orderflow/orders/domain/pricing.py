"""Order money (pure): line amounts, totals, tax; Decimal with half-up rounding to cents."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(quantity * unit_price)


def totals(amounts, tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross) for tax-exclusive line amounts."""
    net = money(sum(amounts, Decimal("0")))
    tax = money(net * tax_rate)
    return net, tax, net + tax
