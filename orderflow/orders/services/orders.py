"""Creating and editing orders (P2.1.1, P2.2.1, P2.2.2) with field-level history."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotFound
from orderflow.core.permissions import require

from ..domain.lifecycle import is_approval_bound
from ..models import Order, OrderLine, OrderSequence, PaymentInstalment, SpecialRequirement
from ..permissions import visibility_q
from .content import (
    HEADER_FIELDS,
    OrderContent,
    content_diff,
    is_commercial_change,
    snapshot,
    validate_content,
)
from .lifecycle import COMMERCIAL_EDIT_HOOKS, lock_order


def next_sequence_value(key: int) -> int:
    """The next number of a counter, in one statement (PostgreSQL and SQLite >= 3.35).

    The upsert leaves the counter row locked until the caller's transaction ends,
    so numbers are gap-free: a rolled-back creation gives its number back.
    """
    table = connection.ops.quote_name(OrderSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number", [key])
        return cursor.fetchone()[0]


def next_order_number(year: int) -> str:
    """SO-YYYY-NNNNNN, unique and gap-free per year."""
    return f"SO-{year}-{next_sequence_value(year):06d}"


def _write_children(order: Order, content: OrderContent) -> None:
    children = {
        "lines": OrderLine.objects.bulk_create([
            OrderLine(order=order, position=i, product=ln.product, description=ln.description,
                      specification=ln.specification, quantity=ln.quantity, unit=ln.unit,
                      unit_price=ln.unit_price, amount=ln.amount)
            for i, ln in enumerate(content.lines, start=1)]),
        "instalments": PaymentInstalment.objects.bulk_create([
            PaymentInstalment(order=order, position=i, percent=p.percent, trigger=p.trigger,
                              days=p.days) for i, p in enumerate(content.instalments, start=1)]),
        "special_requirements": SpecialRequirement.objects.bulk_create([
            SpecialRequirement(order=order, kind=r.kind, description=r.description)
            for r in content.special_requirements]),
        "attachments": [],
    }
    _keep_loaded(order, children)


def _keep_loaded(order: Order, children: dict) -> None:
    """Hand the caller the order with its children as written, so showing it (e.g. the
    API's 201 body) needs no second read. This is what prefetch_related stores: like
    a prefetch it is a snapshot (refresh_from_db() drops it); .filter() still queries."""
    cache = {}
    for name, rows in children.items():
        queryset = getattr(order, name).model.objects.filter(order=order)
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        cache[name] = queryset
    order._prefetched_objects_cache = cache


def _apply_header(order: Order, content: OrderContent) -> None:
    for name in HEADER_FIELDS:
        setattr(order, name, getattr(content, name))
    order.total_net, order.total_tax, order.total_gross = content.totals
    order.has_special_requirements = bool(content.special_requirements)


@transaction.atomic
def order_create(*, actor, **fields) -> Order:
    """Record a new order at once (P2.2.1); it starts as a draft.

    Raises:
        NotPermitted: only Sales records orders.
        ValidationFailed: field by field; nothing is written.
    """
    require(actor, "orders.create_order")
    fields.setdefault("tax_rate", Decimal(settings.ORDERFLOW_DEFAULT_TAX_RATE))
    content = validate_content(fields, actor=actor, today=clock.today())
    now = clock.now()
    order = Order(number=f"NEW-{uuid.uuid4().hex[:16]}", created_by=actor, created_at=now,
                  updated_at=now, currency=settings.ORDERFLOW_CURRENCY)
    _apply_header(order, content)
    order.save(force_insert=True)
    _write_children(order, content)
    # The counter row stays locked until commit, so take the number last: concurrent
    # creations wait on each other only for these final statements.
    order.number = next_order_number(clock.today().year)
    order.save(update_fields=["number"])
    audit.record(actor, "order.created", order, to_state=order.status,
                 data={"snapshot": snapshot(content)})
    return order


@transaction.atomic
def order_update(*, order_id: int, actor, expected_version: int | None = None,
                 **fields) -> Order:
    """Edit a draft (or awaiting-customer) order; every changed field is recorded.

    An order under approval may be edited too; a commercial change voids its approvals
    (P4.1) through COMMERCIAL_EDIT_HOOKS, in this transaction.

    Raises:
        NotFound, NotPermitted, Conflict (edited meanwhile), ValidationFailed.
    """
    order = lock_order(order_id, actor)
    require(actor, "orders.change_order", order,
            message=_("This order cannot be edited in its current state."))
    if expected_version is not None and int(expected_version) != order.version:
        raise Conflict()
    before = snapshot(OrderContent.from_order(order))
    fields.setdefault("tax_rate", order.tax_rate)
    fields.setdefault("salesperson_id", order.salesperson_id)
    content = validate_content(fields, actor=actor, today=clock.today(), existing=order)
    changes = content_diff(before, snapshot(content))
    if not changes:
        return order
    _apply_header(order, content)
    order.updated_at = clock.now()
    order.version += 1
    order.save()
    for model in (OrderLine, PaymentInstalment, SpecialRequirement):
        # One DELETE each, without Django's per-relation PROTECT look-ups: an order is
        # editable only before release, so no execution record (P5) refers to its lines
        # yet; were one to, the database's foreign key would still refuse the delete.
        rows = model.objects.filter(order=order)
        rows._raw_delete(rows.db)
    _write_children(order, content)
    audit.record(actor, "order.updated", order, data={"changes": changes})
    if is_approval_bound(order.status) and any(map(is_commercial_change, changes)):
        if not COMMERCIAL_EDIT_HOOKS:
            raise Conflict(_("This order is under approval and cannot be changed."))
        for hook in COMMERCIAL_EDIT_HOOKS:
            hook(order=order, actor=actor, changes=changes)
    return order


@transaction.atomic
def order_duplicate(*, order_id: int, actor) -> Order:
    """A new draft with the content of an order the actor may see (a repeat order).

    Nothing of the original's check, review, approval or sign-off carries over: the
    copy is a draft and goes through the whole process (P2.3 to P4.1) again.

    Raises:
        NotFound, NotPermitted (only Sales records orders), ValidationFailed (e.g. a
        product of the original is no longer active).
    """
    source = (Order.objects.filter(visibility_q(actor), pk=order_id)
              .prefetch_related("lines", "instalments", "special_requirements").first())
    if source is None:
        raise NotFound(_("Order not found."))
    today = clock.today()
    delivery = source.delivery_date if source.delivery_date and \
        source.delivery_date >= today else None
    payload = {
        "customer_id": source.customer_id, "contact_id": source.contact_id,
        "contact_name": source.contact_name, "contact_phone": source.contact_phone,
        "channel": source.channel, "order_type": source.order_type, "order_date": today,
        "delivery_date": delivery, "delivery_place": source.delivery_place,
        "tax_rate": source.tax_rate, "notes": source.notes,
        "lines": [{"product_id": ln.product_id, "quantity": ln.quantity,
                   "unit_price": ln.unit_price, "unit": ln.unit,
                   "specification": ln.specification, "description": ln.description}
                  for ln in source.lines.all()],
        "instalments": [{"percent": p.percent, "trigger": p.trigger, "days": p.days}
                        for p in source.instalments.all()],
        "special_requirements": [{"kind": r.kind, "description": r.description}
                                 for r in source.special_requirements.all()],
    }
    order = order_create(actor=actor, **payload)
    audit.record(actor, "order.duplicated", order, data={"source": source.number})
    return order
