"""Finance execution API (P5.4.3): the order's cost records (a negative one corrects an
earlier record) and its actual margin against the review's estimate (P3.2.5).

Thin: reads through orderflow.execution.selectors.finance (an invisible order answers
404), writes through orderflow.execution.services.finance.
"""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from orderflow.execution.models import CostRecord
from orderflow.execution.selectors import finance as selectors
from orderflow.execution.services.finance import cost_record_add

from .review import visible_order
from .schemas import ERRORS, LooseDate, LooseDecimal, LooseId, UserRef

router = Router(tags=["execution"])


class CostIn(Schema):
    category: str | None = None
    amount: LooseDecimal = None
    incurred_on: LooseDate = None
    description: str | None = None
    reference: str | None = None
    corrects_id: LooseId = None


class CostOut(Schema):
    id: int
    order_id: int
    category: str
    category_label: str
    amount: Decimal
    incurred_on: dt.date
    description: str
    reference: str
    corrects_id: int | None
    created_by: UserRef
    on_behalf_of: UserRef | None
    created_at: dt.datetime

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())


class CategoryCostOut(Schema):
    code: str
    label: str
    amount: Decimal


class MarginOut(Schema):
    revenue: Decimal
    currency: str
    estimated_cost: Decimal | None
    estimated_margin: Decimal | None
    estimated_margin_percent: Decimal | None
    by_category: list[CategoryCostOut]
    actual_cost: Decimal
    actual_margin: Decimal
    actual_margin_percent: Decimal | None
    margin_difference: Decimal | None
    margin_percent_difference: Decimal | None
    cost_difference: Decimal | None
    review_round: int | None
    below_estimate: bool


@router.get("/orders/{id:order_id}/costs", response={200: list[CostOut], **ERRORS},
            summary="Cost records of an order",
            description="Newest first; corrections are negative and name the record they "
            "correct. 404 if the order is not visible.")
def list_costs(request, order_id: int):
    return selectors.costs_seen_by(request.auth, visible_order(request, order_id))


@router.post("/orders/{id:order_id}/costs", response={201: CostOut, **ERRORS},
             summary="Record a cost (or correct one)",
             description="Finance only (403 otherwise; 409 unless the order is in execution). "
             "Category materials|labour|overhead|freight|other; the amount is not zero; a "
             "negative amount needs corrects_id: a record of the same order and category it "
             "does not exceed (422 field by field).")
def add_cost(request, order_id: int, payload: CostIn):
    record = cost_record_add(order_id=order_id, actor=request.auth,
                             category=payload.category or "", amount=payload.amount,
                             incurred_on=payload.incurred_on,
                             description=payload.description or "",
                             reference=payload.reference or "", corrects_id=payload.corrects_id)
    return Status(201, CostRecord.objects.select_related("created_by", "on_behalf_of")
                  .get(pk=record.pk))


@router.get("/orders/{id:order_id}/margin", response={200: MarginOut, **ERRORS},
            summary="Actual margin against the estimate",
            description="Revenue is the amount before tax; the estimate is Finance's opinion "
            "in the latest concluded review round (P3.2.5). Percent differences are in "
            "points (actual - estimated).")
def order_margin(request, order_id: int):
    return selectors.margin_seen_by(request.auth, visible_order(request, order_id))
