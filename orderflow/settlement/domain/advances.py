"""Advance payments (预收款, P7.1.1 payment terms, P7.2.2 collection), pure Python: when
Finance may record them, how the audit applies them to the payment schedule, and the state
of each one.

Money arrives per the agreed terms (e.g. 30% on order) long before the statement exists.
Finance records it from the sign-off until the audit; the audit applies the advances, the
oldest first, to the instalments in order, each instalment at most what it owes. What the
statement does not need (less was delivered than ordered) is left over, to be refunded:
Finance records what it paid back once the statement is audited, until the order is
archived (the dossier is read-only then, P9.1.1).
"""

from decimal import Decimal
from enum import StrEnum

from orderflow.orders.domain.lifecycle import State

from .money import ZERO, fen

# From the sign-off (P4.1.2) until Finance audits the statement (P7.2.2).
ADVANCE_STATES = frozenset({State.APPROVED, State.RELEASED, State.IN_EXECUTION,
                            State.EXECUTED, State.IN_SETTLEMENT})
# The order will never be audited: whatever it received in advance goes back.
NEVER_AUDITED = frozenset({State.CANCELLED, State.DECLINED})
# Finance's audit lies behind these orders (P7.2.2 before P7.3.1 and P9.1.1).
AFTER_AUDIT = frozenset({State.SETTLED, State.ARCHIVED})
# Refunds of the excess: the statement audited (in settlement), or the order settled.
REFUND_STATES = frozenset({State.IN_SETTLEMENT, State.SETTLED})


class AdvanceStatus(StrEnum):
    PENDING = "pending"                  # not yet applied: waits for the audit
    APPLIED = "applied"                  # wholly applied to the schedule
    PARTLY_APPLIED = "partly_applied"    # applied up to the statement total, rest refunded
    REFUND = "refund"                    # nothing of it was needed: to be refunded
    REFUNDED = "refunded"                # what was not applied has been refunded
    VOIDED = "voided"                    # a wrong entry, kept and no longer counted


def statement_audited(order_status: str, live_statement_status: str | None) -> bool:
    """Has Finance audited the order's settlement statement (P7.2.2)? A settled or archived
    order's was; an order in settlement's live statement (not returned) tells; no other
    order has an audited one. The one rule behind every advance and refund check."""
    if order_status in AFTER_AUDIT:
        return True
    return order_status == State.IN_SETTLEMENT and live_statement_status == "audited"


def advances_open(order_status: str, statement_audited: bool) -> bool:
    """Advances may be recorded or voided: signed, and the statement not audited yet."""
    return order_status in ADVANCE_STATES and not statement_audited


def advances_closed(order_status: str, statement_audited: bool) -> bool:
    """No advance will be applied any more: the audit applied what the statement needed,
    or the order ended without a statement."""
    return statement_audited or order_status in NEVER_AUDITED


def refunds_open(order_status: str, statement_audited: bool) -> bool:
    """The excess may be refunded: the statement audited, the order not archived yet; or
    the order cancelled or declined, when every live advance is to be paid back."""
    return (order_status in REFUND_STATES and statement_audited) or \
        order_status in NEVER_AUDITED


def advance_status(*, amount: Decimal, applied: Decimal, voided: bool, closed: bool,
                   refunded: Decimal = ZERO) -> AdvanceStatus:
    """`refunded`: the share of the refunds that paid back this advance's remainder."""
    if voided:
        return AdvanceStatus.VOIDED
    if applied >= amount:
        return AdvanceStatus.APPLIED
    if closed and refunded > 0 and applied + refunded >= amount:
        return AdvanceStatus.REFUNDED
    if applied > 0:
        return AdvanceStatus.PARTLY_APPLIED
    return AdvanceStatus.REFUND if closed else AdvanceStatus.PENDING


def advance_room(order_total: Decimal, live_total: Decimal) -> Decimal:
    """How much more may be recorded in advance: the order total less the live advances,
    to the fen (SQLite's sums come back with float noise)."""
    return max(fen(order_total - live_total), ZERO)


def refund_due(unapplied: Decimal, refunded: Decimal) -> Decimal:
    """What is still to be refunded: the live advances' unapplied remainders less the
    refunds recorded, to the fen."""
    return max(fen(unapplied - refunded), ZERO)


def refund_shares(remainders: list[Decimal], refunded: Decimal) -> list[Decimal]:
    """The refunds spread over the advances' unapplied remainders, the oldest first: how
    much of each advance was paid back."""
    left, shares = max(Decimal(refunded), ZERO), []
    for remainder in remainders:
        share = min(left, max(Decimal(remainder), ZERO))
        shares.append(share)
        left -= share
    return shares


def allocate(advances: list[Decimal], dues: list[Decimal]) -> list[list[tuple[int, Decimal]]]:
    """For each advance (in the order given), the portions it pays: (index of the
    instalment, amount), the instalments in the order given, each paid at most what it
    owes. What no instalment owes stays with its advance (the result leaves it out)."""
    owed = [max(Decimal(d), ZERO) for d in dues]
    at, plan = 0, []
    for amount in advances:
        left, portions = max(Decimal(amount), ZERO), []
        while left > 0 and at < len(owed):
            take = min(left, owed[at])
            if take > 0:
                portions.append((at, take))
                owed[at] -= take
                left -= take
            if owed[at] <= 0:
                at += 1
        plan.append(portions)
    return plan
