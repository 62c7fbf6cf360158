"""What waits for whom in settlement (the workbench's "waiting for me", P1.3.2): Sales
starts the settlement of executed orders and reconciles and submits draft statements;
Finance invoices audited statements and chases overdue instalments."""

from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy

from orderflow.accounts.permissions import is_sales_head
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order

from ..models import Instalment, SettlementStatement, StatementStatus
from ..permissions import may_work_finance_side

START = gettext_lazy("Start the settlement")
RECONCILE = gettext_lazy("Reconcile the statement with the customer and submit it")
INVOICE = gettext_lazy("Issue the invoices of the audited statement")
OVERDUE = gettext_lazy("Chase the overdue instalment")


def _sales_items(user, limit: int) -> list[tuple]:
    mine = Q() if is_sales_head(user) else Q(salesperson_id=user.pk)
    orders = Order.objects.filter(mine).select_related("customer")
    items = [(o, START) for o in orders.filter(status=State.EXECUTED).order_by("id")[:limit]]
    drafts = (SettlementStatement.objects.filter(status=StatementStatus.DRAFT,
                                                 order__status=State.IN_SETTLEMENT,
                                                 order__in=orders.values("pk"))
              .select_related("order", "order__customer").order_by("id")[:limit])
    return items + [(s.order, RECONCILE) for s in drafts]


def _finance_items(limit: int) -> list[tuple]:
    audited = (SettlementStatement.objects
               .filter(status=StatementStatus.AUDITED, order__status=State.IN_SETTLEMENT)
               .annotate(invoiced=Sum("invoices__total",
                                      filter=Q(invoices__voided_at__isnull=True)))
               .filter(Q(invoiced__isnull=True) | Q(invoiced__lt=F("total_gross")))
               .select_related("order", "order__customer").order_by("audited_at")[:limit])
    overdue = (Instalment.objects.filter(order__status=State.IN_SETTLEMENT,
                                         paid_amount__lt=F("amount"),
                                         due_date__lt=clock.today())
               .select_related("order", "order__customer").order_by("due_date")[:limit])
    return [(s.order, INVOICE) for s in audited] + [(i.order, OVERDUE) for i in overdue]


def settlement_waiting_for(user, *, limit: int = 20) -> list[tuple]:
    """[(order, what to do)] for the user, at most `limit` of each kind."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    if may_work_finance_side(user):
        return _finance_items(limit)
    if user.dept_code == "sales":
        return _sales_items(user, limit)
    return []
