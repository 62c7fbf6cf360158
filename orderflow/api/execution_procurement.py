"""Procurement execution API (P5.2) and the supplier master data.

Mounted at /api/: /orders/{id}/purchase-contracts, /purchase-contracts/{id} (+ /sign,
/cancel, /close, /deliveries, /communications), /purchase-contracts/late,
/supplier-delivery-lines/{id}/inspection, /incoming-inspections/{id}/returns,
/supplier-returns/{id}/close, /suppliers, /suppliers/{id}.
Thin: reads through orderflow.execution.selectors.procurement (an invisible order answers
404), writes through orderflow.execution.services.procurement and
orderflow.masterdata.services.suppliers (permission, state and input checked there).
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from orderflow.core.errors import NotFound
from orderflow.core.pagination import paginate
from orderflow.execution.models import IncomingInspection
from orderflow.execution.selectors import procurement as selectors
from orderflow.execution.services import procurement as services
from orderflow.masterdata.services import suppliers as supplier_services
from orderflow.orders.selectors import visible_to

from .schemas import ERRORS, LooseDate, LooseDecimal, LooseId, UserRef, page_body, service_fields

router = Router(tags=["execution"])


# -- schemas ----------------------------------------------------------------------------

class SupplierRef(Schema):
    id: int
    code: str
    name: str


class ContractLineIn(Schema):
    description: str | None = None
    specification: str | None = None
    quantity: LooseDecimal = None
    unit: str | None = None
    unit_price: LooseDecimal = None
    product_id: LooseId = None


class ContractIn(Schema):
    supplier_id: LooseId = None
    contract_date: LooseDate = None
    delivery_date: LooseDate = None
    note: str = ""
    lines: list[ContractLineIn] = []


class ReasonIn(Schema):
    reason: str | None = None


class ReceiptIn(Schema):
    contract_line_id: LooseId = None
    quantity: LooseDecimal = None


class DeliveryIn(Schema):
    received_on: LooseDate = None
    note: str = ""
    lines: list[ReceiptIn] = []


class CommunicationIn(Schema):
    channel: str | None = Field(None, description="phone, email, meeting, visit, other")
    topic: str | None = Field(None, description="delay, quality, other")
    occurred_at: dt.datetime | str | None = None
    summary: str | None = None
    outcome: str = ""


class InspectionIn(Schema):
    inspected_on: LooseDate = None
    accepted_quantity: LooseDecimal = None
    rejected_quantity: LooseDecimal = None
    reason: str = ""


class ReturnIn(Schema):
    kind: str | None = Field(None, description="return or exchange")
    quantity: LooseDecimal = None
    reason: str | None = None


class ReturnCloseIn(Schema):
    resolution: str | None = None
    replacement_received_on: LooseDate = None


class ContractLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    specification: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    received_quantity: Decimal
    accepted_quantity: Decimal
    rejected_quantity: Decimal
    outstanding: Decimal


class InspectionOut(Schema):
    id: int
    inspected_on: dt.date
    accepted_quantity: Decimal
    rejected_quantity: Decimal
    reason: str
    inspector_id: int
    returnable: Decimal | None = None


class DeliveryLineOut(Schema):
    id: int
    contract_line_id: int
    quantity: Decimal
    inspection: InspectionOut | None

    @staticmethod
    def resolve_inspection(obj):
        if hasattr(obj, "inspection_or_none"):
            return obj.inspection_or_none
        return IncomingInspection.objects.filter(delivery_line_id=obj.pk).first()


class DeliveryOut(Schema):
    id: int
    received_on: dt.date
    note: str
    created_by: UserRef
    on_behalf_of_id: int | None
    created_at: dt.datetime
    lines: list[DeliveryLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ReturnOut(Schema):
    id: int
    inspection_id: int
    kind: str
    quantity: Decimal
    reason: str
    status: str
    resolution: str
    replacement_received_on: dt.date | None
    created_at: dt.datetime
    closed_at: dt.datetime | None


class CommunicationOut(Schema):
    id: int
    channel: str
    topic: str
    occurred_at: dt.datetime
    summary: str
    outcome: str
    created_by: UserRef


class ContractOut(Schema):
    id: int
    number: str
    order_id: int
    package_id: int
    supplier: SupplierRef
    contract_date: dt.date
    delivery_date: dt.date
    status: str
    note: str
    total_amount: Decimal
    signed_by: UserRef | None
    signed_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_by: UserRef
    on_behalf_of_id: int | None
    is_late: bool
    complete: bool
    actions: list[str]
    lines: list[ContractLineOut]
    deliveries: list[DeliveryOut]
    returns: list[ReturnOut]
    communications: list[CommunicationOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_deliveries(obj):
        return list(obj.deliveries.all())

    @staticmethod
    def resolve_returns(obj):
        return list(obj.returns.all())

    @staticmethod
    def resolve_communications(obj):
        return list(obj.communications.all())


class LateContractOut(Schema):
    id: int
    number: str
    order_id: int
    order_number: str
    package_id: int
    supplier: SupplierRef
    delivery_date: dt.date
    late_alerted_at: dt.datetime | None

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number


class SupplierIn(Schema):
    code: str | None = None
    name: str | None = None
    tax_id: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    categories: str | None = None
    is_active: bool | int | str | None = None


class SupplierOut(Schema):
    id: int
    code: str
    name: str
    tax_id: str
    contact_name: str
    phone: str
    email: str
    address: str
    categories: str
    is_active: bool
    updated_at: dt.datetime


class SupplierPage(Schema):
    items: list[SupplierOut]
    page: int
    page_size: int
    has_next: bool


class SupplierFiltersIn(Schema):
    q: str = ""
    status: str = Field("active", description="active, inactive or all")
    page: int = Field(1, ge=1)
    page_size: int | None = Field(None, ge=1, le=200)


# -- purchase contracts ------------------------------------------------------------------

def _visible_order(request, order_id: int):
    order = visible_to(request.auth).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def _contract(request, contract_id: int):
    return selectors.contract_detail(request.auth, contract_id)


@router.get("/orders/{id:order_id}/purchase-contracts",
            response={200: list[ContractOut], **ERRORS},
            summary="Purchase contracts of an order (P5.2)")
def list_contracts(request, order_id: int):
    return selectors.contracts_for(_visible_order(request, order_id))


@router.post("/orders/{id:order_id}/purchase-contracts",
             response={201: ContractOut, **ERRORS},
             summary="Draft a purchase contract (P5.2.1)")
def create_contract(request, order_id: int, payload: ContractIn):
    fields = service_fields(payload)
    fields["lines"] = [service_fields(line) for line in payload.lines]
    contract = services.purchase_contract_create(
        order_id=order_id, actor=request.auth, supplier_id=fields.get("supplier_id"),
        contract_date=fields.get("contract_date"), delivery_date=fields.get("delivery_date"),
        lines=fields["lines"], note=fields.get("note", ""))
    return Status(201, _contract(request, contract.pk))


@router.get("/purchase-contracts/late", response={200: list[LateContractOut], **ERRORS},
            summary="Late purchase contracts (P5.2.2)")
def list_late(request, limit: int = Query(100, ge=1, le=500)):
    return selectors.late_contracts(request.auth, limit=limit)


@router.get("/purchase-contracts/{id:contract_id}", response={200: ContractOut, **ERRORS},
            summary="One purchase contract with deliveries, inspections, returns")
def get_contract(request, contract_id: int):
    return _contract(request, contract_id)


@router.post("/purchase-contracts/{id:contract_id}/sign",
             response={200: ContractOut, **ERRORS}, summary="Sign a draft contract (P5.2.1)")
def sign_contract(request, contract_id: int):
    services.purchase_contract_sign(contract_id=contract_id, actor=request.auth)
    return _contract(request, contract_id)


@router.post("/purchase-contracts/{id:contract_id}/cancel",
             response={200: ContractOut, **ERRORS},
             summary="Cancel a contract with nothing received")
def cancel_contract(request, contract_id: int, payload: ReasonIn):
    services.purchase_contract_cancel(contract_id=contract_id, actor=request.auth,
                                      reason=payload.reason)
    return _contract(request, contract_id)


@router.post("/purchase-contracts/{id:contract_id}/close",
             response={200: ContractOut, **ERRORS},
             summary="Close a contract: all received, inspected, no open return")
def close_contract(request, contract_id: int):
    services.purchase_contract_close(contract_id=contract_id, actor=request.auth)
    return _contract(request, contract_id)


@router.post("/purchase-contracts/{id:contract_id}/deliveries",
             response={201: DeliveryOut, **ERRORS},
             summary="Record goods received from the supplier (P5.2.2)")
def record_delivery(request, contract_id: int, payload: DeliveryIn):
    return Status(201, services.supplier_delivery_record(
        contract_id=contract_id, actor=request.auth, received_on=payload.received_on,
        note=payload.note, lines=[service_fields(line) for line in payload.lines]))


@router.post("/purchase-contracts/{id:contract_id}/communications",
             response={201: CommunicationOut, **ERRORS},
             summary="Log a communication with the supplier (P5.2.2)")
def log_communication(request, contract_id: int, payload: CommunicationIn):
    return Status(201, services.supplier_communication_log(
        contract_id=contract_id, actor=request.auth, **service_fields(payload)))


@router.post("/supplier-delivery-lines/{id:line_id}/inspection",
             response={201: InspectionOut, **ERRORS},
             summary="Record the incoming inspection of a delivered item (P5.2.3)")
def record_inspection(request, line_id: int, payload: InspectionIn):
    return Status(201, services.incoming_inspection_record(
        delivery_line_id=line_id, actor=request.auth, **service_fields(payload)))


@router.post("/incoming-inspections/{id:inspection_id}/returns",
             response={201: ReturnOut, **ERRORS},
             summary="Return or exchange rejected goods (P5.2.3)")
def open_return(request, inspection_id: int, payload: ReturnIn):
    return Status(201, services.supplier_return_open(
        inspection_id=inspection_id, actor=request.auth, kind=payload.kind,
        quantity=payload.quantity, reason=payload.reason))


@router.post("/supplier-returns/{id:return_id}/close", response={200: ReturnOut, **ERRORS},
             summary="Close a return or exchange (P5.2.3)")
def close_return(request, return_id: int, payload: ReturnCloseIn):
    return services.supplier_return_close(return_id=return_id, actor=request.auth,
                                          **service_fields(payload))


# -- suppliers (P5.2.1) ------------------------------------------------------------------

@router.get("/suppliers", response={200: SupplierPage, **ERRORS}, summary="List suppliers")
def list_suppliers(request, filters: Query[SupplierFiltersIn]):
    qs = selectors.supplier_list(request.auth, q=filters.q, status=filters.status)
    return page_body(paginate(qs, filters.page, filters.page_size))


@router.post("/suppliers", response={201: SupplierOut, **ERRORS},
             summary="Create a supplier (Procurement, system admins)")
def create_supplier(request, payload: SupplierIn):
    fields = service_fields(payload)
    fields.pop("is_active", None)
    supplier = supplier_services.supplier_create(
        actor=request.auth, code=fields.pop("code", None), name=fields.pop("name", None),
        **fields)
    return Status(201, supplier)


@router.get("/suppliers/{id:supplier_id}", response={200: SupplierOut, **ERRORS},
            summary="One supplier")
def get_supplier(request, supplier_id: int):
    return selectors.supplier_detail(request.auth, supplier_id)


@router.patch("/suppliers/{id:supplier_id}", response={200: SupplierOut, **ERRORS},
              summary="Edit a supplier (is_active=false deactivates it)")
def update_supplier(request, supplier_id: int, payload: SupplierIn):
    return supplier_services.supplier_update(supplier_id=supplier_id, actor=request.auth,
                                             **service_fields(payload))
