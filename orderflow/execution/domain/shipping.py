"""Shipment rules (P5.4.2), pure Python: the over-shipment tolerance, what passed final
inspection (or a concession) allows, and the dates of a delivery.

A problem is (field, code, params); the services translate the codes.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

QUANTITY_PLACES = Decimal("0.001")
HUNDRED = Decimal(100)


class Problem(NamedTuple):
    field: str
    code: str
    params: dict = {}


def max_shippable(ordered: Decimal, tolerance_percent: Decimal) -> Decimal:
    """The most that may ever be shipped of a line: ordered plus the tolerance (P5.4.2),
    rounded down to the quantity's three places (never more than the rule allows)."""
    allowed = Decimal(ordered) * (1 + Decimal(tolerance_percent) / HUNDRED)
    return allowed.quantize(QUANTITY_PLACES, rounding=ROUND_DOWN)


def remaining(ordered: Decimal, shipped: Decimal) -> Decimal:
    """What is left to ship of a line (never negative: an over-shipment leaves 0)."""
    return max(Decimal(ordered) - Decimal(shipped), Decimal(0))


def shipped_percent(shipped: Decimal, ordered: Decimal) -> int | None:
    """Shipped quantity against ordered, 0-100 (capped: tolerance may exceed 100%)."""
    if not ordered:
        return None
    return min(int(Decimal(shipped) * HUNDRED / Decimal(ordered)), 100)


@dataclass(frozen=True)
class LineFacts:
    """One order line as the shipment is checked against it (read under the order lock)."""

    position: int
    ordered: Decimal
    shipped: Decimal = Decimal(0)       # already shipped, all shipments
    passed: Decimal = Decimal(0)        # passed final inspection (P5.3.2)
    conceded: Decimal = Decimal(0)      # approved concessions (P5.4.2)

    @property
    def released_for_shipping(self) -> Decimal:
        return self.passed + self.conceded


class ShipLine(NamedTuple):
    index: int              # position in the request: errors go to lines.<index>.*
    order_line_id: int
    quantity: Decimal


def check_shipment(lines: list[ShipLine], facts: dict[int, LineFacts],
                   tolerance_percent: Decimal) -> list[Problem]:
    """Every problem of a shipment's lines against the order (P5.4.2):
    L1 each line belongs to the order; L2 a line appears once per shipment;
    L3 already shipped + this <= ordered x (1 + tolerance) (over-shipment);
    L4 already shipped + this <= passed final inspection + approved concessions."""
    problems, seen = [], set()
    for line in lines:
        field = f"lines.{line.index}.order_line_id"
        fact = facts.get(line.order_line_id)
        if fact is None:
            problems.append(Problem(field, "not_on_order"))
            continue
        if line.order_line_id in seen:
            problems.append(Problem(field, "duplicate_line", {"line": fact.position}))
            continue
        seen.add(line.order_line_id)
        quantity_field = f"lines.{line.index}.quantity"
        total = fact.shipped + line.quantity
        limit = max_shippable(fact.ordered, tolerance_percent)
        if total > limit:
            problems.append(Problem(quantity_field, "over_shipment", {
                "line": fact.position, "ordered": fact.ordered, "max": limit,
                "shipped": fact.shipped}))
        elif total > fact.released_for_shipping:
            problems.append(Problem(quantity_field, "not_inspected", {
                "line": fact.position, "allowed": fact.released_for_shipping,
                "shipped": fact.shipped}))
    return problems


def check_delivery(*, shipped_on: dt.date, delivered_on: dt.date | None,
                   today: dt.date) -> list[Problem]:
    """A delivery is on or after the shipping date and not in the future (P5.4.2)."""
    if delivered_on is None:
        return []
    if delivered_on > today:
        return [Problem("delivered_on", "in_future")]
    if delivered_on < shipped_on:
        return [Problem("delivered_on", "before_shipped", {"shipped_on": shipped_on})]
    return []
