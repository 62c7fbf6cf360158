"""Margin arithmetic for Finance (P5.4.3, against the review's estimate P3.2.5), pure.

Margin = revenue (the order's amount before tax) - cost; margin % = margin / revenue.
A correction is a negative cost naming the record it corrects (same order, same
category), and all corrections of a record together never exceed it.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def margin(revenue: Decimal, cost: Decimal) -> Decimal:
    return (Decimal(revenue) - Decimal(cost)).quantize(CENT, rounding=ROUND_HALF_UP)


def margin_percent(revenue: Decimal, cost: Decimal) -> Decimal | None:
    """Margin as a percentage of revenue, two places; None without revenue."""
    revenue = Decimal(revenue)
    if not revenue:
        return None
    return ((revenue - Decimal(cost)) * HUNDRED / revenue).quantize(CENT,
                                                                     rounding=ROUND_HALF_UP)


def cost_from_margin_percent(revenue: Decimal, percent: Decimal) -> Decimal:
    """The cost a margin % implies (used when only the estimated % is known)."""
    return (Decimal(revenue) * (HUNDRED - Decimal(percent)) / HUNDRED).quantize(
        CENT, rounding=ROUND_HALF_UP)


def difference(actual: Decimal | None, estimated: Decimal | None) -> Decimal | None:
    """actual - estimated, or None when either is unknown."""
    if actual is None or estimated is None:
        return None
    return (Decimal(actual) - Decimal(estimated)).quantize(CENT, rounding=ROUND_HALF_UP)


def correction_problem(*, amount: Decimal, corrected_amount: Decimal,
                       already_corrected: Decimal) -> str | None:
    """Why a negative `amount` cannot correct a record of `corrected_amount` whose
    corrections so far total `already_corrected` (<= 0); None when it can."""
    if corrected_amount <= 0:
        return "corrects_a_correction"
    if -(amount + already_corrected) > corrected_amount:
        return "exceeds_record"
    return None
