"""An order's commercial content: validated field by field, snapshotted, compared."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Contact, Customer, Product

from ..domain.pricing import line_amount, totals
from ..models import Channel, OrderType, PaymentTrigger, RequirementKind

MAX_LINES = 200
HEADER_FIELDS = ("customer", "contact", "contact_name", "contact_phone", "customer_po",
                 "channel", "order_type", "order_date", "delivery_date", "delivery_place",
                 "tax_rate", "notes", "salesperson", "lead_id")


@dataclass
class LineContent:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    unit: str
    specification: str
    description: str

    @property
    def amount(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price)


@dataclass
class InstalmentContent:
    percent: Decimal
    trigger: str
    days: int


@dataclass
class RequirementContent:
    kind: str
    description: str


@dataclass
class OrderContent:
    customer: Customer
    contact: Contact | None
    contact_name: str
    contact_phone: str
    customer_po: str
    channel: str
    order_type: str
    order_date: dt.date
    delivery_date: dt.date | None
    delivery_place: str
    tax_rate: Decimal
    notes: str
    salesperson: User
    lead_id: int | None
    lines: list[LineContent] = field(default_factory=list)
    instalments: list[InstalmentContent] = field(default_factory=list)
    special_requirements: list[RequirementContent] = field(default_factory=list)

    @property
    def totals(self):
        return totals([ln.amount for ln in self.lines], self.tax_rate)

    @classmethod
    def from_order(cls, order) -> "OrderContent":
        return cls(
            **{name: getattr(order, name) for name in HEADER_FIELDS},
            lines=[LineContent(ln.product, ln.quantity, ln.unit_price, ln.unit,
                               ln.specification, ln.description)
                   for ln in order.lines.select_related("product")],
            instalments=[InstalmentContent(p.percent, p.trigger, p.days)
                         for p in order.instalments.all()],
            special_requirements=[RequirementContent(r.kind, r.description)
                                  for r in order.special_requirements.all()],
        )


def _lookup(errors, field_name, model, pk, **filters):
    if pk in (None, ""):
        errors.add(field_name, _("This field is required."))
        return None
    try:
        return model.objects.filter(**filters).get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        errors.add(field_name, _("Unknown or unavailable: %(value)s.") % {"value": pk})
        return None


def _validate_lines(errors: Errors, raw_lines) -> list[LineContent]:
    raw_lines = list(raw_lines or [])
    if not raw_lines:
        errors.add("lines", _("Add at least one line."))
    if len(raw_lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)s lines.") % {"n": MAX_LINES})
        return []
    ids = {str(r.get("product_id")) for r in raw_lines}
    products = {str(p.pk): p for p in Product.objects.filter(
        pk__in=[i for i in ids if i.isdigit()])}
    lines = []
    for i, raw in enumerate(raw_lines):
        prefix = f"lines.{i}"
        product = products.get(str(raw.get("product_id")))
        if product is None:
            errors.add(f"{prefix}.product_id", _("Unknown product: %(value)s.")
                       % {"value": raw.get("product_id")})
        quantity = errors.decimal(f"{prefix}.quantity", raw.get("quantity"), positive=True,
                                  places=3, max_value=Decimal("99999999999"))
        price_raw = raw.get("unit_price")
        if price_raw in (None, "") and product is not None:
            price_raw = product.standard_price
        # An unknown product is the one error to report; its defaults cannot be missing.
        price = errors.decimal(f"{prefix}.unit_price", price_raw, min_value=Decimal("0"),
                               max_value=Decimal("999999999999"), required=product is not None)
        unit = errors.text(f"{prefix}.unit", raw.get("unit") or (product and product.unit),
                           required=product is not None, max_length=16)
        spec = errors.text(f"{prefix}.specification",
                           raw.get("specification") or (product and product.specification),
                           max_length=200)
        desc = errors.text(f"{prefix}.description", raw.get("description"), max_length=200)
        if product is not None and quantity is not None and price is not None:
            lines.append(LineContent(product, quantity, price, unit, spec, desc))
    return lines


def _validate_instalments(errors: Errors, raw_items) -> list[InstalmentContent]:
    items, total = [], Decimal("0")
    for i, raw in enumerate(raw_items or []):
        prefix = f"instalments.{i}"
        percent = errors.decimal(f"{prefix}.percent", raw.get("percent"), positive=True,
                                 max_value=Decimal("100"))
        trigger = errors.choice(f"{prefix}.trigger", raw.get("trigger"), PaymentTrigger.choices)
        days = errors.integer(f"{prefix}.days", raw.get("days", 0) or 0, min_value=0)
        if percent is not None:
            total += percent
            items.append(InstalmentContent(percent, trigger, days or 0))
    if total > 100:
        errors.add("instalments", _("Instalments add up to %(total)s%%, more than 100%%.")
                   % {"total": total})
    return items


def _validate_requirements(errors: Errors, raw_items) -> list[RequirementContent]:
    items = []
    for i, raw in enumerate(raw_items or []):
        kind = errors.choice(f"special_requirements.{i}.kind", raw.get("kind"),
                             RequirementKind.choices)
        text = errors.text(f"special_requirements.{i}.description", raw.get("description"),
                           required=True, max_length=2000)
        items.append(RequirementContent(kind, text))
    return items


def validate_content(data: dict, *, actor, today: dt.date, existing=None) -> OrderContent:
    """Every problem at once, keyed by field path; raises ValidationFailed if any."""
    errors = Errors()
    customer = _lookup(errors, "customer_id", Customer, data.get("customer_id"), is_active=True)
    contact = None
    if data.get("contact_id") not in (None, "") and customer is not None:
        contact = _lookup(errors, "contact_id", Contact, data.get("contact_id"),
                          customer=customer)
    order_date = errors.date("order_date", data.get("order_date", today))
    delivery_date = errors.date("delivery_date", data.get("delivery_date"), required=False)
    if order_date and delivery_date and delivery_date < order_date:
        errors.add("delivery_date", _("The delivery date cannot be before the order date."))
    salesperson = actor
    if data.get("salesperson_id") not in (None, "", actor.pk):
        salesperson = _lookup(errors, "salesperson_id", User, data.get("salesperson_id"),
                              is_active=True, department__code=Dept.SALES)
    content = OrderContent(
        customer=customer, contact=contact,
        contact_name=errors.text("contact_name", data.get("contact_name")
                                 or (contact.name if contact else ""), max_length=64),
        contact_phone=errors.text("contact_phone", data.get("contact_phone")
                                  or (contact and (contact.mobile or contact.phone)) or "",
                                  max_length=32),
        customer_po=errors.text("customer_po", data.get("customer_po"), max_length=64),
        channel=errors.choice("channel", data.get("channel"), Channel.choices),
        order_type=errors.choice("order_type", data.get("order_type") or OrderType.STANDARD,
                                 OrderType.choices),
        order_date=order_date, delivery_date=delivery_date,
        delivery_place=errors.text("delivery_place", data.get("delivery_place"),
                                   max_length=300),
        tax_rate=errors.decimal("tax_rate", data.get("tax_rate"), min_value=Decimal("0"),
                                max_value=Decimal("1"), places=4),
        notes=errors.text("notes", data.get("notes"), max_length=5000),
        salesperson=salesperson,
        lead_id=existing.lead_id if existing is not None else data.get("lead_id"),
        lines=_validate_lines(errors, data.get("lines")),
        instalments=_validate_instalments(errors, data.get("instalments")),
        special_requirements=_validate_requirements(errors, data.get("special_requirements")),
    )
    errors.raise_if_any()
    return content


def snapshot(content: OrderContent) -> dict:
    """A JSON-able picture of the content, for history and for approval binding.

    Decimals are written with the places the database keeps, so input "2" and the
    stored 2.000 compare equal and re-saving unchanged content records no change.
    """
    def plain(value):
        if hasattr(value, "pk"):
            return value.pk
        return value if value is None or isinstance(value, int | str) else str(value)

    return {
        **{name: plain(getattr(content, name)) for name in HEADER_FIELDS},
        "tax_rate": f"{content.tax_rate:.4f}",
        "lines": [{"product": ln.product.pk, "quantity": f"{ln.quantity:.3f}",
                   "unit_price": f"{ln.unit_price:.2f}", "unit": ln.unit,
                   "specification": ln.specification, "description": ln.description,
                   "amount": f"{ln.amount:.2f}"} for ln in content.lines],
        "instalments": [{"percent": f"{p.percent:.2f}", "trigger": p.trigger, "days": p.days}
                        for p in content.instalments],
        "special_requirements": [{"kind": r.kind, "description": r.description}
                                 for r in content.special_requirements],
    }


def content_diff(before: dict, after: dict) -> list[dict]:
    """Field-level changes: [{"field": "lines.2.quantity", "old": "5", "new": "8"}, ...]."""
    changes = []
    for name in HEADER_FIELDS:
        if before.get(name) != after.get(name):
            changes.append({"field": name, "old": before.get(name), "new": after.get(name)})
    for group in ("lines", "instalments", "special_requirements"):
        old_rows, new_rows = before.get(group, []), after.get(group, [])
        for i in range(max(len(old_rows), len(new_rows))):
            old = old_rows[i] if i < len(old_rows) else {}
            new = new_rows[i] if i < len(new_rows) else {}
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    changes.append({"field": f"{group}.{i + 1}.{key}", "old": old.get(key),
                                    "new": new.get(key)})
    return changes


# P4.1: what approvals are bound to. Editing any of these after an approval voids it;
# contact details, the customer's PO number, notes and the channel are not commercial.
COMMERCIAL_HEADER = ("customer", "order_type", "order_date", "delivery_date",
                     "delivery_place", "tax_rate")
COMMERCIAL_GROUPS = ("lines", "instalments", "special_requirements")


def commercial_part(snap: dict) -> dict:
    return {key: snap.get(key) for key in (*COMMERCIAL_HEADER, *COMMERCIAL_GROUPS)}


def is_commercial_change(change: dict) -> bool:
    """Whether a content_diff entry touches a commercial field."""
    head = change["field"].split(".", 1)[0]
    return head in COMMERCIAL_HEADER or head in COMMERCIAL_GROUPS


class _Ref:
    """Stands in for a related object in a snapshot, which keeps only its pk."""

    def __init__(self, pk):
        self.pk = pk


def _stored_content(order) -> OrderContent:
    """The order's content as stored, read with three light queries (no model objects):
    content_hash runs in every approval action."""
    refs = {"customer": _Ref(order.customer_id), "salesperson": _Ref(order.salesperson_id),
            "contact": _Ref(order.contact_id) if order.contact_id else None}
    header = {name: refs[name] if name in refs else getattr(order, name)
              for name in HEADER_FIELDS}
    return OrderContent(
        **header,
        lines=[LineContent(_Ref(product), quantity, price, unit, spec, desc)
               for product, quantity, price, unit, spec, desc in order.lines.values_list(
                   "product_id", "quantity", "unit_price", "unit", "specification",
                   "description")],
        instalments=[InstalmentContent(*row) for row in
                     order.instalments.values_list("percent", "trigger", "days")],
        special_requirements=[RequirementContent(*row) for row in
                              order.special_requirements.values_list("kind", "description")])


def content_hash(order) -> str:
    """SHA-256 of the order's commercial content (what approvals and sign-off bind to)."""
    snap = commercial_part(snapshot(_stored_content(order)))
    canonical = json.dumps(snap, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
