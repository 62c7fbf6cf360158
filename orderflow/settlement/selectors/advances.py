"""An order's advance payments (预收款, P7.1.1) as the settlement page, the order page and
the API show them: the rows (bounded), the live total, what the audit applied, and what
exceeded the statement (to be refunded). Who may not see prices sees none of it (P9.2.2).
A fixed number of queries, whatever the number of advances."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.core.errors import NotFound
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from ..domain.advances import AdvanceStatus, advance_status, advances_closed, advances_open
from ..domain.money import ZERO
from ..models import AdvanceReceipt, SettlementStatement, StatementStatus
from ..permissions import may_work_finance_side, require_settlement_view

MAX_ADVANCES = 200
STATUS_LABELS = {AdvanceStatus.PENDING: gettext_lazy("Not yet applied"),
                 AdvanceStatus.APPLIED: gettext_lazy("Applied"),
                 AdvanceStatus.PARTLY_APPLIED: gettext_lazy("Partly applied"),
                 AdvanceStatus.REFUND: gettext_lazy("To be refunded"),
                 AdvanceStatus.VOIDED: gettext_lazy("Voided")}
_AFTER_AUDIT = frozenset({State.SETTLED, State.ARCHIVED})


@dataclass
class AdvancesView:
    order: Order
    rows: list = field(default_factory=list)     # oldest first, at most MAX_ADVANCES
    count: int = 0                               # every advance, voided ones too
    total: Decimal = ZERO                        # the live (not voided) advances
    applied: Decimal = ZERO                      # of them, applied to the schedule
    excess: Decimal = ZERO                       # of them, to be refunded
    is_open: bool = False                        # advances may be recorded or voided
    may_record: bool = False                     # ...by this user (Finance)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.rows)

    @property
    def unapplied(self) -> Decimal:
        return self.total - self.applied


def _audited(order: Order, statement_status: str | None) -> bool:
    if order.status in _AFTER_AUDIT:
        return True
    if order.status != State.IN_SETTLEMENT:
        return False
    if statement_status is None:
        statement_status = (SettlementStatement.objects.filter(order_id=order.pk)
                            .exclude(status=StatementStatus.RETURNED)
                            .values_list("status", flat=True).first())
    return statement_status == StatementStatus.AUDITED


def with_status(row: AdvanceReceipt, *, closed: bool) -> AdvanceReceipt:
    """The row with its `.status` and `.status_label` set."""
    row.status = advance_status(amount=row.amount, applied=row.applied_amount,
                                voided=row.is_void, closed=closed)
    row.status_label = STATUS_LABELS[row.status]
    return row


def advances_for(user, order: Order, *, statement_status: str | None = None,
                 limit: int = MAX_ADVANCES) -> AdvancesView:
    """The advances of an order the caller has already fetched as visible to the user
    (`statement_status`: the live statement's, when the caller has it).

    Raises:
        NotPermitted: the user may not see prices (P9.2.2).
    """
    require_settlement_view(user)
    audited = _audited(order, statement_status)
    closed = advances_closed(order.status, audited)
    qs = AdvanceReceipt.objects.filter(order_id=order.pk)
    sums = qs.aggregate(count=Count("id"),
                        total=Sum("amount", filter=Q(voided_at__isnull=True)),
                        applied=Sum("applied_amount", filter=Q(voided_at__isnull=True)))
    view = AdvancesView(order=order, count=sums["count"], total=sums["total"] or ZERO,
                        applied=sums["applied"] or ZERO,
                        is_open=advances_open(order.status, audited))
    view.may_record = view.is_open and may_work_finance_side(user, order)
    if closed:
        view.excess = view.total - view.applied
    if view.count:
        view.rows = [with_status(row, closed=closed) for row in
                     qs.select_related("recorded_by", "voided_by")
                     .order_by("received_on", "id")[:max(1, min(int(limit), MAX_ADVANCES))]]
    return view


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
    closed = advances_closed(row.order.status, _audited(row.order, None))
    return with_status(row, closed=closed)
