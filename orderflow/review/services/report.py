"""The review report (P3.3.3, P3.4.1, P3.4.2): compiled from the opinions when a round
concludes, its content hashed, rendered once as a Chinese PDF and never changed."""

import hashlib
import json
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.orders.models import Order

from ..domain.major import REASON_NAMES_ZH
from ..domain.opinions import CONCLUSION_NAMES_ZH, detail_rows
from ..models import OpinionAttachment, OpinionStatus, Review, ReviewReport

REPORT_TEMPLATE = "review/report_pdf.html"
ORDER_TYPE_NAMES_ZH = {"standard": "标准产品", "customised": "定制产品", "sample": "样品",
                       "service": "服务"}


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def _opinion_entry(opinion) -> dict:
    return {
        "position": opinion.position, "department": opinion.department.code,
        "department_name": opinion.department.name, "status": opinion.status,
        "reviewer": _person(opinion.reviewer), "on_behalf_of": _person(opinion.on_behalf_of),
        "assigned_at": opinion.assigned_at, "due_at": opinion.due_at,
        "submitted_at": opinion.submitted_at, "conclusion": opinion.conclusion,
        "conditions": opinion.conditions, "text": opinion.text,
        "details": opinion.details,
        "detail_rows": detail_rows(opinion.department.code, opinion.details),
        "attachments": [{"name": a.original_name, "size": a.size, "sha256": a.sha256}
                        for a in opinion.attachments.all()],
    }


def compile_content(*, review: Review, order: Order, actor, conditions: str,
                    on_behalf_of_id: int | None, number: str, issued_at) -> dict:
    """Everything the report says, as JSON: order facts, each department's opinion
    (department, reviewer, deputy, time, conclusion, conditions, text, details), the
    panel and the overall conclusion."""
    opinions = (review.opinions.exclude(status=OpinionStatus.WITHDRAWN)
                .select_related("department", "reviewer", "on_behalf_of")
                .prefetch_related(Prefetch("attachments", OpinionAttachment.objects.all())))
    deputy_for = User.objects.filter(pk=on_behalf_of_id).first() if on_behalf_of_id else None
    content = {
        "number": number, "issued_at": issued_at, "issued_by": _person(actor),
        "order": {
            "id": order.pk, "number": order.number, "customer": order.customer.name,
            "customer_code": order.customer.code, "order_type": order.order_type,
            "order_date": order.order_date, "delivery_date": order.delivery_date,
            "total_gross": order.total_gross, "currency": order.currency,
            "salesperson": _person(order.salesperson),
            "special_requirements": [{"kind": r.kind, "description": r.description}
                                     for r in order.special_requirements.all()],
            "content_hash": review.content_hash,
        },
        "review": {"id": review.pk, "round": review.round, "is_major": review.is_major,
                   "major_reasons": list(review.major_reasons),
                   "started_at": review.started_at, "started_by": _person(review.started_by),
                   "chair": _person(review.chair)},
        "opinions": [_opinion_entry(o) for o in opinions],
        "panel": ({"concluded_by": _person(actor), "on_behalf_of": _person(deputy_for),
                   "text": review.conclusion_text, "conditions": conditions}
                  if review.is_major else None),
        "conclusion": review.conclusion, "conclusion_text": review.conclusion_text,
        "conditions": conditions,
    }
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False))


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue_report(*, review: Review, order: Order, actor, conditions: str = "",
                 on_behalf_of_id: int | None = None) -> ReviewReport:
    """Issue the concluded round's report (number RR-<order number>-<round>)."""
    issued_at = clock.now()
    number = f"RR-{order.number}-{review.round}"
    content = compile_content(review=review, order=order, actor=actor, conditions=conditions,
                              on_behalf_of_id=on_behalf_of_id, number=number,
                              issued_at=issued_at)
    # Audited with the conclusion ("review.concluded" names the report and its hash).
    return ReviewReport.objects.create(
        review=review, number=number, conclusion=review.conclusion, content=content,
        content_sha256=content_sha256(content), issued_at=issued_at, issued_by=actor)


# -- the PDF ---------------------------------------------------------------------------

def _local(value: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    moment = parse_datetime(value) if value else None
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def _day(value: str | None) -> str:
    day = parse_date(value) if value else None
    return day.isoformat() if day else ""


def pdf_context(content: dict) -> dict:
    """The template's context, from the report's frozen content only."""
    order, review = content["order"], content["review"]
    opinions = [{**o, "conclusion_zh": CONCLUSION_NAMES_ZH.get(o["conclusion"], "待定"),
                 "submitted": _local(o["submitted_at"]), "due": _local(o["due_at"])}
                for o in content["opinions"]]
    return {
        "c": content, "order": order, "review": review, "opinions": opinions,
        "order_type_zh": ORDER_TYPE_NAMES_ZH.get(order["order_type"], order["order_type"]),
        "order_date": _day(order["order_date"]), "delivery_date": _day(order["delivery_date"]),
        "total_gross": f"{Decimal(order['total_gross']):,.2f}",
        "reasons_zh": [REASON_NAMES_ZH.get(r, r) for r in review["major_reasons"]],
        "conclusion_zh": CONCLUSION_NAMES_ZH.get(content["conclusion"], ""),
        "issued": _local(content["issued_at"]), "started": _local(review["started_at"]),
    }


def render_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(REPORT_TEMPLATE, pdf_context(content))).write_pdf()


@transaction.atomic
def report_render(*, report_id: int) -> ReviewReport:
    """Render the report's PDF once and store it with its SHA-256; a report that has a
    file is returned as it is, never rendered again (P3.4.2).

    Raises:
        NotFound.
    """
    report = ReviewReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("Review report not found."))
    if report.file:
        return report
    pdf = render_pdf(report.content)
    report.file.save(f"{report.number}.pdf", ContentFile(pdf), save=False)
    report.file_sha256 = hashlib.sha256(pdf).hexdigest()
    report.rendered_at = clock.now()
    report.save(update_fields=["file", "file_sha256", "rendered_at"])
    audit.record(None, "review.report_rendered", report,
                 data={"file": report.file.name, "file_sha256": report.file_sha256,
                       "size": len(pdf)})
    return report
