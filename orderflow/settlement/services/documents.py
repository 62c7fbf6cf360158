"""The statement PDF (P7.2.1): a Chinese A4 document with the company letterhead, rendered
once by the worker after the audit, stored through the storage API, never re-rendered."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core.errors import NotFound
from orderflow.release.domain.money_words import amount_in_words
from orderflow.release.models import CompanyProfile

from ..models import SettlementStatement, StatementStatus

PDF_TEMPLATE = "settlement/statement_pdf.html"
CHANNELS_ZH = {"phone": "电话", "email": "邮件", "visit": "拜访", "wechat": "微信",
               "fax": "传真", "other": "其他"}
METHODS_ZH = {"bank_transfer": "银行转账", "acceptance_bill": "承兑汇票", "cash": "现金",
              "cheque": "支票", "other": "其他"}


def _auditor(statement: SettlementStatement) -> str:
    from orderflow.approval.models import ApprovalTask, TaskStatus

    task = (ApprovalTask.objects.filter(request__subject_kind="statement",
                                        request__subject_id=statement.pk,
                                        status=TaskStatus.APPROVED)
            .select_related("acted_by").order_by("-acted_at").first())
    return task.acted_by.display_name if task and task.acted_by else ""


def statement_pdf_bytes(statement: SettlementStatement) -> bytes:
    """The statement as the company's Chinese A4 record."""
    from weasyprint import HTML

    lines = list(statement.lines.order_by("position"))
    for line in lines:
        line.tax_percent = f"{(line.tax_rate * 100).normalize():f}"
    reconciliation = statement.reconciliations.order_by("-recorded_at", "-id").first()
    context = {
        "statement": statement, "order": statement.order, "lines": lines,
        "company": CompanyProfile.objects.filter(pk=1).first() or CompanyProfile(name=""),
        "words": amount_in_words(statement.total_gross), "reconciliation": reconciliation,
        "channel_zh": CHANNELS_ZH.get(getattr(reconciliation, "channel", ""), ""),
        "method_zh": METHODS_ZH.get(getattr(reconciliation, "payment_method", ""), ""),
        "audited": (timezone.localtime(statement.audited_at).strftime("%Y-%m-%d")
                    if statement.audited_at else ""),
        "auditor": _auditor(statement),
    }
    return HTML(string=render_to_string(PDF_TEMPLATE, context)).write_pdf()


@transaction.atomic
def statement_pdf_render(*, statement_id: int) -> SettlementStatement:
    """Render an audited statement's PDF once (the worker's task); one that has its file
    is returned as it is.

    Raises:
        NotFound.
    """
    statement = (SettlementStatement.objects.select_for_update(of=("self",))
                 .select_related("order", "order__customer", "order__salesperson",
                                 "created_by").filter(pk=statement_id).first())
    if statement is None:
        raise NotFound(_("Settlement statement not found."))
    if statement.pdf or statement.status != StatementStatus.AUDITED:
        return statement
    pdf = statement_pdf_bytes(statement)
    statement.pdf.save(f"{statement.number}.pdf", ContentFile(pdf), save=False)
    statement.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    statement.save(update_fields=["pdf", "pdf_sha256"])
    audit.record(None, "settlement.statement_rendered", statement, data={
        "number": statement.number, "file": statement.pdf.name,
        "sha256": statement.pdf_sha256, "size": len(pdf)})
    return statement
