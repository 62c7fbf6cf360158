"""Schemas shared by the API's routers.

Input schemas are deliberately loose (a quantity may be a string or a number, a
date a string): the services validate field by field and answer with every problem
at once, keyed by field path (e.g. `lines.0.quantity`). Decimals go out as strings.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from orderflow.orders.domain.lifecycle import ACTIONS
from orderflow.orders.labels import ACTION_LABELS, STATE_LABELS

# What the services accept as a number or a date; they answer "Enter a number." etc.
LooseDecimal = Decimal | int | str | None
LooseDate = dt.date | str | None
LooseId = int | str | None


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state)) if state else ""


# Shared references


class UserRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class OrderNumberRef(Schema):
    """The order a record of a cross-order list belongs to."""

    id: int
    number: str


class CustomerRef(Schema):
    id: int
    code: str
    name: str


class ProductRef(Schema):
    id: int
    code: str
    name: str
    unit: str


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool

    @classmethod
    def of(cls, action: str) -> "ActionOut":
        return cls(action=action, label=str(ACTION_LABELS.get(action, action)),
                   needs_reason=ACTIONS[action].needs_reason)


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


# The error answers every endpoint documents (see api/base.py for the mapping).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut}


# Order input (P2.2.1, P2.2.2)


class LineIn(Schema):
    product_id: LooseId = None
    quantity: LooseDecimal = None
    unit_price: LooseDecimal = None
    unit: str | None = None
    specification: str | None = None
    description: str | None = None


class InstalmentIn(Schema):
    percent: LooseDecimal = None
    trigger: str | None = None
    days: int | str | None = None


class RequirementIn(Schema):
    kind: str | None = None
    description: str | None = None


class OrderIn(Schema):
    """An order's content; `order_date` defaults to today, `tax_rate` to the company's."""

    customer_id: LooseId = None
    contact_id: LooseId = None
    contact_name: str | None = None
    contact_phone: str | None = None
    customer_po: str | None = None
    channel: str | None = Field(None, description="phone, email, fax, visit, campaign, ...")
    order_type: str | None = Field(None, description="standard (default), customised, sample, "
                                   "service")
    order_date: LooseDate = None
    delivery_date: LooseDate = None
    delivery_place: str | None = None
    tax_rate: LooseDecimal = None
    notes: str | None = None
    salesperson_id: LooseId = None
    lines: list[LineIn] = []
    instalments: list[InstalmentIn] = []
    special_requirements: list[RequirementIn] = []


class OrderUpdateIn(OrderIn):
    expected_version: int | None = Field(
        None, description="The version you edited; a different current version answers 409.")


def service_fields(payload: Schema) -> dict:
    """The fields the client sent, as the services take them (unsent ones keep defaults)."""
    return payload.model_dump(exclude_unset=True)


# Order output


def _priced(context, value):
    """A price or amount, or None for who may not see prices (P9.2.2)."""
    from orderflow.archive.permissions import may_see_prices

    request = (context or {}).get("request")
    return value if request is not None and may_see_prices(request.auth) else None


class LineOut(Schema):
    id: int
    position: int
    product: ProductRef
    description: str
    specification: str
    quantity: Decimal
    unit: str
    unit_price: Decimal | None = Field(description="null for who may not see prices")
    amount: Decimal | None = Field(description="null for who may not see prices")

    @staticmethod
    def resolve_unit_price(obj, context) -> Decimal | None:
        return _priced(context, obj.unit_price)

    @staticmethod
    def resolve_amount(obj, context) -> Decimal | None:
        return _priced(context, obj.amount)


class InstalmentOut(Schema):
    position: int
    percent: Decimal
    trigger: str
    trigger_label: str
    days: int

    @staticmethod
    def resolve_trigger_label(obj) -> str:
        return obj.get_trigger_display()


class RequirementOut(Schema):
    id: int
    kind: str
    kind_label: str
    description: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class OrderListItem(Schema):
    id: int
    number: str
    status: str
    status_label: str
    channel: str
    order_type: str
    customer: CustomerRef
    salesperson: UserRef
    order_date: dt.date
    delivery_date: dt.date | None
    currency: str
    total_gross: Decimal | None = Field(description="null for who may not see prices")
    has_special_requirements: bool

    @staticmethod
    def resolve_status_label(obj) -> str:
        return state_label(obj.status)

    @staticmethod
    def resolve_total_gross(obj, context) -> Decimal | None:
        return _priced(context, obj.total_gross)


class OrderPage(Schema):
    items: list[OrderListItem]
    page: int
    page_size: int
    has_next: bool


class OrderDetail(OrderListItem):
    channel_label: str
    order_type_label: str
    lead_id: int | None
    contact_id: int | None
    contact_name: str
    contact_phone: str
    customer_po: str
    delivery_place: str
    tax_rate: Decimal
    total_net: Decimal | None
    total_tax: Decimal | None
    notes: str
    created_by: UserRef
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    lines: list[LineOut]
    instalments: list[InstalmentOut]
    special_requirements: list[RequirementOut]
    attachments: list[AttachmentOut]
    allowed_actions: list[str]
    actions: list[ActionOut]

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return obj.get_channel_display()

    @staticmethod
    def resolve_total_net(obj, context) -> Decimal | None:
        return _priced(context, obj.total_net)

    @staticmethod
    def resolve_total_tax(obj, context) -> Decimal | None:
        return _priced(context, obj.total_tax)

    @staticmethod
    def resolve_order_type_label(obj) -> str:
        return obj.get_order_type_display()

    @staticmethod
    def resolve_allowed_actions(obj, context) -> list[str]:
        from orderflow.orders.selectors import actions_for

        return actions_for(context["request"].auth, obj)

    @staticmethod
    def resolve_actions(obj, context) -> list[ActionOut]:
        from orderflow.orders.selectors import actions_for

        return [ActionOut.of(a) for a in actions_for(context["request"].auth, obj)]


def page_body(page) -> dict:
    """A core.pagination.Page as the API's paging envelope."""
    return {"items": page.items, "page": page.number, "page_size": page.size,
            "has_next": page.has_next}
