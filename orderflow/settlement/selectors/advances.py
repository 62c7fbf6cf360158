"""An order's advance payments (预收款, P7.1.1) as the settlement page, the order page and
the API show them: the rows (bounded), the live total, what the audit applied, what
exceeded the statement, the refunds recorded (bounded) and what is still to be refunded.
Who may not see prices sees none of it (P9.2.2). A fixed number of queries, whatever the
number of advances and refunds."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.core.errors import NotFound
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from ..domain.advances import (
    AdvanceStatus,
    advance_status,
    advances_closed,
    advances_open,
    refund_due,
    refund_shares,
    refunds_open,
)
from ..domain.money import ZERO
from ..models import AdvanceReceipt, AdvanceRefund, SettlementStatement
from ..permissions import may_work_finance_side, require_settlement_view

MAX_ADVANCES = 200
MAX_REFUNDS = 200
STATUS_LABELS = {AdvanceStatus.PENDING: gettext_lazy("Not yet applied"),
                 AdvanceStatus.APPLIED: gettext_lazy("Applied"),
                 AdvanceStatus.PARTLY_APPLIED: gettext_lazy("Partly applied"),
                 AdvanceStatus.REFUND: gettext_lazy("To be refunded"),
                 AdvanceStatus.REFUNDED: gettext_lazy("Refunded"),
                 AdvanceStatus.VOIDED: gettext_lazy("Voided")}


@dataclass
class AdvancesView:
    order: Order
    rows: list = field(default_factory=list)     # oldest first, at most MAX_ADVANCES
    count: int = 0                               # every advance, voided ones too
    total: Decimal = ZERO                        # the live (not voided) advances
    applied: Decimal = ZERO                      # of them, applied to the schedule
    excess: Decimal = ZERO                       # of them, still to be refunded
    refunds: list = field(default_factory=list)  # oldest first, at most MAX_REFUNDS
    refund_count: int = 0
    refunded: Decimal = ZERO                     # every refund recorded
    is_open: bool = False                        # advances may be recorded or voided
    may_record: bool = False                     # ...by this user (Finance)
    may_refund: bool = False                     # the excess may be refunded by this user

    @property
    def truncated(self) -> bool:
        return self.count > len(self.rows)

    @property
    def refunds_truncated(self) -> bool:
        return self.refund_count > len(self.refunds)

    @property
    def unapplied(self) -> Decimal:
        return self.total - self.applied


def with_status(row: AdvanceReceipt, *, closed: bool,
                refunded: Decimal = ZERO) -> AdvanceReceipt:
    """The row with its `.status`, `.status_label` and `.refunded_amount` (its share of
    the refunds) set."""
    row.refunded_amount = refunded
    row.status = advance_status(amount=row.amount, applied=row.applied_amount,
                                voided=row.is_void, closed=closed, refunded=refunded)
    row.status_label = STATUS_LABELS[row.status]
    return row


def _add_refunds(view: AdvancesView) -> None:
    """The refunds recorded (two queries, one if there are none) and what they leave."""
    qs = AdvanceRefund.objects.filter(order_id=view.order.pk)
    sums = qs.aggregate(count=Count("id"), total=Sum("amount"))
    view.refund_count, view.refunded = sums["count"], sums["total"] or ZERO
    if view.refund_count:
        view.refunds = list(qs.select_related("recorded_by")
                            .order_by("refunded_on", "id")[:MAX_REFUNDS])
    view.excess = refund_due(view.total - view.applied, view.refunded)


def advances_for(user, order: Order, *, statement_status: str | None = None,
                 limit: int = MAX_ADVANCES) -> AdvancesView:
    """The advances of an order the caller has already fetched as visible to the user
    (`statement_status`: the live statement's, when the caller has it).

    Raises:
        NotPermitted: the user may not see prices (P9.2.2).
    """
    require_settlement_view(user)
    audited = SettlementStatement.objects.is_audited(order, statement_status)
    closed = advances_closed(order.status, audited)
    qs = AdvanceReceipt.objects.filter(order_id=order.pk)
    sums = qs.aggregate(count=Count("id"),
                        total=Sum("amount", filter=Q(voided_at__isnull=True)),
                        applied=Sum("applied_amount", filter=Q(voided_at__isnull=True)))
    view = AdvancesView(order=order, count=sums["count"], total=sums["total"] or ZERO,
                        applied=sums["applied"] or ZERO,
                        is_open=advances_open(order.status, audited))
    finance = may_work_finance_side(user, order)
    view.may_record = view.is_open and finance
    if closed:
        _add_refunds(view)
    view.may_refund = refunds_open(order.status, audited) and view.excess > 0 and finance
    if view.count:
        rows = list(qs.select_related("recorded_by", "voided_by")
                    .order_by("received_on", "id")[:max(1, min(int(limit), MAX_ADVANCES))])
        live = [row for row in rows if not row.is_void]
        shares = dict(zip((row.pk for row in live),
                          refund_shares([r.amount - r.applied_amount for r in live],
                                        view.refunded), strict=True))
        view.rows = [with_status(row, closed=closed, refunded=shares.get(row.pk, ZERO))
                     for row in rows]
    return view


def _refunded_share(row: AdvanceReceipt) -> Decimal:
    """This advance's share of its order's refunds: what the refunds leave after paying
    back the older advances' remainders (two queries)."""
    refunded = (AdvanceRefund.objects.filter(order_id=row.order_id)
                .aggregate(s=Sum("amount"))["s"] or ZERO)
    if not refunded or row.is_void:
        return ZERO
    older = (AdvanceReceipt.objects.filter(order_id=row.order_id, voided_at__isnull=True)
             .filter(Q(received_on__lt=row.received_on)
                     | Q(received_on=row.received_on, pk__lt=row.pk))
             .aggregate(s=Sum(F("amount") - F("applied_amount")))["s"] or ZERO)
    return refund_shares([older, row.amount - row.applied_amount], refunded)[1]


def advance_for(user, advance_id: int) -> AdvanceReceipt:
    """One advance of an order the user sees, with its status (NotFound; NotPermitted for
    who may not see prices)."""
    require_settlement_view(user)
    row = (AdvanceReceipt.objects.select_related("order", "recorded_by", "voided_by")
           .filter(pk=advance_id,
                   order__in=Order.objects.filter(visibility_q(user)).values("pk"))
           .first())
    if row is None:
        raise NotFound(_("Advance payment not found."))
    closed = advances_closed(row.order.status, SettlementStatement.objects.is_audited(row.order))
    return with_status(row, closed=closed,
                       refunded=_refunded_share(row) if closed else ZERO)
