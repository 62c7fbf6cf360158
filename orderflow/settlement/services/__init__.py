"""Settlement writes (P7). Importing this package (SettlementConfig.ready) registers the
"start_settlement" action, the approval subject "statement" and Finance's actor rule."""

from orderflow.orders.domain.lifecycle import Actor
from orderflow.orders.permissions import ACTOR_RULES

from ..permissions import is_finance_member
from .advances import advance_record, advance_refund_record, advance_void
from .disputes import dispute_close, dispute_escalate, dispute_log, dispute_open
from .documents import statement_pdf_render
from .finance_audit import STATEMENT
from .invoices import invoice_issue, invoice_void
from .receipts import receipt_record
from .reconciliation import reconciliation_record, statement_submit
from .statements import settlement_start, statement_set_quantities
from .sweep import overdue_sweep

# P7.2.2: Finance's own actions are taken by a member of Finance (staff or head).
ACTOR_RULES[Actor.FINANCE] = is_finance_member

__all__ = [
    "STATEMENT", "advance_record", "advance_refund_record", "advance_void", "dispute_close",
    "dispute_escalate", "dispute_log", "dispute_open",
    "invoice_issue", "invoice_void", "overdue_sweep", "receipt_record",
    "reconciliation_record", "settlement_start", "statement_pdf_render",
    "statement_set_quantities", "statement_submit",
]
