"""Quality execution services (P5.3, P5.4.2): the inspection plan, inspection records, the
inspection report for passed product, the nonconformance notice for failed product followed
to closure (cause, corrective action, passed re-inspection), and concessions that let a
quantity ship without a passed final inspection.

Recipe of every write: validate the input, lock the order then the Quality package, check
who, validate what the input refers to (all field errors at once), check the state, write,
audit, notify. Nothing is written when anything fails.
"""

from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.accounts.permissions import is_management
from orderflow.accounts.selectors import acting_for, delegators_of, department_head, users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.models import OrderLine
from orderflow.orders.permissions import is_order_owner
from orderflow.release.permissions import package_authority

from ..domain.quality import ZERO, inspection_result, is_covered, split_adds_up
from ..models.quality import (
    Concession,
    ConcessionStatus,
    InspectionPlanItem,
    InspectionRecord,
    InspectionReport,
    InspectionResult,
    InspectionStage,
    NCStatus,
    NonconformanceNotice,
)
from .common import lock_package, next_number, order_id_of

DEPT = "quality"
MAX_TEXT = 4000
REPORT_TEMPLATE = "execution/quality/report_pdf.html"
_QTY = DecimalField(max_digits=16, decimal_places=3)


def _line(errors: Errors, field: str, order, line_id) -> OrderLine | None:
    line = (OrderLine.objects.select_related("product").filter(pk=line_id, order_id=order.pk)
            .first() if line_id is not None else None)
    if line_id is not None and line is None:
        errors.add(field, _("Select a line of this order."))
    return line


def _package_url(locked) -> str:
    return f"/work-packages/{locked.package.pk}/"


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

def _check_quantities(errors: Errors, inspected, passed, failed) -> None:
    if None in (inspected, passed, failed):
        return
    if any(errors.errors.get(f) for f in ("quantity_inspected", "quantity_passed",
                                           "quantity_failed")):
        return
    if not split_adds_up(inspected, passed, failed):
        errors.add("quantity_failed", _("Passed and failed must add up to the quantity "
                                        "inspected (%(n)s).") % {"n": inspected.normalize()})


def _reinspected_notice(errors: Errors, order, line, nc_id) -> NonconformanceNotice | None:
    """A re-inspection follows a corrective action on the same line (P5.3.2)."""
    if nc_id is None:
        return None
    notice = (NonconformanceNotice.objects.select_related("record")
              .filter(pk=nc_id, order_id=order.pk).first())
    if notice is None:
        errors.add("reinspection_of_id", _("Select a nonconformance notice of this order."))
    elif line is not None and notice.record.order_line_id != line.pk:
        errors.add("reinspection_of_id", _("The notice is about another order line."))
    elif notice.status != NCStatus.CORRECTIVE_ACTION:
        errors.add("reinspection_of_id", _("Re-inspect once the corrective action is "
                                           "recorded and before the notice is closed."))
    return notice


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


def _locked_record(record_id: int, actor):
    locked = lock_package(order_id_of(InspectionRecord, record_id), DEPT, actor)
    record = (InspectionRecord.objects.select_for_update(of=("self",))
              .select_related("order_line", "order_line__product")
              .get(pk=record_id, order_id=locked.order.pk))
    return locked, record


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
    from ..tasks import render_inspection_report

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


# P5.3.2 nonconformance notices (failed product), followed to closure

@transaction.atomic
def nonconformance_issue(*, record_id: int, actor, description: str,
                         quantity) -> NonconformanceNotice:
    """Quality issues a nonconformance notice for failed product (P5.3.2), numbered
    NC-YYYY-NNNNN; Production's members and the salesperson are told.

    Raises:
        NotFound, NotPermitted (only Quality), TransitionNotAllowed (inspection passed),
        ValidationFailed (no description, quantity beyond what failed).
    """
    errors = Errors()
    description = errors.text("description", description, required=True, max_length=MAX_TEXT)
    quantity = errors.decimal("quantity", quantity, positive=True, places=3)
    locked, record = _locked_record(record_id, actor)
    if record.result != InspectionResult.FAIL:
        errors.raise_if_any()
        raise TransitionNotAllowed(_("A nonconformance notice is issued for a failed "
                                     "inspection only."))
    noticed = (NonconformanceNotice.objects.filter(record_id=record.pk)
               .aggregate(s=Sum("quantity"))["s"]) or ZERO
    left = record.quantity_failed - noticed
    if quantity is not None and not errors.errors.get("quantity") and quantity > left:
        errors.add("quantity", _("At most the failed quantity not yet noticed (%(n)s).")
                   % {"n": left.normalize()})
    errors.raise_if_any()
    notice = NonconformanceNotice.objects.create(
        record=record, order=locked.order, product=record.order_line.product,
        number=next_number("NC", clock.today().year), description=description,
        quantity=quantity, issued_by=actor, on_behalf_of=locked.principal,
        issued_at=clock.now())
    audit.record(actor, "quality.nonconformance_issued", notice, to_state=NCStatus.OPEN,
                 on_behalf_of=locked.principal,
                 data={"order": locked.order.number, "number": notice.number,
                       "record": record.pk, "quantity": str(quantity)})
    notify(recipients=[*users_with(dept=Dept.PRODUCTION), locked.order.salesperson],
           kind="quality.nonconformance", body=description, url=_package_url(locked),
           title=gettext_lazy("Nonconformance %(number)s on order %(order)s"),
           params={"number": notice.number, "order": locked.order.number})
    return notice


def _production_principal(actor) -> tuple[bool, int | None]:
    """P5.1.3: Production's members fix what failed (or their deputy today)."""
    if actor.dept_code == Dept.PRODUCTION:
        return True, None
    principals = delegators_of(actor, on=clock.today())
    principal = (User.objects.filter(pk__in=principals, is_active=True,
                                     department__code=Dept.PRODUCTION)
                 .order_by("id").values_list("pk", flat=True).first()) if principals else None
    return principal is not None, principal


def _locked_notice(nc_id: int, actor):
    locked = lock_package(order_id_of(NonconformanceNotice, nc_id), DEPT, actor, member=False)
    notice = (NonconformanceNotice.objects.select_for_update(of=("self",))
              .select_related("record").get(pk=nc_id, order_id=locked.order.pk))
    return locked, notice


def _not_in(notice, status: str, message) -> None:
    if notice.status != status:
        raise TransitionNotAllowed(message)


@transaction.atomic
def nonconformance_action(*, nc_id: int, actor, cause: str,
                          corrective_action: str) -> NonconformanceNotice:
    """Record the cause and the corrective action of a notice (P5.3.2, P5.1.3): open ->
    corrective action. Quality or Production (who fix it) may record it.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (not open), ValidationFailed.
    """
    errors = Errors()
    cause = errors.text("cause", cause, required=True, max_length=MAX_TEXT)
    action = errors.text("corrective_action", corrective_action, required=True,
                         max_length=MAX_TEXT)
    locked, notice = _locked_notice(nc_id, actor)
    may, principal_id = package_authority(actor, locked.package)
    if not may:
        may, principal_id = _production_principal(actor)
    if not may:
        raise NotPermitted(_("Only Quality or Production records the corrective action."))
    errors.raise_if_any()
    _not_in(notice, NCStatus.OPEN, _("The corrective action is recorded on an open notice."))
    principal = User.objects.get(pk=principal_id) if principal_id else None
    notice.cause, notice.corrective_action = cause, action
    notice.status, notice.action_by, notice.action_at = (NCStatus.CORRECTIVE_ACTION, actor,
                                                         clock.now())
    notice.save(update_fields=["cause", "corrective_action", "status", "action_by",
                               "action_at"])
    audit.record(actor, "quality.nonconformance_action", notice, from_state=NCStatus.OPEN,
                 to_state=NCStatus.CORRECTIVE_ACTION, on_behalf_of=principal,
                 data={"number": notice.number, "cause": cause, "corrective_action": action})
    notify(recipients=[notice.issued_by], kind="quality.nonconformance_action",
           body=action, url=_package_url(locked),
           title=gettext_lazy("Corrective action on %(number)s: re-inspect"),
           params={"number": notice.number})
    return notice


@transaction.atomic
def nonconformance_close(*, nc_id: int, actor, reinspection_record_id) -> NonconformanceNotice:
    """Quality closes a notice on a passed re-inspection of the same line (P5.3.2).

    Raises:
        NotFound, NotPermitted (only Quality), TransitionNotAllowed (no corrective action
        yet, or closed), ValidationFailed (the re-inspection does not fit).
    """
    errors = Errors()
    record_id = errors.integer("reinspection_record_id", reinspection_record_id)
    locked, notice = _locked_notice(nc_id, actor)
    may, principal_id = package_authority(actor, locked.package)
    if not may:
        raise NotPermitted(_("Only Quality closes a nonconformance notice."))
    errors.raise_if_any()
    _not_in(notice, NCStatus.CORRECTIVE_ACTION,
            _("A notice is closed after its corrective action, once only."))
    record = InspectionRecord.objects.filter(pk=record_id, order_id=locked.order.pk).first()
    if record is None:
        errors.add("reinspection_record_id", _("Select an inspection of this order."))
    elif (record.reinspection_of_id != notice.pk
          or record.order_line_id != notice.record.order_line_id):
        errors.add("reinspection_record_id", _("Select the re-inspection recorded for this "
                                               "notice."))
    elif record.result != InspectionResult.PASS:
        errors.add("reinspection_record_id", _("The re-inspection did not pass."))
    errors.raise_if_any()
    principal = User.objects.get(pk=principal_id) if principal_id else None
    notice.status, notice.closed_by, notice.closed_at = NCStatus.CLOSED, actor, clock.now()
    notice.save(update_fields=["status", "closed_by", "closed_at"])
    audit.record(actor, "quality.nonconformance_closed", notice,
                 from_state=NCStatus.CORRECTIVE_ACTION, to_state=NCStatus.CLOSED,
                 on_behalf_of=principal,
                 data={"number": notice.number, "reinspection": record.pk})
    return notice


# P5.4.2 concessions

def _total(qs, field: str):
    return Coalesce(Subquery(qs.values("order_line").annotate(s=Sum(field)).values("s")),
                    Value(ZERO), output_field=_QTY)


def lines_with_cover(order_id: int):
    """The order's lines with what is covered or asked for: passed at final inspection
    (any result: passed pieces are passed), approved and requested concessions (P5.4.2).
    One query; Logistics ships at most passed + approved per line."""
    concessions = Concession.objects.filter(order_line=OuterRef("pk"))
    finals = InspectionRecord.objects.filter(order_line=OuterRef("pk"),
                                             stage=InspectionStage.FINAL)
    return (OrderLine.objects.filter(order_id=order_id).select_related("product")
            .annotate(passed=_total(finals, "quantity_passed"),
                      approved=_total(concessions.filter(status=ConcessionStatus.APPROVED),
                                      "quantity"),
                      requested=_total(concessions.filter(status=ConcessionStatus.REQUESTED),
                                       "quantity")))


def _requester_authority(actor, locked) -> tuple[bool, int | None]:
    """P5.4.2: the order's salesperson (or Sales head, or their deputy) or Quality."""
    if is_order_owner(actor, locked.order):
        return True, None
    may, principal = acting_for(actor, [locked.order.salesperson_id], on=clock.today())
    if may:
        return may, principal
    return package_authority(actor, locked.package)


@transaction.atomic
def concession_request(*, order_id: int, actor, order_line_id, quantity, reason: str,
                       nonconformance_id=None) -> Concession:
    """Ask to ship a quantity of a line without a passed final inspection (P5.4.2); the
    Quality head is told. At most what is neither passed nor conceded nor asked for.

    Raises:
        NotFound, NotPermitted (not the salesperson nor Quality), TransitionNotAllowed,
        ValidationFailed.
    """
    errors = Errors()
    line_id = errors.integer("order_line_id", order_line_id)
    quantity = errors.decimal("quantity", quantity, positive=True, places=3)
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    nc_id = errors.integer("nonconformance_id", nonconformance_id, required=False)
    locked = lock_package(order_id, DEPT, actor, member=False)
    may, principal_id = _requester_authority(actor, locked)
    if not may:
        raise NotPermitted(_("Only the order's salesperson or Quality asks for a "
                             "concession."))
    line = _line(errors, "order_line_id", locked.order, line_id)
    notice = (NonconformanceNotice.objects.select_related("record")
              .filter(pk=nc_id, order_id=locked.order.pk).first() if nc_id else None)
    if nc_id is not None and (notice is None or line is None
                              or notice.record.order_line_id != line.pk):
        errors.add("nonconformance_id", _("Select a notice about this order line."))
    if line is not None and quantity is not None and not errors.errors.get("quantity"):
        cover = lines_with_cover(locked.order.pk).get(pk=line.pk)
        left = max(ZERO, line.quantity - cover.passed - cover.approved - cover.requested)
        if quantity > left:
            errors.add("quantity", _("At most the quantity neither passed nor conceded nor "
                                     "asked for (%(n)s).") % {"n": left.normalize()})
    errors.raise_if_any()
    principal = User.objects.get(pk=principal_id) if principal_id else None
    concession = Concession.objects.create(
        order=locked.order, order_line=line, nonconformance=notice, quantity=quantity,
        reason=reason, requested_by=actor, requested_at=clock.now())
    audit.record(actor, "quality.concession_requested", concession, on_behalf_of=principal,
                 to_state=ConcessionStatus.REQUESTED,
                 data={"order": locked.order.number, "order_line": line.pk,
                       "quantity": str(quantity), "reason": reason,
                       **({"nonconformance": notice.number} if notice else {})})
    notify(recipients=[department_head(Dept.QUALITY)], kind="quality.concession_requested",
           body=reason, url=_package_url(locked),
           title=gettext_lazy("Concession requested on order %(order)s"),
           params={"order": locked.order.number})
    return concession


def _decider_authority(actor) -> tuple[bool, int | None]:
    """P5.4.2: the Quality head (or their deputy today), a division leader or the GM."""
    if is_management(actor):
        return True, None
    head = department_head(Dept.QUALITY)
    if head is None:
        return False, None
    return acting_for(actor, [head.pk], on=clock.today())


@transaction.atomic
def concession_decide(*, concession_id: int, actor, approve: bool,
                      note: str = "") -> Concession:
    """Approve or reject a concession (P5.4.2); never by whoever asked; a rejection says
    why. The requester is told.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (already decided), ValidationFailed.
    """
    errors = Errors()
    note = errors.text("note", note, required=not approve, max_length=MAX_TEXT)
    locked = lock_package(order_id_of(Concession, concession_id), DEPT, actor, member=False)
    concession = (Concession.objects.select_for_update(of=("self",))
                  .select_related("requested_by").get(pk=concession_id,
                                                      order_id=locked.order.pk))
    may, principal_id = _decider_authority(actor)
    if not may or concession.requested_by_id == actor.pk:
        raise NotPermitted(_("The Quality head or management decides a concession, never "
                             "the one who asked for it."))
    errors.raise_if_any()
    if concession.status != ConcessionStatus.REQUESTED:
        raise TransitionNotAllowed(_("This concession is already decided."))
    status = ConcessionStatus.APPROVED if approve else ConcessionStatus.REJECTED
    principal = User.objects.get(pk=principal_id) if principal_id else None
    concession.status, concession.decision_note = status, note
    concession.decided_by, concession.on_behalf_of = actor, principal
    concession.decided_at = clock.now()
    concession.save(update_fields=["status", "decision_note", "decided_by", "on_behalf_of",
                                   "decided_at"])
    audit.record(actor, f"quality.concession_{status}", concession, on_behalf_of=principal,
                 from_state=ConcessionStatus.REQUESTED, to_state=status,
                 data={"order": locked.order.number, "quantity": str(concession.quantity),
                       "note": note})
    notify(recipients=[concession.requested_by], kind="quality.concession_decided",
           body=note, url=_package_url(locked),
           title=(gettext_lazy("Concession approved on order %(order)s") if approve else
                  gettext_lazy("Concession rejected on order %(order)s")),
           params={"order": locked.order.number})
    return concession


# The completion guard (P5)

def completion_blockers(package) -> list[str]:
    """Why Quality cannot finish yet: a line not covered by passed final inspections plus
    approved concessions (P5.3.2, P5.4.2), a notice not closed, a concession undecided."""
    reasons = []
    for line in lines_with_cover(package.order_id):
        if not is_covered(line.quantity, line.passed, line.approved):
            reasons.append(_("line %(position)s (%(product)s): %(done)s of %(qty)s passed "
                             "final inspection or conceded")
                           % {"position": line.position, "product": line.product.name,
                              "done": (line.passed + line.approved).normalize(),
                              "qty": line.quantity.normalize()})
    numbers = list(NonconformanceNotice.objects.filter(order_id=package.order_id)
                   .exclude(status=NCStatus.CLOSED).values_list("number", flat=True))
    if numbers:
        reasons.append(_("nonconformance notices not closed: %(numbers)s")
                       % {"numbers": ", ".join(numbers)})
    waiting = Concession.objects.filter(order_id=package.order_id,
                                        status=ConcessionStatus.REQUESTED).count()
    if waiting:
        reasons.append(_("%(n)s concession request(s) awaiting a decision") % {"n": waiting})
    return reasons
