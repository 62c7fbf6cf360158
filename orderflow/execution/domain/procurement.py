"""Procurement rules as plain Python (P5.2): which contract action each state allows,
what is still outstanding, when a contract is late, how far receipt has come."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

DRAFT, SIGNED, CLOSED, CANCELLED = "draft", "signed", "closed", "cancelled"

# P5.2.1-P5.2.3: contract action -> the states it is allowed in. The UI's buttons, the
# services' state checks and the tests read this one table.
CONTRACT_ACTIONS: dict[str, frozenset[str]] = {
    "sign": frozenset({DRAFT}),
    "cancel": frozenset({DRAFT, SIGNED}),
    "close": frozenset({SIGNED}),
    "deliver": frozenset({SIGNED}),
    "inspect": frozenset({SIGNED}),
    "return": frozenset({SIGNED}),
    "communicate": frozenset({DRAFT, SIGNED, CLOSED}),
}
# Where each state-changing action leads.
CONTRACT_TARGETS = {"sign": SIGNED, "cancel": CANCELLED, "close": CLOSED}


def allows(status: str, action: str) -> bool:
    return status in CONTRACT_ACTIONS[action]


def contract_actions(status: str) -> list[str]:
    """The actions a contract in `status` allows, in table order."""
    return [action for action, states in CONTRACT_ACTIONS.items() if status in states]


def outstanding(quantity: Decimal, received: Decimal) -> Decimal:
    """What the supplier still owes on a line (never negative)."""
    return max(quantity - received, Decimal("0"))


def fully_received(lines) -> bool:
    """Every (quantity, received) pair received in full (and at least one line)."""
    pairs = list(lines)
    return bool(pairs) and all(received >= quantity for quantity, received in pairs)


def is_late(*, status: str, delivery_date: dt.date | None, today: dt.date,
            complete: bool) -> bool:
    """P5.2.2: a signed contract whose agreed delivery date has passed with goods owed."""
    return (status == SIGNED and delivery_date is not None and delivery_date < today
            and not complete)


def receipt_percent(contracted: Decimal | None, received: Decimal | None) -> int | None:
    """Received of contracted quantity, 0-100 (None when nothing is contracted)."""
    if not contracted:
        return None
    share = (received or Decimal("0")) * 100 / contracted
    return int(min(max(share, Decimal("0")), Decimal("100")))


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Quantity x unit price, rounded to the cent (half up, as invoices are)."""
    return (quantity * unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def returnable(rejected: Decimal, already_returned: Decimal) -> Decimal:
    """P5.2.3: rejected goods not yet sent back or exchanged."""
    return max(rejected - already_returned, Decimal("0"))


def close_blockers(*, lines, uninspected: int, open_returns: int) -> list[str]:
    """Codes of why a signed contract cannot close: not_received, not_inspected,
    open_returns (the service words them)."""
    reasons = []
    if not fully_received(lines):
        reasons.append("not_received")
    if uninspected:
        reasons.append("not_inspected")
    if open_returns:
        reasons.append("open_returns")
    return reasons
