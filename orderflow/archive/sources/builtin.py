"""The built-in sources of a dossier (P9.1.1): the order itself, its contract and
attachments, review reports, the print log, execution records and the audit trail."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from orderflow.approval.models import ApprovalRequest, SignOff
from orderflow.audit.models import AuditEvent
from orderflow.execution.models import InspectionReport
from orderflow.release.models import OrderPrint
from orderflow.review.models import ReviewReport

from ..domain.dossier import safe_file_name
from . import ArchiveFile, Collected, register_source
from .execution import execution_files

JSON = "application/json"
PDF = "application/pdf"


def as_json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _approvals(order) -> list[dict]:
    requests = (ApprovalRequest.objects.filter(order_id=order.pk, subject_kind="order")
                .prefetch_related("stages", "tasks").order_by("round"))
    return [{"round": r.round, "chain": r.chain_name, "status": r.status,
             "content_hash": r.content_hash, "started_at": r.started_at,
             "finished_at": r.finished_at, "outcome_reason": r.outcome_reason,
             "stages": [{"position": s.position, "name": s.name, "status": s.status}
                        for s in r.stages.all()],
             "tasks": [{"assignee": t.assignee_id, "status": t.status, "acted_by": t.acted_by_id,
                        "on_behalf_of": t.on_behalf_of_id, "acted_at": t.acted_at,
                        "comment": t.comment} for t in r.tasks.all()]}
            for r in requests]


def _order_record(order) -> dict:
    header = {f.attname: getattr(order, f.attname) for f in order._meta.concrete_fields}
    return {
        "order": header,
        "lines": list(order.lines.values("position", "product_id", "product__code",
                                         "product__name", "description", "specification",
                                         "quantity", "unit", "unit_price", "amount")),
        "instalments": list(order.instalments.values("position", "percent", "trigger",
                                                     "days")),
        "special_requirements": list(order.special_requirements.values("kind",
                                                                        "description")),
        "approvals": _approvals(order),
        "sign_offs": list(SignOff.objects.filter(order_id=order.pk).values(
            "request__round", "signed_by_id", "on_behalf_of_id", "signed_at",
            "content_hash", "comment")),
    }


@register_source("order")
def order_source(order) -> Collected:
    """The order itself: header, lines, terms, approvals and sign-off (JSON)."""
    return Collected(files=[ArchiveFile(
        kind="order", title=f"订单 {order.number}", name=f"order-{order.number}.json",
        content=as_json(_order_record(order)), content_type=JSON,
        source=f"orders.order:{order.pk}", holds_prices=True)])


def _stored(file_field) -> bytes | None:
    """The bytes of a stored file, or None if there is none (yet) or it cannot be read."""
    if not file_field or not file_field.name:
        return None
    try:
        with file_field.storage.open(file_field.name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


@register_source("attachments")
def attachment_source(order) -> Collected:
    """The contract (the customer's PO) and every attachment of the order, copied."""
    result = Collected()
    for attachment in order.attachments.all().order_by("id"):
        content = _stored(attachment.file)
        if content is None:
            result.missing.append(f"附件缺失: {attachment.original_name}")
            continue
        result.files.append(ArchiveFile(
            kind="contract", title=attachment.original_name,
            name=safe_file_name(attachment.original_name), content=content,
            content_type=attachment.content_type or "application/octet-stream",
            source=f"orders.attachment:{attachment.pk}", holds_prices=True))
    return result


@register_source("review")
def review_source(order) -> Collected:
    """The review report PDFs (P3.3.3) the worker has rendered."""
    result = Collected()
    reports = (ReviewReport.objects.filter(review__order_id=order.pk)
               .select_related("review").order_by("review__round"))
    for report in reports:
        content = _stored(report.file)
        if content is None:
            result.missing.append(f"评审报告尚未生成: {report.number}")
            continue
        result.files.append(ArchiveFile(
            kind="review_report", title=f"评审报告 {report.number}",
            name=safe_file_name(f"review-report-{report.number}.pdf"), content=content,
            content_type=PDF, source=f"review.reviewreport:{report.pk}",
            holds_prices=True))   # the report prints the order's total (P9.2.2)
    return result


@register_source("print_log")
def print_log_source(order) -> Collected:
    """The printed-order log (P4.2.1): who printed which revision when (JSON)."""
    prints = list(OrderPrint.objects.filter(order_id=order.pk).order_by("printed_at", "id")
                  .values("revision", "copy_number", "sealed", "code", "content_sha256",
                          "printed_by_id", "printed_by__username", "printed_at"))
    if not prints:
        return Collected()
    return Collected(files=[ArchiveFile(
        kind="print_log", title="订单打印记录", name="print-log.json", content=as_json(prints),
        content_type=JSON, source=f"release.orderprint:order={order.pk}")])


@register_source("execution")
def execution_source(order) -> Collected:
    """Execution records (P5): a workbook without prices, one of purchases and costs, and
    the inspection report PDFs (P5.3.2) the worker has rendered."""
    result = Collected(files=execution_files(order))
    reports = InspectionReport.objects.filter(record__order_id=order.pk).order_by("issued_at")
    for report in reports:
        content = _stored(report.file)
        if content is None:
            result.missing.append(f"检验报告尚未生成: {report.number}")
            continue
        result.files.append(ArchiveFile(
            kind="execution", title=f"检验报告 {report.number}",
            name=safe_file_name(f"inspection-report-{report.number}.pdf"), content=content,
            content_type=PDF, source=f"execution.inspectionreport:{report.pk}"))
    return result


@register_source("audit")
def audit_source(order) -> Collected:
    """Every audit event of the order, with the chain's hashes (P1.3.2) where sealed: the
    latest, the archiving's own among them, are sealed within a minute (audit.seal)."""
    events = list(AuditEvent.objects.filter(object_type="orders.order",
                                            object_id=str(order.pk)).order_by("id")
                  .values("seq", "occurred_at", "actor_id", "on_behalf_of_id", "action",
                          "from_state", "to_state", "data", "request_id", "prev_hash",
                          "hash"))
    return Collected(files=[ArchiveFile(
        kind="audit_trail", title="审计记录", name="audit-trail.json", content=as_json(events),
        content_type=JSON, source=f"audit.auditevent:order={order.pk}",
        holds_prices=True)])  # edits of prices are in the events
