"""Logistics execution API (P5.4.2): shipments of an order (partial ones allowed), their
delivery with the proof of delivery, where each order line stands, and the over-shipment
tolerance (P11, system administrators).

Thin: reads through orderflow.execution.selectors.logistics (an invisible order answers
404), writes through orderflow.execution.services (permission, state and input there).
"""

import datetime as dt
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from orderflow.core.errors import NotFound, ValidationFailed
from orderflow.execution.models import ShipmentStatus
from orderflow.execution.selectors import logistics as selectors
from orderflow.execution.services.logistics import shipment_create, shipment_deliver
from orderflow.execution.services.settings import (
    execution_settings_get,
    execution_settings_update,
)
from orderflow.orders.selectors import visible_to

from .review import visible_order
from .schemas import ERRORS, LooseDate, LooseDecimal, LooseId, UserRef
from .schemas_config import Stamped, require_admin

router = Router(tags=["execution"])


class ShipmentLineIn(Schema):
    order_line_id: LooseId = None
    quantity: LooseDecimal = None


class ShipmentIn(Schema):
    carrier: str | None = None
    tracking_number: str | None = None
    packages_count: int | str | None = None
    shipped_on: LooseDate = None
    damage_notes: str | None = None
    lines: list[ShipmentLineIn] | None = Field(None, description="One row per order line "
                                               "shipped: order_line_id and quantity.")


class ShipmentLineOut(Schema):
    order_line_id: int
    position: int
    product: str
    unit: str
    quantity: Decimal

    @staticmethod
    def resolve_position(obj) -> int:
        return obj.order_line.position

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.order_line.product.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.order_line.unit


class ShipmentOut(Schema):
    id: int
    number: str
    order_id: int
    status: str
    status_label: str
    carrier: str
    tracking_number: str
    packages_count: int
    shipped_on: dt.date
    delivered_on: dt.date | None
    received_by: str
    damage_notes: str
    has_proof: bool
    proof_url: str | None
    created_by: UserRef
    on_behalf_of: UserRef | None
    created_at: dt.datetime
    delivered_recorded_by: UserRef | None
    delivered_recorded_at: dt.datetime | None
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_has_proof(obj) -> bool:
        return bool(obj.proof_of_delivery)

    @staticmethod
    def resolve_proof_url(obj) -> str | None:
        return f"/api/shipments/{obj.pk}/proof" if obj.proof_of_delivery else None

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class LineShippingOut(Schema):
    order_line_id: int
    position: int
    product: str
    unit: str
    ordered: Decimal
    shipped: Decimal
    delivered: Decimal
    passed_final_inspection: Decimal
    approved_concessions: Decimal
    shippable: Decimal = Field(description="Passed final inspection + approved concessions.")
    max_allowed: Decimal = Field(description="Ordered + the over-shipment tolerance.")
    remaining: Decimal
    can_ship_now: Decimal

    @staticmethod
    def resolve_order_line_id(obj) -> int:
        return obj.line.pk

    @staticmethod
    def resolve_position(obj) -> int:
        return obj.line.position

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.line.product.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.line.unit

    @staticmethod
    def resolve_passed_final_inspection(obj) -> Decimal:
        return obj.passed

    @staticmethod
    def resolve_approved_concessions(obj) -> Decimal:
        return obj.conceded


class DeliverIn(Schema):
    delivered_on: str | None = None
    received_by: str | None = None
    damage_notes: str | None = None


class ExecutionSettingsIn(Schema):
    shipment_tolerance_percent: LooseDecimal = None


class ExecutionSettingsOut(Stamped):
    shipment_tolerance_percent: Decimal


# Shipments (P5.4.2)

@router.get("/orders/{id:order_id}/shipments", response={200: list[ShipmentOut], **ERRORS},
            summary="Shipments of an order",
            description="Newest first, each with its lines. 404 if the order is not visible.")
def list_shipments(request, order_id: int):
    return selectors.shipments_for(visible_order(request, order_id))


@router.post("/orders/{id:order_id}/shipments", response={201: ShipmentOut, **ERRORS},
             summary="Ship (part of) an order",
             description="Logistics only (403 otherwise; 409 unless the order is in "
             "execution). Per line, shipped in total may exceed the ordered quantity by at "
             "most the tolerance, and never what passed final inspection plus approved "
             "concessions (422, field `lines.N.quantity`).")
def create_shipment(request, order_id: int, payload: ShipmentIn):
    shipment = shipment_create(
        order_id=order_id, actor=request.auth, carrier=payload.carrier or "",
        packages_count=payload.packages_count, shipped_on=payload.shipped_on,
        tracking_number=payload.tracking_number or "", damage_notes=payload.damage_notes or "",
        lines=[line.model_dump() for line in payload.lines] if payload.lines is not None else [])
    return Status(201, selectors.shipment_detail(shipment.pk, visible_to(request.auth)))


class ShipmentFilters(Schema):
    status: str | None = Field(None, description="shipped (not delivered yet) or delivered")
    limit: int = Field(100, ge=1, le=500)


class ShipmentListOut(ShipmentOut):
    order_number: str

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number


@router.get("/shipments", response={200: list[ShipmentListOut], **ERRORS},
            summary="Shipments of every order you see",
            description="Newest first, at most `limit`; `status=shipped` lists what is not "
            "delivered yet (the Logistics workspace, P6.1.2).")
def list_all_shipments(request, filters: Query[ShipmentFilters]):
    if filters.status and filters.status not in ShipmentStatus.values:
        raise ValidationFailed({"status": [_("Select a valid choice.")]})
    return selectors.shipments_list(visible_to(request.auth), status=filters.status or None,
                                    limit=filters.limit)


@router.get("/shipments/{id:shipment_id}", response={200: ShipmentOut, **ERRORS},
            summary="One shipment", description="404 if its order is not visible.")
def get_shipment(request, shipment_id: int):
    return selectors.shipment_detail(shipment_id, visible_to(request.auth))


@router.post("/shipments/{id:shipment_id}/deliver", response={200: ShipmentOut, **ERRORS},
             summary="Record the delivery (multipart: delivered_on, received_by, "
             "damage_notes, proof_of_delivery file)",
             description="Logistics only. 409 if already delivered; 422 if the date is in the "
             "future or before the shipping date, or the file is refused. The salesperson "
             "is notified (P6.1.1).")
def deliver_shipment(request, shipment_id: int, payload: Form[DeliverIn],
                     proof_of_delivery: File[UploadedFile | None] = None):
    shipment_deliver(shipment_id=shipment_id, actor=request.auth,
                     delivered_on=payload.delivered_on, received_by=payload.received_by or "",
                     damage_notes=payload.damage_notes or "",
                     proof_of_delivery=proof_of_delivery)
    return selectors.shipment_detail(shipment_id, visible_to(request.auth))


@router.get("/shipments/{id:shipment_id}/proof", response={404: ERRORS[404], 401: ERRORS[401]},
            summary="Download the proof of delivery",
            openapi_extra={"responses": {200: {"description": "The file"}}})
def shipment_proof(request, shipment_id: int):
    shipment = selectors.shipment_detail(shipment_id, visible_to(request.auth))
    if not shipment.proof_of_delivery:
        raise NotFound(_("This shipment has no proof of delivery."))
    return FileResponse(shipment.proof_of_delivery.open("rb"), as_attachment=True,
                        filename=shipment.proof_of_delivery.name.rsplit("/", 1)[-1])


@router.get("/orders/{id:order_id}/shipping-status", response={200: list[LineShippingOut],
                                                               **ERRORS},
            summary="Where each order line stands",
            description="Ordered, shipped, delivered, passed final inspection, approved "
            "concessions, what may ship, the maximum with the tolerance, what remains.")
def shipping_status(request, order_id: int):
    return selectors.shipped_by_line(visible_order(request, order_id))


# Configuration (P11)

def _settings_out():
    settings = execution_settings_get()
    return {"shipment_tolerance_percent": settings.shipment_tolerance_percent,
            "updated_at": settings.updated_at, "updated_by": settings.updated_by}


@router.get("/config/execution", response={200: ExecutionSettingsOut, **ERRORS},
            summary="Execution settings",
            description="The over-shipment tolerance in % of each line (P5.4.2). System "
            "administrators only.")
def get_execution_settings(request):
    require_admin(request)
    return _settings_out()


@router.put("/config/execution", response={200: ExecutionSettingsOut, **ERRORS},
            summary="Change the execution settings",
            description="0 to 100 (422 otherwise). System administrators only.")
def set_execution_settings(request, payload: ExecutionSettingsIn):
    execution_settings_update(actor=request.auth,
                              shipment_tolerance_percent=payload.shipment_tolerance_percent)
    return _settings_out()
