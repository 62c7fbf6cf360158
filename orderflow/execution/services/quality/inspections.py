"""The inspection plan (P5.3.1), inspection records and the inspection report of passed
product, rendered by the worker (P5.3.2)."""

from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound, TransitionNotAllowed
from orderflow.core.validation import Errors

from ...domain.quality import inspection_result
from ...models.quality import (
    InspectionPlanItem,
    InspectionRecord,
    InspectionReport,
    InspectionResult,
    InspectionStage,
)
from ..common import lock_package, next_number
from ._common import (
    DEPT,
    MAX_TEXT,
    REPORT_TEMPLATE,
    _check_quantities,
    _line,
    _locked_record,
    _reinspected_notice,
)

# P5.3.1 the inspection plan

@transaction.atomic
def inspection_plan_item_add(*, order_id: int, actor, item: str, method: str, frequency: str,
                             acceptance_criteria: str = "",
                             order_line_id=None) -> InspectionPlanItem:
    """Add an item to the order's inspection plan (P5.3.1): what, how, how often.

    Raises:
        NotFound, NotPermitted (not working on the Quality package), TransitionNotAllowed
        (order not being executed, package done), ValidationFailed.
    """
    errors = Errors()
    item = errors.text("item", item, required=True, max_length=200)
    method = errors.text("method", method, required=True, max_length=200)
    frequency = errors.text("frequency", frequency, required=True, max_length=100)
    criteria = errors.text("acceptance_criteria", acceptance_criteria, max_length=MAX_TEXT)
    line_id = errors.integer("order_line_id", order_line_id, required=False)
    locked = lock_package(order_id, DEPT, actor)
    line = _line(errors, "order_line_id", locked.order, line_id)
    errors.raise_if_any()
    last = (InspectionPlanItem.objects.filter(package_id=locked.package.pk)
            .order_by("-position").values_list("position", flat=True).first()) or 0
    plan_item = InspectionPlanItem.objects.create(
        order=locked.order, package=locked.package, created_by=actor,
        on_behalf_of=locked.principal, created_at=clock.now(), order_line=line,
        position=last + 1, item=item, method=method, frequency=frequency,
        acceptance_criteria=criteria)
    audit.record(actor, "quality.plan_item_added", plan_item, on_behalf_of=locked.principal,
                 data={"order": locked.order.number, "item": item, "method": method,
                       "frequency": frequency, "order_line": line_id})
    return plan_item


# P5.3.2 inspection records

@transaction.atomic
def inspection_record_add(*, order_id: int, actor, order_line_id, stage: str, inspected_on,
                          quantity_inspected, quantity_passed, quantity_failed,
                          findings: str = "", plan_item_id=None,
                          reinspection_of_id=None) -> InspectionRecord:
    """Record an inspection of a line's product (P5.3.2); the result follows from the
    quantities: failed if any piece failed (which then needs a nonconformance notice).

    Raises:
        NotFound, NotPermitted (not working on the Quality package), TransitionNotAllowed,
        ValidationFailed (split does not add up, negative, future date, foreign line...).
    """
    errors = Errors()
    line_id = errors.integer("order_line_id", order_line_id)
    stage = errors.choice("stage", stage, InspectionStage.choices)
    inspected_on = errors.date("inspected_on", inspected_on)
    if inspected_on is not None and inspected_on > clock.today():
        errors.add("inspected_on", _("The inspection date cannot be in the future."))
    inspected = errors.decimal("quantity_inspected", quantity_inspected, positive=True,
                               places=3)
    passed = errors.decimal("quantity_passed", quantity_passed, min_value=0, places=3)
    failed = errors.decimal("quantity_failed", quantity_failed, min_value=0, places=3)
    _check_quantities(errors, inspected, passed, failed)
    findings = errors.text("findings", findings, max_length=MAX_TEXT)
    if failed and failed > 0 and not findings:
        errors.add("findings", _("Describe what failed."))
    plan_id = errors.integer("plan_item_id", plan_item_id, required=False)
    nc_id = errors.integer("reinspection_of_id", reinspection_of_id, required=False)
    locked = lock_package(order_id, DEPT, actor)
    line = _line(errors, "order_line_id", locked.order, line_id)
    plan_item = (InspectionPlanItem.objects.filter(pk=plan_id, order_id=locked.order.pk).first()
                 if plan_id is not None else None)
    if plan_id is not None and plan_item is None:
        errors.add("plan_item_id", _("Select an item of this order's inspection plan."))
    notice = _reinspected_notice(errors, locked.order, line, nc_id)
    errors.raise_if_any()
    record = InspectionRecord.objects.create(
        order=locked.order, package=locked.package, created_by=actor,
        on_behalf_of=locked.principal, created_at=clock.now(), order_line=line,
        plan_item=plan_item, stage=stage, inspected_on=inspected_on,
        quantity_inspected=inspected, quantity_passed=passed, quantity_failed=failed,
        result=inspection_result(failed), findings=findings, reinspection_of=notice)
    audit.record(actor, "quality.inspection_recorded", record, on_behalf_of=locked.principal,
                 to_state=record.result,
                 data={"order": locked.order.number, "order_line": line.pk, "stage": stage,
                       "inspected_on": inspected_on.isoformat(),
                       "quantity_inspected": str(inspected), "quantity_passed": str(passed),
                       "quantity_failed": str(failed),
                       **({"reinspection_of": notice.number} if notice else {})})
    return record

# P5.3.2 the inspection report (passed product)

@transaction.atomic
def inspection_report_issue(*, record_id: int, actor, conclusion: str) -> InspectionReport:
    """Quality issues the inspection report of a passed inspection (P5.3.2), numbered
    IR-YYYY-NNNNN, rendered as a Chinese A4 PDF.

    Raises:
        NotFound, NotPermitted (only Quality, or a deputy of a Quality member),
        TransitionNotAllowed (not passed, already reported), ValidationFailed.
    """
    errors = Errors()
    conclusion = errors.text("conclusion", conclusion, required=True, max_length=MAX_TEXT)
    locked, record = _locked_record(record_id, actor)
    errors.raise_if_any()
    if record.result != InspectionResult.PASS:
        raise TransitionNotAllowed(_("An inspection report is issued for a passed "
                                     "inspection only; a failed one needs a "
                                     "nonconformance notice."))
    if InspectionReport.objects.filter(record_id=record.pk).exists():
        raise TransitionNotAllowed(_("This inspection already has its report."))
    report = InspectionReport(record=record, conclusion=conclusion, issued_by=actor,
                              on_behalf_of=locked.principal, issued_at=clock.now(),
                              number=next_number("IR", clock.today().year))
    report.save()
    audit.record(actor, "quality.report_issued", report, on_behalf_of=locked.principal,
                 data={"order": locked.order.number, "number": report.number,
                       "record": record.pk})
    # The PDF is rendered by the worker once this commits (the number counter is not
    # held while WeasyPrint works).
    transaction.on_commit(partial(_enqueue_render, report.pk))
    return report


def _enqueue_render(report_id: int) -> None:
    from ...tasks import render_inspection_report

    render_inspection_report.enqueue(report_id=report_id)


@transaction.atomic
def inspection_report_render(*, report_id: int) -> InspectionReport:
    """Render an issued report's PDF once (the worker's task); a report that has its file
    is returned as it is, never rendered again.

    Raises:
        NotFound.
    """
    report = (InspectionReport.objects.select_for_update(of=("self",))
              .select_related("record", "record__order", "record__order_line__product",
                              "issued_by", "on_behalf_of").filter(pk=report_id).first())
    if report is None:
        raise NotFound(_("Inspection report not found."))
    if report.file:
        return report
    pdf = render_report_pdf(report, report.record.order)
    report.file.save(f"{report.number}.pdf", ContentFile(pdf), save=False)
    report.save(update_fields=["file"])
    audit.record(None, "quality.report_rendered", report,
                 data={"number": report.number, "file": report.file.name, "size": len(pdf)})
    return report


def render_report_pdf(report: InspectionReport, order) -> bytes:
    """The report as a Chinese A4 PDF (the company's record, always Chinese)."""
    from weasyprint import HTML

    record = report.record
    context = {"report": report, "record": record, "order": order,
               "line": record.order_line, "product": record.order_line.product,
               "issued": timezone.localtime(report.issued_at).strftime("%Y-%m-%d %H:%M"),
               "stage_zh": {"final": "最终检验", "in_process": "过程检验"}[record.stage],
               "issued_by": report.issued_by.display_name,
               "deputy_for": report.on_behalf_of.display_name if report.on_behalf_of else ""}
    return HTML(string=render_to_string(REPORT_TEMPLATE, context)).write_pdf()
