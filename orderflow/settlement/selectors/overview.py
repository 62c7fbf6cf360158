"""One order's settlement as the order page panel, the settlement page and the API show
it: the live statement with its lines, reconciliation and audit, the invoices, the
schedule with its receipts, the disputes, the advance payments, and the sums. A fixed
number of queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from orderflow.approval.models import ApprovalRequest
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from ..domain.money import ZERO
from ..domain.schedule import InstalmentStatus, instalment_status
from ..models import (
    Dispute,
    DisputeEntry,
    Instalment,
    Invoice,
    Receipt,
    SettlementRecord,
    SettlementStatement,
    StatementStatus,
)
from ..permissions import may_work_finance_side, may_work_sales_side, require_settlement_view
from .advances import AdvancesView, advances_for


@dataclass
class SettlementView:
    order: Order
    statement: SettlementStatement | None
    returned: list = field(default_factory=list)
    reconciliation: object = None
    audit: ApprovalRequest | None = None
    invoices: list = field(default_factory=list)
    instalments: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    record: SettlementRecord | None = None
    advances: AdvancesView | None = None
    invoiced: Decimal = ZERO
    collected: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    may_sales: bool = False
    may_finance: bool = False

    @property
    def active_disputes(self) -> list:
        return [d for d in self.disputes if d.is_active]

    @property
    def is_draft(self) -> bool:
        return bool(self.statement and self.statement.status == StatementStatus.DRAFT)

    @property
    def is_audited(self) -> bool:
        return bool(self.statement and self.statement.status == StatementStatus.AUDITED)

    @property
    def awaiting_audit(self) -> bool:
        """Drafted or in audit: the schedule, and with it the receivable, arises only at
        Finance's audit (P7.2.2), so there is no outstanding amount to show yet."""
        return bool(self.statement and self.statement.status in (StatementStatus.DRAFT,
                                                                 StatementStatus.IN_AUDIT))

    @property
    def to_collect_after_audit(self) -> Decimal:
        """What the customer will still owe once the audit applies the advances received
        so far to the schedule (P7.1.1): the statement total less them, never below 0."""
        total = self.statement.total_gross if self.statement else ZERO
        advanced = self.advances.total if self.advances else ZERO
        return max(total - advanced, ZERO)

    @property
    def in_settlement(self) -> bool:
        return self.order.status == State.IN_SETTLEMENT

    @property
    def may_start(self) -> bool:
        return self.order.status == State.EXECUTED and self.may_sales

    @property
    def advance_excess(self) -> Decimal:
        """Advance payments the statement did not need, less the refunds recorded: still
        to be refunded (P7.1.1)."""
        return self.advances.excess if self.advances else ZERO

    @property
    def invoice_room(self) -> Decimal:
        total = self.statement.total_gross if self.statement else ZERO
        return max(total - self.invoiced, ZERO)


def _statements(order: Order) -> list[SettlementStatement]:
    return list(SettlementStatement.objects.filter(order_id=order.pk)
                .select_related("created_by").prefetch_related("lines")
                .order_by("-revision"))


def _instalments(statement) -> list[Instalment]:
    if statement is None:
        return []
    receipts = Receipt.objects.select_related("recorded_by").order_by("received_on", "id")
    rows = list(Instalment.objects.filter(statement=statement)
                .prefetch_related(Prefetch("receipts", queryset=receipts))
                .order_by("position"))
    today = clock.today()
    for row in rows:
        row.due = max(row.amount - row.paid_amount, ZERO)
        row.status = instalment_status(amount=row.amount, paid=row.paid_amount,
                                       due=row.due_date, today=today)
        row.is_overdue = row.status == InstalmentStatus.OVERDUE
    return rows


def _audit(statement) -> ApprovalRequest | None:
    if statement is None:
        return None
    return (ApprovalRequest.objects.filter(subject_kind="statement", subject_id=statement.pk)
            .prefetch_related("stages__tasks__assignee", "stages__tasks__acted_by")
            .order_by("-round").first())


def _fill(view: SettlementView, statements: list) -> None:
    live = [s for s in statements if s.status != StatementStatus.RETURNED]
    view.statement = live[0] if live else None
    view.returned = [s for s in statements if s.status == StatementStatus.RETURNED]
    if view.statement is not None:
        view.reconciliation = (view.statement.reconciliations.select_related("recorded_by")
                               .order_by("-recorded_at", "-id").first())
    view.audit = _audit(view.statement)
    view.invoices = list(Invoice.objects.filter(order_id=view.order.pk)
                         .select_related("issued_by", "voided_by").order_by("issued_on", "id"))
    view.instalments = _instalments(view.statement)
    entries = DisputeEntry.objects.select_related("recorded_by").order_by("happened_on", "id")
    view.disputes = list(Dispute.objects.filter(order_id=view.order.pk)
                         .select_related("opened_by")
                         .prefetch_related(Prefetch("entries", queryset=entries)))
    view.record = SettlementRecord.objects.filter(order_id=view.order.pk).first()
    view.invoiced = sum((i.total for i in view.invoices if not i.is_void), ZERO)
    view.collected = sum((i.paid_amount for i in view.instalments), ZERO)
    view.outstanding = sum((i.due for i in view.instalments), ZERO)
    view.overdue = sum((i.due for i in view.instalments if i.is_overdue), ZERO)


def settlement_for(user, order: Order) -> SettlementView:
    """The settlement of an order the caller has already fetched as visible to the user.

    Raises:
        NotPermitted: the user may not see prices (P9.2.2).
    """
    require_settlement_view(user)
    view = SettlementView(order=order, statement=None,
                          may_sales=may_work_sales_side(user, order),
                          may_finance=may_work_finance_side(user, order))
    if order.status in (State.IN_SETTLEMENT, State.SETTLED, State.ARCHIVED):
        _fill(view, _statements(order))
    view.advances = advances_for(
        user, order, statement_status=view.statement.status if view.statement else None)
    return view


def statement_for(user, statement_id: int) -> SettlementStatement:
    """One statement of an order the user sees, with its order and lines (NotFound;
    NotPermitted for who may not see prices)."""
    require_settlement_view(user)
    statement = (SettlementStatement.objects
                 .select_related("order", "order__customer", "order__salesperson",
                                 "created_by")
                 .prefetch_related("lines")
                 .filter(pk=statement_id,
                         order__in=Order.objects.filter(visibility_q(user)).values("pk"))
                 .first())
    if statement is None:
        raise NotFound(_("Settlement statement not found."))
    return statement
