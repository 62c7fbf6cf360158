"""Leads (P2.1.2, P2.1.3): captured, assigned to Sales, followed up, converted or dropped."""

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from orderflow.core.pagination import paginate
from orderflow.intake import selectors
from orderflow.intake import services as intake_services
from orderflow.orders.selectors import order_detail

from .schemas import (
    ERRORS,
    CustomerRef,
    LooseDate,
    LooseDecimal,
    OrderDetail,
    OrderIn,
    UserRef,
    page_body,
    service_fields,
)

router = Router(tags=["leads"])



class LeadFiltersIn(Schema):
    status: str = Field("", description="One status or several, comma-separated.")
    channel: str = ""
    mine: bool = Field(False, description="Only leads assigned to me.")
    q: str = ""
    page: int = Field(1, ge=1)
    page_size: int | None = Field(None, ge=1, le=200)


class LeadIn(Schema):
    channel: str | None = Field(None, description="campaign, online, referral, trade_show, "
                                                  "other")
    source_detail: str | None = None
    customer_id: int | None = None
    company_name: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    need: str | None = None
    estimated_amount: LooseDecimal = None


class LeadCreateIn(LeadIn):
    assigned_to_id: int | None = None


class AssignIn(Schema):
    assigned_to_id: int | None = None


class FollowUpIn(Schema):
    note: str | None = None
    next_action_on: LooseDate = None


class DropIn(Schema):
    reason: str | None = None


class LeadOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    channel: str
    channel_label: str
    source_detail: str
    customer: CustomerRef | None
    company_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    need: str
    estimated_amount: Decimal | None
    assigned_to: UserRef | None
    drop_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return obj.get_channel_display()


class LeadPage(Schema):
    items: list[LeadOut]
    page: int
    page_size: int
    has_next: bool


class FollowUpOut(Schema):
    id: int
    author: UserRef
    at: dt.datetime
    note: str
    next_action_on: dt.date | None


class LeadDetail(LeadOut):
    created_by: UserRef
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_follow_ups(obj) -> list:
        return selectors.lead_follow_ups(obj)


def _detail(request, lead_id: int):
    return selectors.lead_detail(request.auth, lead_id)


@router.get("", response={200: LeadPage, **ERRORS}, summary="List leads")
def list_leads(request, filters: Query[LeadFiltersIn]):
    qs = selectors.lead_list(request.auth, selectors.LeadFilters(
        status=filters.status, channel=filters.channel, mine=filters.mine, q=filters.q))
    return page_body(paginate(qs, filters.page, filters.page_size))


@router.post("", response={201: LeadDetail, **ERRORS}, summary="Capture a lead")
def create_lead(request, payload: LeadCreateIn):
    lead = intake_services.lead_create(actor=request.auth, **service_fields(payload))
    return Status(201, _detail(request, lead.pk))


@router.get("/{id:lead_id}", response={200: LeadDetail, **ERRORS}, summary="One lead")
def get_lead(request, lead_id: int):
    return _detail(request, lead_id)


@router.put("/{id:lead_id}", response={200: LeadDetail, **ERRORS}, summary="Edit a lead")
def update_lead(request, lead_id: int, payload: LeadIn):
    intake_services.lead_update(lead_id=lead_id, actor=request.auth, **service_fields(payload))
    return _detail(request, lead_id)


@router.post("/{id:lead_id}/assign", response={200: LeadDetail, **ERRORS},
             summary="Assign the lead to a salesperson (P2.1.2)")
def assign_lead(request, lead_id: int, payload: AssignIn):
    intake_services.lead_assign(lead_id=lead_id, actor=request.auth,
                                assigned_to_id=payload.assigned_to_id)
    return _detail(request, lead_id)


@router.post("/{id:lead_id}/follow-ups", response={201: FollowUpOut, **ERRORS},
             summary="Record a follow-up")
def follow_up_lead(request, lead_id: int, payload: FollowUpIn):
    entry = intake_services.lead_follow_up(lead_id=lead_id, actor=request.auth,
                                           note=payload.note or "",
                                           next_action_on=payload.next_action_on)
    return Status(201, entry)


@router.post("/{id:lead_id}/drop", response={200: LeadDetail, **ERRORS},
             summary="Drop the lead with a reason")
def drop_lead(request, lead_id: int, payload: DropIn):
    intake_services.lead_drop(lead_id=lead_id, actor=request.auth, reason=payload.reason or "")
    return _detail(request, lead_id)


@router.post("/{id:lead_id}/convert", response={201: OrderDetail, **ERRORS},
             summary="Convert the lead into a draft order (P2.1.3: its channel is kept)")
def convert_lead(request, lead_id: int, payload: OrderIn):
    order = intake_services.lead_convert(lead_id=lead_id, actor=request.auth,
                                         **service_fields(payload))
    return Status(201, order_detail(request.auth, order.pk))
