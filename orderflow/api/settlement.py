"""Settlement API (P7): the order's settlement (statement, reconciliation, audit status,
invoices, payment schedule and receipts, disputes, record, advance payments), its writes,
the advance payments received before the audit and the refunds of their excess, the
receivables and the settlement records.

Starting the settlement is the order action `start_settlement` (POST
/api/orders/{id}/actions/start_settlement); Finance audits the statement through the
approval tasks (/api/inbox, POST /api/approval-tasks/{id}/approve|reject). The Excel
exports of records and receivables are background exports (POST /api/exports with kind
`settlement_records` or `receivables`). Thin: reads through orderflow.settlement
selectors (an invisible order answers 404), writes through its services.
"""

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from orderflow.core.errors import NotFound
from orderflow.documents.xlsx import XLSX_CONTENT_TYPE
from orderflow.settlement import selectors, services
from orderflow.settlement.models import AdvanceRefund, Dispute, Invoice, Receipt

from .review import visible_order
from .schemas import ERRORS
from .schemas_settlement import (
    AdvanceIn,
    AdvanceOut,
    AdvanceRefundIn,
    AdvanceRefundOut,
    AdvancesOut,
    CloseIn,
    DisputeEntryIn,
    DisputeEntryOut,
    DisputeIn,
    DisputeOut,
    EscalateIn,
    InvoiceIn,
    InvoiceOut,
    QuantitiesIn,
    ReasonIn,
    ReceiptIn,
    ReceiptOut,
    ReceivableOut,
    ReconciliationIn,
    ReconciliationOut,
    RecordOut,
    SettlementOut,
    StatementOut,
)

router = Router(tags=["settlement"])
_SALES = "The order's salesperson or the Sales head (403 otherwise); "
_FINANCE = "Finance staff or head (403 otherwise); "


@router.get("/orders/{id:order_id}/settlement", response={200: SettlementOut, **ERRORS},
            summary="The order's settlement",
            description="The live statement with its lines (earlier returned revisions in "
            "`returned`), the customer's reconciliation, the audit round, invoices (void "
            "ones marked), the payment schedule with receipts and derived status, disputes "
            "with their negotiation log, the settlement record once settled, the advance "
            "payments (as GET /advances), and the sums invoiced, collected, outstanding, "
            "overdue and `advance_excess` (advances the statement did not need, less the "
            "refunds: still to be refunded). 404 if the order is invisible.")
def order_settlement(request, order_id: int):
    return selectors.settlement_for(request.auth, visible_order(request, order_id))


@router.get("/statements/{id:statement_id}", response={200: StatementOut, **ERRORS},
            summary="A settlement statement")
def get_statement(request, statement_id: int):
    return selectors.statement_for(request.auth, statement_id)


@router.put("/statements/{id:statement_id}/quantities", response={200: StatementOut, **ERRORS},
            summary="Correct the quantities settled",
            description=_SALES + "a draft only (409). `quantities` maps order line ids to "
            "the quantity settled: never negative, never more than delivered (422 per "
            "`lines.<order line id>`). Totals are recomputed to the fen.")
def set_quantities(request, statement_id: int, payload: QuantitiesIn):
    services.statement_set_quantities(statement_id=statement_id, actor=request.auth,
                                      quantities=payload.quantities)
    return selectors.statement_for(request.auth, statement_id)


@router.post("/statements/{id:statement_id}/reconciliation",
             response={201: ReconciliationOut, **ERRORS},
             summary="Record the customer's confirmation (P7.1.2)",
             description=_SALES + "a draft only (409). channel phone|email|visit|wechat|"
             "fax|other; confirmed_amount must equal the statement total; payment_method "
             "bank_transfer|acceptance_bill|cash|cheque|other; the date not in the future.")
def reconcile(request, statement_id: int, payload: ReconciliationIn):
    return Status(201, services.reconciliation_record(
        statement_id=statement_id, actor=request.auth, channel=payload.channel or "",
        contact_name=payload.contact_name or "", confirmed_on=payload.confirmed_on,
        confirmed_amount=payload.confirmed_amount, payment_method=payload.payment_method or "",
        note=payload.note or ""))


@router.post("/statements/{id:statement_id}/submit", response={200: StatementOut, **ERRORS},
             summary="Submit the statement to Finance's audit (P7.2.2)",
             description=_SALES + "409 unless a draft reconciled at its current total; "
             "starts the approval round of the chain `statement`.")
def submit(request, statement_id: int):
    services.statement_submit(statement_id=statement_id, actor=request.auth)
    return selectors.statement_for(request.auth, statement_id)


@router.get("/statements/{id:statement_id}/pdf", response={200: None, **ERRORS},
            summary="The audited statement's PDF", description="404 until rendered.")
def statement_pdf(request, statement_id: int):
    statement = selectors.statement_for(request.auth, statement_id)
    if not statement.pdf:
        raise NotFound(_("The PDF is not ready."))
    return FileResponse(statement.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{statement.number}.pdf")


@router.get("/statements/{id:statement_id}/xlsx", response={200: None, **ERRORS},
            summary="The statement as Excel")
def statement_excel(request, statement_id: int):
    statement = selectors.statement_for(request.auth, statement_id)
    response = HttpResponse(selectors.statement_xlsx(statement),
                            content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{statement.number}.xlsx"'
    return response


@router.post("/orders/{id:order_id}/invoices", response={201: InvoiceOut, **ERRORS},
             summary="Record an invoice",
             description=_FINANCE + "409 before the audit. kind vat_special|vat_ordinary; "
             "number of 8 or 20 digits, unique per kind; date not in the future; "
             "net_amount > 0, tax_amount >= 0; the invoices' totals never exceed the "
             "statement total (422). The last amount needed may settle the order.")
def issue_invoice(request, order_id: int, payload: InvoiceIn):
    invoice = services.invoice_issue(
        order_id=order_id, actor=request.auth, kind=payload.kind or "",
        number=payload.number or "", issued_on=payload.issued_on,
        net_amount=payload.net_amount, tax_amount=payload.tax_amount)
    return Status(201, Invoice.objects.select_related("issued_by").get(pk=invoice.pk))


@router.post("/invoices/{id:invoice_id}/void", response={200: InvoiceOut, **ERRORS},
             summary="Void an invoice (红冲)",
             description=_FINANCE + "with a reason (422); 409 if already void.")
def void_invoice(request, invoice_id: int, payload: ReasonIn):
    invoice = services.invoice_void(invoice_id=invoice_id, actor=request.auth,
                                    reason=payload.reason or "")
    return Invoice.objects.select_related("issued_by").get(pk=invoice.pk)


@router.post("/instalments/{id:instalment_id}/receipts", response={201: ReceiptOut, **ERRORS},
             summary="Record a receipt",
             description=_FINANCE + "409 unless the order is in settlement and audited. "
             "Never more than the instalment still owes, date not in the future (422). "
             "The receipt completing invoicing and collection settles the order.")
def add_receipt(request, instalment_id: int, payload: ReceiptIn):
    receipt = services.receipt_record(
        instalment_id=instalment_id, actor=request.auth, received_on=payload.received_on,
        amount=payload.amount, method=payload.method or "",
        bank_reference=payload.bank_reference or "", note=payload.note or "")
    return Status(201, Receipt.objects.select_related("recorded_by").get(pk=receipt.pk))


@router.get("/orders/{id:order_id}/advances", response={200: AdvancesOut, **ERRORS},
            summary="The order's advance payments (P7.1.1)",
            description="Who may see prices (403 otherwise; 404 if the order is invisible): "
            "the advance payments (预收款) oldest first, at most 200 in `items` (`count` has "
            "them all, voided ones too), the live `total`, what the audit `applied` to the "
            "payment schedule, the `refunded` sum with the `refunds` (oldest first, at most "
            "200; `refund_count` has them all), and the `excess` the statement did not need "
            "less the refunds: still to be refunded. Each item's status: pending (not yet "
            "applied), applied, partly_applied, refund (to be refunded), refunded, voided; "
            "`refunded_amount` is its share of the refunds, the oldest advance first.")
def list_advances(request, order_id: int):
    return selectors.advances_for(request.auth, visible_order(request, order_id))


@router.post("/orders/{id:order_id}/advances", response={201: AdvanceOut, **ERRORS},
             summary="Record an advance payment (P7.1.1)",
             description=_FINANCE + "from the order's sign-off until Finance audits the "
             "settlement statement (409 before or after; after the audit, record receipts "
             "against the instalments). received_on not in the future nor before the order "
             "date; amount > 0; method bank_transfer|acceptance_bill|cash|cheque|other; the "
             "live advances never exceed the order total (422 per field). The audit applies "
             "them to the schedule as receipts.")
def record_advance(request, order_id: int, payload: AdvanceIn):
    advance = services.advance_record(
        order_id=order_id, actor=request.auth, received_on=payload.received_on,
        amount=payload.amount, method=payload.method or "",
        bank_reference=payload.bank_reference or "", note=payload.note or "")
    return Status(201, selectors.advance_for(request.auth, advance.pk))


@router.post("/orders/{id:order_id}/advance-refunds", response={201: AdvanceRefundOut, **ERRORS},
             summary="Record a refund of the excess advance payments (预收款退款)",
             description=_FINANCE + "once Finance has audited the settlement statement, "
             "until the order is archived (409 otherwise). refunded_on not in the future nor "
             "before the first advance payment; amount > 0 and at most what is still to be "
             "refunded (the advances the statement did not need less the refunds already "
             "recorded); method bank_transfer|acceptance_bill|cash|cheque|other (422 per "
             "field).")
def record_advance_refund(request, order_id: int, payload: AdvanceRefundIn):
    refund = services.advance_refund_record(
        order_id=order_id, actor=request.auth, refunded_on=payload.refunded_on,
        amount=payload.amount, method=payload.method or "",
        bank_reference=payload.bank_reference or "", note=payload.note or "")
    return Status(201, AdvanceRefund.objects.select_related("recorded_by").get(pk=refund.pk))


@router.post("/advances/{id:advance_id}/void", response={200: AdvanceOut, **ERRORS},
             summary="Void an advance payment",
             description=_FINANCE + "a wrong entry, with a reason (422); kept and no longer "
             "counted. 409 if already void or once the audit applied the advances.")
def void_advance(request, advance_id: int, payload: ReasonIn):
    services.advance_void(advance_id=advance_id, actor=request.auth,
                          reason=payload.reason or "")
    return selectors.advance_for(request.auth, advance_id)


def _dispute(dispute_id: int):
    return Dispute.objects.select_related("opened_by").prefetch_related(
        "entries__recorded_by").get(pk=dispute_id)


@router.post("/orders/{id:order_id}/disputes", response={201: DisputeOut, **ERRORS},
             summary="Open a dispute (P7.2.3)", description=_SALES + "in settlement (409).")
def open_dispute(request, order_id: int, payload: DisputeIn):
    dispute = services.dispute_open(order_id=order_id, actor=request.auth,
                                    reason=payload.reason or "",
                                    disputed_amount=payload.disputed_amount)
    return Status(201, _dispute(dispute.pk))


@router.post("/disputes/{id:dispute_id}/entries", response={201: DisputeEntryOut, **ERRORS},
             summary="Log a negotiation step", description=_SALES + "409 once closed.")
def log_dispute(request, dispute_id: int, payload: DisputeEntryIn):
    return Status(201, services.dispute_log(
        dispute_id=dispute_id, actor=request.auth, happened_on=payload.happened_on,
        channel=payload.channel or "", summary=payload.summary or "",
        outcome=payload.outcome or ""))


@router.post("/disputes/{id:dispute_id}/escalate", response={200: DisputeOut, **ERRORS},
             summary="Escalate to legal action, or update its status",
             description=_SALES + "legal_status required; 409 once closed.")
def escalate_dispute(request, dispute_id: int, payload: EscalateIn):
    services.dispute_escalate(dispute_id=dispute_id, actor=request.auth,
                              legal_status=payload.legal_status or "",
                              case_number=payload.case_number or "",
                              lawyer=payload.lawyer or "")
    return _dispute(dispute_id)


@router.post("/disputes/{id:dispute_id}/close", response={200: DisputeOut, **ERRORS},
             summary="Resolve or close a dispute",
             description=_SALES + "outcome resolved|closed, resolution required.")
def close_dispute(request, dispute_id: int, payload: CloseIn):
    services.dispute_close(dispute_id=dispute_id, actor=request.auth,
                           resolution=payload.resolution or "",
                           outcome=payload.outcome or "resolved")
    return _dispute(dispute_id)


class ReceivableFilters(Schema):
    customer: int | None = None
    overdue: bool = False


@router.get("/receivables", response={200: list[ReceivableOut], **ERRORS},
            summary="Receivables per customer",
            description="Finance, the Sales head and management (403 otherwise): open "
            "instalments of orders in settlement per customer, outstanding and overdue, "
            "most overdue first. Excel: POST /api/exports with kind `receivables`.")
def list_receivables(request, filters: Query[ReceivableFilters]):
    return selectors.receivables(request.auth, customer_id=filters.customer,
                                 overdue_only=filters.overdue)


class RecordFilters(Schema):
    date_from: str | None = None
    date_to: str | None = None
    customer: int | None = None


@router.get("/settlement-records", response={200: list[RecordOut], **ERRORS},
            summary="Settlement records (P7.3.1)",
            description="Of the orders you see, newest first (200 at most): settled date "
            "from/to (YYYY-MM-DD, 422 otherwise), customer id. Excel: POST /api/exports "
            "with kind `settlement_records`.")
def list_records(request, filters: Query[RecordFilters]):
    return selectors.settlement_records(request.auth, date_from=filters.date_from,
                                        date_to=filters.date_to,
                                        customer_id=filters.customer)
