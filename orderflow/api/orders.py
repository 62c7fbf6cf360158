"""Orders (P2.1.1, P2.2): list, detail, create, edit, lifecycle actions, attachments, timeline.

Thin: every read goes through a selector (invisible orders answer 404), every write
through a service (which checks permission, state and input, and writes the audit log).
"""

import datetime as dt
from decimal import Decimal

from ninja import Body, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from orderflow.audit.selectors import events_for
from orderflow.core.pagination import paginate
from orderflow.intake import selectors as intake_selectors
from orderflow.intake import services as intake_services
from orderflow.intake.messages import explain, severity_label
from orderflow.orders import selectors, services

from .schemas import (
    ERRORS,
    AttachmentOut,
    OrderDetail,
    OrderIn,
    OrderPage,
    OrderUpdateIn,
    UserRef,
    page_body,
    service_fields,
    state_label,
)

router = Router(tags=["orders"])



class OrderFiltersIn(Schema):
    status: str = Field("", description="One state or several, comma-separated.")
    customer_id: int | None = None
    salesperson_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    special_only: bool = False
    q: str = ""
    page: int = Field(1, ge=1)
    page_size: int | None = Field(None, ge=1, le=200)

    def to_filters(self) -> selectors.OrderFilters:
        def text(value):
            return "" if value is None else str(value)

        return selectors.OrderFilters(
            status=self.status, customer_id=self.customer_id,
            salesperson_id=self.salesperson_id, date_from=self.date_from,
            date_to=self.date_to, amount_min=text(self.amount_min),
            amount_max=text(self.amount_max), q=self.q, special_only=self.special_only)


class ActionIn(Schema):
    reason: str | None = None
    comment: str | None = Field(None, description="A remark some actions record, e.g. the "
                                "Sales head's when signing off (P4.1.2).")


class TimelineEvent(Schema):
    seq: int | None  # its place in the audit chain; null until sealed (within a minute)
    occurred_at: dt.datetime
    action: str
    actor: UserRef | None
    on_behalf_of: UserRef | None
    from_state: str
    from_state_label: str
    to_state: str
    to_state_label: str
    data: dict
    changes: list[dict]
    request_id: str

    @staticmethod
    def resolve_from_state_label(obj) -> str:
        return state_label(obj.from_state)

    @staticmethod
    def resolve_to_state_label(obj) -> str:
        return state_label(obj.to_state)

    @staticmethod
    def resolve_changes(obj) -> list[dict]:
        # P2.2.1 field-level history: who changed which field from what to what.
        return list((obj.data or {}).get("changes", []))


def _detail(request, order_id: int):
    return selectors.order_detail(request.auth, order_id)


@router.get("", response={200: OrderPage, **ERRORS}, summary="List orders")
def list_orders(request, filters: Query[OrderFiltersIn]):
    qs = selectors.order_list(request.auth, filters.to_filters())
    return page_body(paginate(qs, filters.page, filters.page_size))


@router.post("", response={201: OrderDetail, **ERRORS}, summary="Create an order")
def create_order(request, payload: OrderIn):
    order = services.order_create(actor=request.auth, **service_fields(payload))
    # The service hands back the order with its lines as written: no second read.
    return Status(201, order)


@router.get("/{id:order_id}", response={200: OrderDetail, **ERRORS}, summary="One order")
def get_order(request, order_id: int):
    return _detail(request, order_id)


@router.put("/{id:order_id}", response={200: OrderDetail, **ERRORS}, summary="Edit an order")
def update_order(request, order_id: int, payload: OrderUpdateIn):
    fields = service_fields(payload)
    expected_version = fields.pop("expected_version", None)
    services.order_update(order_id=order_id, actor=request.auth,
                          expected_version=expected_version, **fields)
    return _detail(request, order_id)


@router.post("/{id:order_id}/actions/{action}", response={200: OrderDetail, **ERRORS},
             summary="Take a lifecycle action (see allowed_actions)")
def take_action(request, order_id: int, action: str, payload: Body[ActionIn | None] = None):
    reason = (payload.reason if payload else None) or ""
    extra = {"comment": payload.comment} if payload and payload.comment is not None else {}
    services.order_take_action(order_id=order_id, action=action, actor=request.auth,
                               reason=reason, **extra)
    return _detail(request, order_id)


@router.get("/{id:order_id}/timeline", response={200: list[TimelineEvent], **ERRORS},
            summary="Audit timeline of an order, newest first")
def timeline(request, order_id: int, limit: int = Query(200, ge=1, le=1000)):
    order = _detail(request, order_id)
    return list(events_for("orders.order", [order.pk], limit=limit))


# Attachments (P2.1.1)


@router.post("/{id:order_id}/attachments", response={201: AttachmentOut, **ERRORS},
             summary="Upload an attachment (multipart: file, kind)")
def add_attachment(request, order_id: int, file: File[UploadedFile | None] = None,
                   kind: Form[str] = "other"):
    attachment = services.attachment_add(order_id=order_id, actor=request.auth, upload=file,
                                         kind=kind)
    return Status(201, attachment)


@router.delete("/{id:order_id}/attachments/{id:attachment_id}",
               response={204: None, **ERRORS}, summary="Remove an attachment")
def remove_attachment(request, order_id: int, attachment_id: int):
    services.attachment_remove(order_id=order_id, attachment_id=attachment_id,
                               actor=request.auth)
    return Status(204, None)


# Preliminary check, customer communication, escalation (P2.3.1, P2.3.2)


class FindingOut(Schema):
    code: str
    severity: str
    severity_label: str
    field: str
    params: dict
    acknowledged: bool
    message: str


class CheckReportOut(Schema):
    id: int
    run_at: dt.datetime
    run_by: UserRef
    outcome: str
    outcome_label: str
    findings: list[FindingOut]

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return obj.get_outcome_display()

    @staticmethod
    def resolve_findings(obj) -> list[dict]:
        return [{**f, "acknowledged": bool(f.get("acknowledged")),
                 "severity_label": str(severity_label(f["severity"])), "message": explain(f)}
                for f in obj.findings]


class CommunicationIn(Schema):
    channel: str | None = None
    summary: str | None = None
    confirmed_findings: list[str] = Field(
        [], description="Keys (code:field) of doubtful findings the customer confirmed.")


class CommunicationOut(Schema):
    id: int
    at: dt.datetime
    author: UserRef
    channel: str
    channel_label: str
    summary: str
    confirmed_findings: list[str]

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return obj.get_channel_display()


class EscalationDecisionIn(Schema):
    accept: bool
    reason: str | None = None


@router.get("/{id:order_id}/check-reports", response={200: list[CheckReportOut], **ERRORS},
            summary="Preliminary check reports with explained findings, newest first")
def check_reports(request, order_id: int):
    return intake_selectors.check_reports_for(_detail(request, order_id), limit=50)


@router.get("/{id:order_id}/communications",
            response={200: list[CommunicationOut], **ERRORS},
            summary="Customer communication log, newest first")
def communications(request, order_id: int):
    return intake_selectors.communications_for(_detail(request, order_id))


@router.post("/{id:order_id}/communications", response={201: CommunicationOut, **ERRORS},
             summary="Log contact with the customer (P2.3.2)")
def log_communication(request, order_id: int, payload: CommunicationIn):
    entry = intake_services.communication_log(
        order_id=order_id, actor=request.auth, channel=payload.channel or "",
        summary=payload.summary or "", confirmed_findings=payload.confirmed_findings)
    return Status(201, entry)


@router.post("/{id:order_id}/escalation/decision", response={200: OrderDetail, **ERRORS},
             summary="Management accepts or declines an escalated order (P2.3.2)")
def decide_escalation(request, order_id: int, payload: EscalationDecisionIn):
    intake_services.escalation_decide(order_id=order_id, actor=request.auth,
                                      accept=payload.accept, reason=payload.reason or "")
    return _detail(request, order_id)
