"""The settlement documents of a dossier (P9.1.1, P7.3.2): the audited statement's PDF (as
the worker rendered it) and its Excel, and the settlement file (JSON): every statement
revision with its reconciliation, the invoices (void ones too), the advance payments (void
ones too) and the refunds of their excess, the payment schedule, the receipts, disputes
with their negotiation log, and the settlement record. All hold prices."""

from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext as _

from orderflow.documents.xlsx import XLSX_CONTENT_TYPE
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
from orderflow.settlement.selectors.exports import statement_xlsx
from orderflow.settlement.services.advances import still_to_refund

from . import ArchiveFile, Collected, register_blocker, register_source

JSON = "application/json"


def _rows(queryset, *fields) -> list[dict]:
    return list(queryset.values(*fields))


def _disputes(order) -> list[dict]:
    """The order's disputes, each with its negotiation log: two queries in all."""
    entries = defaultdict(list)
    for entry in _rows(DisputeEntry.objects.filter(dispute__order_id=order.pk)
                       .order_by("dispute_id", "id"), "dispute_id", "happened_on",
                       "channel", "summary", "outcome", "recorded_by_id", "recorded_at"):
        entries[entry.pop("dispute_id")].append(entry)
    return [{**d, "entries": entries[d["id"]]}
            for d in _rows(Dispute.objects.filter(order_id=order.pk).order_by("id"), "id",
                           "reason", "disputed_amount", "status", "legal_status",
                           "case_number", "lawyer", "resolution", "opened_by_id",
                           "opened_at")]


def settlement_record(order) -> dict:
    statements = SettlementStatement.objects.filter(order_id=order.pk).order_by("revision")
    return {
        "statements": _rows(statements, "number", "revision", "status", "currency",
                            "tax_rate", "total_net", "total_tax", "total_gross",
                            "content_hash", "created_at", "submitted_at", "audited_at",
                            "returned_at", "returned_reason"),
        "statement_lines": _rows(StatementLine.objects.filter(
            statement__order_id=order.pk).order_by("statement__revision", "position"),
            "statement__number", "position", "name", "specification", "unit",
            "delivered_quantity", "quantity", "unit_price", "amount", "tax_rate", "tax",
            "total"),
        "reconciliations": _rows(Reconciliation.objects.filter(
            statement__order_id=order.pk).order_by("id"), "statement__number", "channel",
            "contact_name", "confirmed_on", "confirmed_amount", "payment_method", "note",
            "recorded_by_id", "recorded_at"),
        "invoices": _rows(Invoice.objects.filter(order_id=order.pk).order_by("id"), "kind",
                          "number", "issued_on", "net_amount", "tax_amount", "total",
                          "amount_in_words", "issued_by_id", "issued_at", "voided_at",
                          "voided_by_id", "void_reason"),
        "advances": _rows(AdvanceReceipt.objects.filter(order_id=order.pk).order_by(
            "received_on", "id"), "id", "received_on", "amount", "method", "bank_reference",
            "note", "recorded_by_id", "recorded_at", "applied_amount", "voided_at",
            "voided_by_id", "void_reason"),
        "advance_refunds": _rows(AdvanceRefund.objects.filter(order_id=order.pk).order_by(
            "refunded_on", "id"), "id", "refunded_on", "amount", "method", "bank_reference",
            "note", "recorded_by_id", "recorded_at"),
        "schedule": _rows(Instalment.objects.filter(order_id=order.pk).order_by("position"),
                          "position", "percent", "trigger", "days", "amount", "due_date",
                          "paid_amount"),
        "receipts": _rows(Receipt.objects.filter(order_id=order.pk).order_by("id"),
                          "instalment__position", "advance_id", "received_on", "amount",
                          "method", "bank_reference", "note", "recorded_by_id",
                          "recorded_at"),
        "disputes": _disputes(order),
        "settlement_record": SettlementRecord.objects.filter(order_id=order.pk).values(
            "settled_on", "settled_at", "amount", "currency", "invoiced", "payment_methods",
            "last_received_on").first(),
    }


@register_blocker("advance_refunds")
def advances_owed_back(order) -> str:
    """P7.2.2: the advances the statement did not need are paid back before the order is
    archived (its dossier is read-only; a refund could no longer be recorded)."""
    owed = still_to_refund(order.pk)
    if owed > 0:
        return _("%(amount)s of advance payments is still to be refunded to the customer.") \
            % {"amount": f"{owed:,.2f}"}
    return ""


@register_source("settlement")
def settlement_source(order) -> Collected:
    """The statement (PDF and Excel) and the settlement file of the order."""
    from .builtin import _stored, as_json

    if not SettlementStatement.objects.filter(order_id=order.pk).exists():
        return Collected()          # nothing was settled through the system
    result = Collected(files=[ArchiveFile(
        kind="settlement", title=f"结算资料 {order.number}",
        name=f"settlement-{order.number}.json", content=as_json(settlement_record(order)),
        content_type=JSON, source=f"settlement:order={order.pk}", holds_prices=True)])
    statement = (SettlementStatement.objects.filter(order_id=order.pk, status="audited")
                 .order_by("-revision").first())
    if statement is None:
        return result
    with translation.override("zh-hans"):
        sheet = statement_xlsx(statement)
    result.files.append(ArchiveFile(
        kind="settlement", title=f"结算单 {statement.number}（Excel）",
        name=f"{statement.number}.xlsx", content=sheet, content_type=XLSX_CONTENT_TYPE,
        source=f"settlement.statement:{statement.pk}", holds_prices=True))
    pdf = _stored(statement.pdf)
    if pdf is None:
        result.missing.append(f"结算单 {statement.number} 的 PDF 尚未生成")
    else:
        result.files.append(ArchiveFile(
            kind="settlement", title=f"结算单 {statement.number}",
            name=f"{statement.number}.pdf", content=pdf, content_type="application/pdf",
            source=f"settlement.statement:{statement.pk}:pdf", holds_prices=True))
    return result
