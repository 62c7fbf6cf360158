"""Schemas of the settlement API (P7)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema

from orderflow.settlement.selectors.exports import STATUS_LABELS

from .schemas import LooseDate, LooseDecimal, OrderNumberRef, UserRef


class StatementLineOut(Schema):
    order_line_id: int
    position: int
    name: str
    specification: str
    unit: str
    delivered_quantity: Decimal
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal


class StatementOut(Schema):
    id: int
    order_id: int
    number: str
    revision: int
    status: str
    status_label: str
    currency: str
    tax_rate: Decimal
    total_net: Decimal
    total_tax: Decimal
    total_gross: Decimal
    content_hash: str
    created_by: UserRef
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    audited_at: dt.datetime | None
    returned_at: dt.datetime | None
    returned_reason: str
    pdf_url: str | None
    xlsx_url: str
    lines: list[StatementLineOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_pdf_url(obj) -> str | None:
        return f"/api/statements/{obj.pk}/pdf" if obj.pdf else None

    @staticmethod
    def resolve_xlsx_url(obj) -> str:
        return f"/api/statements/{obj.pk}/xlsx"

    @staticmethod
    def resolve_lines(obj) -> list:
        return sorted(obj.lines.all(), key=lambda ln: ln.position)


class ReconciliationOut(Schema):
    id: int
    channel: str
    contact_name: str
    confirmed_on: dt.date
    confirmed_amount: Decimal
    payment_method: str
    note: str
    recorded_by: UserRef
    recorded_at: dt.datetime


class InvoiceOut(Schema):
    id: int
    order_id: int
    kind: str
    kind_label: str
    number: str
    issued_on: dt.date
    net_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    amount_in_words: str
    issued_by: UserRef
    issued_at: dt.datetime
    is_void: bool
    voided_at: dt.datetime | None
    void_reason: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class ReceiptOut(Schema):
    id: int
    instalment_id: int
    received_on: dt.date
    amount: Decimal
    method: str
    bank_reference: str
    note: str
    recorded_by: UserRef
    recorded_at: dt.datetime


class _MoneyMovedOut(Schema):
    """What Finance recorded of money received or paid back (settlement.MoneyMoved)."""

    id: int
    order_id: int
    amount: Decimal
    method: str
    method_label: str
    bank_reference: str
    note: str
    recorded_by: UserRef
    recorded_at: dt.datetime

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())


class AdvanceOut(_MoneyMovedOut):
    received_on: dt.date
    applied_amount: Decimal
    refunded_amount: Decimal
    status: str
    status_label: str
    is_void: bool
    voided_at: dt.datetime | None
    voided_by: UserRef | None
    void_reason: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.status_label)


class AdvanceRefundOut(_MoneyMovedOut):
    refunded_on: dt.date


class AdvancesOut(Schema):
    order_id: int
    currency: str
    order_total: Decimal
    total: Decimal
    applied: Decimal
    unapplied: Decimal
    refunded: Decimal
    excess: Decimal
    is_open: bool
    count: int
    truncated: bool
    items: list[AdvanceOut]
    refund_count: int
    refunds: list[AdvanceRefundOut]

    @staticmethod
    def resolve_order_id(obj) -> int:
        return obj.order.pk

    @staticmethod
    def resolve_currency(obj) -> str:
        return obj.order.currency

    @staticmethod
    def resolve_order_total(obj) -> Decimal:
        return obj.order.total_gross

    @staticmethod
    def resolve_items(obj) -> list:
        return obj.rows


class InstalmentOut(Schema):
    id: int
    position: int
    percent: Decimal
    trigger: str
    days: int
    amount: Decimal
    due_date: dt.date
    paid_amount: Decimal
    due: Decimal
    status: str
    status_label: str
    receipts: list[ReceiptOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(STATUS_LABELS.get(obj.status, obj.status))

    @staticmethod
    def resolve_receipts(obj) -> list:
        return list(obj.receipts.all())


class DisputeEntryOut(Schema):
    id: int
    happened_on: dt.date
    channel: str
    summary: str
    outcome: str
    recorded_by: UserRef


class DisputeOut(Schema):
    id: int
    order_id: int
    reason: str
    disputed_amount: Decimal
    status: str
    status_label: str
    legal_status: str
    case_number: str
    lawyer: str
    resolution: str
    opened_by: UserRef
    opened_at: dt.datetime
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None
    entries: list[DisputeEntryOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(obj.entries.all())


class RecordOut(Schema):
    id: int
    order: OrderNumberRef
    customer_id: int
    customer_name: str
    settled_on: dt.date
    amount: Decimal
    currency: str
    invoiced: Decimal
    payment_methods: list[str]
    last_received_on: dt.date
    statement_number: str

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_statement_number(obj) -> str:
        return obj.statement.number


class AuditOut(Schema):
    round: int
    status: str
    outcome_reason: str


class SettlementOut(Schema):
    order_id: int
    order_status: str
    statement: StatementOut | None
    returned: list[StatementOut]
    reconciliation: ReconciliationOut | None
    audit: AuditOut | None
    invoices: list[InvoiceOut]
    instalments: list[InstalmentOut]
    disputes: list[DisputeOut]
    record: RecordOut | None
    advances: AdvancesOut | None
    invoiced: Decimal
    collected: Decimal
    outstanding: Decimal
    overdue: Decimal
    advance_excess: Decimal

    @staticmethod
    def resolve_order_id(obj) -> int:
        return obj.order.pk

    @staticmethod
    def resolve_order_status(obj) -> str:
        return obj.order.status


class OpenInstalmentOut(Schema):
    id: int
    order: OrderNumberRef
    position: int
    amount: Decimal
    due_date: dt.date
    paid_amount: Decimal
    due: Decimal
    status: str
    status_label: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(STATUS_LABELS.get(obj.status, obj.status))


class ReceivableOut(Schema):
    customer_id: int
    customer_code: str
    customer_name: str
    outstanding: Decimal
    overdue: Decimal
    instalments: list[OpenInstalmentOut]

    @staticmethod
    def resolve_customer_id(obj) -> int:
        return obj.customer.pk

    @staticmethod
    def resolve_customer_code(obj) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name


class QuantitiesIn(Schema):
    quantities: dict[str, LooseDecimal] = {}


class ReconciliationIn(Schema):
    channel: str | None = None
    contact_name: str | None = None
    confirmed_on: LooseDate = None
    confirmed_amount: LooseDecimal = None
    payment_method: str | None = None
    note: str | None = None


class InvoiceIn(Schema):
    kind: str | None = None
    number: str | None = None
    issued_on: LooseDate = None
    net_amount: LooseDecimal = None
    tax_amount: LooseDecimal = None


class ReasonIn(Schema):
    reason: str | None = None


class ReceiptIn(Schema):
    received_on: LooseDate = None
    amount: LooseDecimal = None
    method: str | None = None
    bank_reference: str | None = None
    note: str | None = None


class AdvanceIn(Schema):
    received_on: LooseDate = None
    amount: LooseDecimal = None
    method: str | None = None
    bank_reference: str | None = None
    note: str | None = None


class AdvanceRefundIn(Schema):
    refunded_on: LooseDate = None
    amount: LooseDecimal = None
    method: str | None = None
    bank_reference: str | None = None
    note: str | None = None


class DisputeIn(Schema):
    reason: str | None = None
    disputed_amount: LooseDecimal = None


class DisputeEntryIn(Schema):
    happened_on: LooseDate = None
    channel: str | None = None
    summary: str | None = None
    outcome: str | None = None


class EscalateIn(Schema):
    legal_status: str | None = None
    case_number: str | None = None
    lawyer: str | None = None


class CloseIn(Schema):
    resolution: str | None = None
    outcome: str | None = None
