"""Settlement (P7): the statement and its lines, the customer's reconciliation, invoices,
the payment schedule and receipts, advance payments and their refunds, disputes, and the
settlement record."""

from .collection import AdvanceReceipt, AdvanceRefund, Instalment, PaymentMethod, Receipt
from .disputes import Dispute, DisputeEntry, DisputeStatus
from .invoices import Invoice, InvoiceKind
from .records import SettlementRecord
from .statements import (
    CHANNELS,
    Reconciliation,
    SettlementStatement,
    StatementLine,
    StatementStatus,
)

__all__ = [
    "CHANNELS", "AdvanceReceipt", "AdvanceRefund", "Dispute", "DisputeEntry", "DisputeStatus",
    "Instalment", "Invoice", "InvoiceKind", "PaymentMethod", "Receipt", "Reconciliation",
    "SettlementRecord", "SettlementStatement", "StatementLine", "StatementStatus",
]
