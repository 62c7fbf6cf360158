"""Quality execution API (P5.3, P5.4.2): the inspection plan, inspections, inspection
reports (PDF), nonconformance notices to closure and their statistics, concessions.

Thin: reads through orderflow.execution.selectors.quality (an invisible order answers 404),
writes through orderflow.execution.services.quality (who, state and input checked there).
"""

import datetime as dt
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from orderflow.core.errors import NotFound, NotPermitted
from orderflow.execution.selectors import quality as selectors
from orderflow.execution.services import quality as services

from .review import visible_order
from .schemas import ERRORS, ErrorOut, LooseDate, LooseDecimal, LooseId, ProductRef, UserRef

router = Router(tags=["execution"])


# Schemas

class PlanItemIn(Schema):
    item: str | None = Field(None, description="What is inspected (required).")
    method: str | None = Field(None, description="How (required).")
    frequency: str | None = Field(None, description="How often (required).")
    acceptance_criteria: str | None = None
    order_line_id: LooseId = Field(None, description="A line of the order, or none for all.")


class PlanItemOut(Schema):
    id: int
    order_id: int
    position: int
    order_line_id: int | None
    item: str
    method: str
    frequency: str
    acceptance_criteria: str
    created_by: UserRef
    created_at: dt.datetime


class RecordIn(Schema):
    order_line_id: LooseId = None
    stage: str | None = Field(None, description="in_process or final")
    inspected_on: LooseDate = Field(None, description="Not in the future.")
    quantity_inspected: LooseDecimal = Field(None, description="Greater than zero.")
    quantity_passed: LooseDecimal = Field(None, description="Passed + failed = inspected.")
    quantity_failed: LooseDecimal = None
    findings: str | None = Field(None, description="Required when any piece failed.")
    plan_item_id: LooseId = None
    reinspection_of_id: LooseId = Field(None, description="The nonconformance notice this "
                                        "re-inspection follows (after its corrective action).")


class ReportOut(Schema):
    id: int
    record_id: int
    number: str
    conclusion: str
    issued_by: UserRef
    on_behalf_of: UserRef | None
    issued_at: dt.datetime
    pdf_url: str | None

    @staticmethod
    def resolve_pdf_url(obj) -> str | None:
        return f"/api/inspection-reports/{obj.pk}/pdf" if obj.file else None


class NonconformanceOut(Schema):
    id: int
    number: str
    order_id: int
    record_id: int
    product_id: int
    description: str
    quantity: Decimal
    status: str
    status_label: str
    cause: str
    corrective_action: str
    issued_by: UserRef
    issued_at: dt.datetime
    action_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class RecordOut(Schema):
    id: int
    order_id: int
    order_line_id: int
    product: ProductRef = Field(description="The order line's product.")
    plan_item_id: int | None
    stage: str
    inspected_on: dt.date
    quantity_inspected: Decimal
    quantity_passed: Decimal
    quantity_failed: Decimal
    result: str
    findings: str
    reinspection_of_id: int | None
    created_by: UserRef
    on_behalf_of: UserRef | None
    created_at: dt.datetime
    report: ReportOut | None
    nonconformances: list[NonconformanceOut]

    @staticmethod
    def resolve_product(obj):
        return obj.order_line.product

    @staticmethod
    def resolve_report(obj):
        return getattr(obj, "report", None)

    @staticmethod
    def resolve_nonconformances(obj):
        return list(obj.nonconformances.all()) if obj.pk else []


class ReportIn(Schema):
    conclusion: str | None = Field(None, description="The inspection's conclusion (required).")


class NonconformanceIn(Schema):
    description: str | None = Field(None, description="What does not conform (required).")
    quantity: LooseDecimal = Field(None, description="At most the failed quantity.")


class ActionIn(Schema):
    cause: str | None = None
    corrective_action: str | None = None


class CloseIn(Schema):
    reinspection_record_id: LooseId = Field(None, description="The passed re-inspection.")


class ConcessionIn(Schema):
    order_line_id: LooseId = None
    quantity: LooseDecimal = None
    reason: str | None = None
    nonconformance_id: LooseId = None


class DecideIn(Schema):
    approve: bool = Field(description="True approves, false rejects.")
    note: str | None = Field(None, description="Required to reject.")


class ConcessionOut(Schema):
    id: int
    order_id: int
    order_line_id: int
    nonconformance_id: int | None
    quantity: Decimal
    reason: str
    status: str
    requested_by: UserRef
    requested_at: dt.datetime
    decided_by: UserRef | None
    on_behalf_of: UserRef | None
    decided_at: dt.datetime | None
    decision_note: str


class StatisticsRow(Schema):
    month: dt.date = Field(description="The first day of the month the notices were issued.")
    product_id: int
    product_code: str
    product_name: str
    notices: int
    quantity: Decimal
    closed: int
    avg_days_to_close: Decimal | None = Field(description="Of the closed notices.")


_QUALITY_ONLY = "Quality members (or their deputy) only: 403 for others, 404 if the order is " \
                "not visible, 409 if the order is not being executed, 422 field by field."


# The inspection plan (P5.3.1)

@router.get("/orders/{id:order_id}/inspection-plan", response={200: list[PlanItemOut], **ERRORS},
            summary="The order's inspection plan (P5.3.1)")
def plan(request, order_id: int):
    return selectors.plan_for(visible_order(request, order_id))


@router.post("/orders/{id:order_id}/inspection-plan", response={201: PlanItemOut, **ERRORS},
             summary="Add an inspection plan item", description=_QUALITY_ONLY)
def plan_add(request, order_id: int, payload: PlanItemIn):
    return Status(201, services.inspection_plan_item_add(
        order_id=order_id, actor=request.auth, **payload.dict()))


# Inspections (P5.3.2)

@router.get("/orders/{id:order_id}/inspections", response={200: list[RecordOut], **ERRORS},
            summary="The order's inspections, with their report and notices")
def inspections(request, order_id: int):
    return selectors.records_for(visible_order(request, order_id))


@router.post("/orders/{id:order_id}/inspections", response={201: RecordOut, **ERRORS},
             summary="Record an inspection",
             description="The result follows: failed if any piece failed. " + _QUALITY_ONLY)
def inspection_add(request, order_id: int, payload: RecordIn):
    record = services.inspection_record_add(order_id=order_id, actor=request.auth,
                                            **payload.dict())
    return Status(201, selectors.record_for(request.auth, record.pk))


@router.get("/inspections/{id:record_id}", response={200: RecordOut, **ERRORS},
            summary="One inspection")
def inspection(request, record_id: int):
    return selectors.record_for(request.auth, record_id)


@router.post("/inspections/{id:record_id}/report", response={201: ReportOut, **ERRORS},
             summary="Issue the inspection report (passed inspections)",
             description="Numbered IR-YYYY-NNNNN, rendered as PDF; one per inspection "
             "(409 again or for a failed inspection). " + _QUALITY_ONLY)
def report_issue(request, record_id: int, payload: ReportIn):
    return Status(201, services.inspection_report_issue(
        record_id=record_id, actor=request.auth, conclusion=payload.conclusion or ""))


@router.get("/inspection-reports/{id:report_id}/pdf", response={404: ErrorOut, 401: ErrorOut},
            summary="An inspection report as PDF",
            openapi_extra={"responses": {200: {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string",
                                                           "format": "binary"}}}}}})
def report_pdf(request, report_id: int):
    report = selectors.report_for(request.auth, report_id)
    if not report.file:
        raise NotFound(_("Inspection report not found."))
    return FileResponse(report.file.open("rb"), content_type="application/pdf",
                        filename=f"{report.number}.pdf")


# Nonconformance notices (P5.3.2, P5.3.3)

@router.post("/inspections/{id:record_id}/nonconformance",
             response={201: NonconformanceOut, **ERRORS},
             summary="Issue a nonconformance notice (failed inspections)",
             description="Numbered NC-YYYY-NNNNN; quantity at most the failed quantity not "
             "yet noticed; Production and the salesperson are told. " + _QUALITY_ONLY)
def nonconformance_issue(request, record_id: int, payload: NonconformanceIn):
    return Status(201, services.nonconformance_issue(
        record_id=record_id, actor=request.auth, description=payload.description or "",
        quantity=payload.quantity))


@router.post("/nonconformances/{id:nc_id}/action", response={200: NonconformanceOut, **ERRORS},
             summary="Record the cause and corrective action",
             description="Quality or Production; open -> corrective_action (409 otherwise).")
def nonconformance_action(request, nc_id: int, payload: ActionIn):
    return services.nonconformance_action(nc_id=nc_id, actor=request.auth,
                                          cause=payload.cause or "",
                                          corrective_action=payload.corrective_action or "")


@router.post("/nonconformances/{id:nc_id}/close", response={200: NonconformanceOut, **ERRORS},
             summary="Close a notice on its passed re-inspection",
             description="Quality only; corrective_action -> closed (409 otherwise); the "
             "re-inspection must be of the same line, for this notice, and passed (422).")
def nonconformance_close(request, nc_id: int, payload: CloseIn):
    return services.nonconformance_close(nc_id=nc_id, actor=request.auth,
                                         reinspection_record_id=payload.reinspection_record_id)


@router.get("/nonconformances", response={200: list[NonconformanceOut], **ERRORS},
            summary="Nonconformance notices",
            description="Of the orders you see, newest first. status: open (default: not "
                        "closed), all, or corrective_action / closed; limit up to 500.")
def nonconformance_list(request, status: str = "open", limit: int = 100):
    return selectors.nonconformances(request.auth, status=status, limit=limit)


@router.get("/quality/nonconformance-statistics", response={200: list[StatisticsRow], **ERRORS},
            summary="Nonconformances per product and month (P5.3.3)",
            description="Query: from, to (YYYY-MM-DD; default the last twelve months), "
                        "product (id). Quality, Production, Technology, management.")
def nc_statistics(request):
    if not selectors.may_see_statistics(request.auth):
        raise NotPermitted()
    date_from, date_to, product_id = selectors.statistics_filters(request.GET,
                                                                   strict=True)
    return selectors.nc_statistics(date_from=date_from, date_to=date_to,
                                   product_id=product_id)


# Concessions (P5.4.2)

@router.get("/orders/{id:order_id}/concessions", response={200: list[ConcessionOut], **ERRORS},
            summary="The order's concessions")
def concessions(request, order_id: int):
    return selectors.concessions_for(visible_order(request, order_id))


@router.post("/orders/{id:order_id}/concessions", response={201: ConcessionOut, **ERRORS},
             summary="Ask for a concession",
             description="To ship a quantity of a line without a passed final inspection: "
             "the order's salesperson or Quality; at most what is not yet passed, conceded "
             "or asked for (422).")
def concession_request(request, order_id: int, payload: ConcessionIn):
    return Status(201, services.concession_request(order_id=order_id, actor=request.auth,
                                                   **payload.dict()))


@router.post("/concessions/{id:concession_id}/decide", response={200: ConcessionOut, **ERRORS},
             summary="Approve or reject a concession",
             description="The Quality head (or deputy) or management, never the requester "
             "(403); once only (409); a rejection needs a note (422).")
def concession_decide(request, concession_id: int, payload: DecideIn):
    return services.concession_decide(concession_id=concession_id, actor=request.auth,
                                      approve=payload.approve, note=payload.note or "")
