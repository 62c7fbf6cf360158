"""Snapshots for "nothing was written" assertions in settlement tests."""

import datetime as dt

from orderflow.approval.models import ApprovalRequest
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.masterdata.models import Customer
from orderflow.notifications.models import Notification
from orderflow.orders.models import Order
from orderflow.settlement.models import (
    AdvanceReceipt,
    AdvanceRefund,
    Dispute,
    DisputeEntry,
    Instalment,
    Invoice,
    Receipt,
    Reconciliation,
    SettlementRecord,
    SettlementStatement,
    StatementLine,
)

MODELS = (SettlementStatement, StatementLine, Reconciliation, Invoice, Instalment, Receipt,
          Dispute, DisputeEntry, SettlementRecord, AuditEvent, Notification, ApprovalRequest,
          AdvanceReceipt, AdvanceRefund)


def snapshot(order=None) -> dict:
    """Row counts of everything settlement writes, the order's status and version, the
    statements' statuses and totals, instalments paid, advances applied or voided, and the
    receivables."""
    state = {m.__name__: m.objects.count() for m in MODELS}
    state["lines"] = list(StatementLine.objects.order_by("id")
                          .values_list("quantity", "amount", "tax", "total"))
    state["statements"] = list(SettlementStatement.objects.order_by("id")
                               .values_list("status", "total_gross"))
    state["paid"] = list(Instalment.objects.order_by("id").values_list("paid_amount",
                                                                        "reminded_on"))
    state["advances"] = list(AdvanceReceipt.objects.order_by("id")
                             .values_list("amount", "applied_amount", "voided_at"))
    state["receivables"] = list(Customer.objects.order_by("id")
                                .values_list("receivables_outstanding", flat=True))
    if order is not None:
        state["order"] = Order.objects.filter(pk=order.pk).values_list("status",
                                                                       "version").get()
    return state


def days_ago(n: int) -> dt.date:
    """The company's date n days before today (read at each call)."""
    return clock.today() - dt.timedelta(days=n)
