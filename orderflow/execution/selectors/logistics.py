"""Logistics reads (P5.4.2): the order's shipments with their lines, what each order line
has shipped, delivered and may still ship, and the order page's summary line."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.orders.models import OrderLine

from ..domain.shipping import max_shippable, remaining, shipped_percent
from ..models import (
    Concession,
    ConcessionStatus,
    ExecutionSettings,
    InspectionRecord,
    InspectionStage,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from .overview import OpenItem, Summary

DEPT = "logistics"
ZERO = Decimal(0)
_QTY = DecimalField(max_digits=16, decimal_places=3)


def tolerance_percent() -> Decimal:
    """The over-shipment tolerance (P5.4.2); 0 until an administrator sets one."""
    value = (ExecutionSettings.objects.filter(pk=1)
             .values_list("shipment_tolerance_percent", flat=True).first())
    return value if value is not None else ZERO


def _with_lines(qs):
    return qs.select_related("created_by", "on_behalf_of", "delivered_recorded_by") \
        .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects
                                   .select_related("order_line", "order_line__product")))


def shipments_for(order) -> list[Shipment]:
    """The order's shipments, newest first, each with its lines (2 queries, P5.4.2)."""
    return list(_with_lines(Shipment.objects.filter(order_id=order.pk)))


def shipments_list(visible_orders, *, status: str | None = None,
                   limit: int = 100) -> list[Shipment]:
    """Shipments of the orders in `visible_orders` (a queryset), newest first, at most
    `limit` (the Logistics workspace: e.g. everything not delivered yet, P6.1.2)."""
    qs = Shipment.objects.filter(order__in=visible_orders).select_related("order")
    if status:
        qs = qs.filter(status=status)
    return list(_with_lines(qs)[:max(1, min(limit, 500))])


def shipment_detail(shipment_id: int, visible_orders) -> Shipment:
    """One shipment of an order in `visible_orders` (a queryset of orders); NotFound
    otherwise."""
    shipment = _with_lines(Shipment.objects.filter(pk=shipment_id, order__in=visible_orders)) \
        .first()
    if shipment is None:
        raise NotFound(_("Shipment not found."))
    return shipment


@dataclass
class LineShipping:
    """Where one order line stands (P5.4.2)."""

    line: OrderLine
    ordered: Decimal
    shipped: Decimal
    delivered: Decimal
    passed: Decimal         # passed final inspection (P5.3.2)
    conceded: Decimal       # approved concessions
    max_allowed: Decimal    # ordered + tolerance

    @property
    def shippable(self) -> Decimal:
        """Released for shipping: passed final inspection plus approved concessions."""
        return self.passed + self.conceded

    @property
    def remaining(self) -> Decimal:
        return remaining(self.ordered, self.shipped)

    @property
    def can_ship_now(self) -> Decimal:
        """What one more shipment may carry: within the tolerance and what was released."""
        return max(min(self.max_allowed, self.shippable) - self.shipped, ZERO)


def _sums(qs, field: str) -> dict[int, Decimal]:
    return dict(qs.values("order_line_id").annotate(q=Sum(field))
                .values_list("order_line_id", "q"))


def shipped_by_line(order) -> list[LineShipping]:
    """Per order line: ordered, shipped, delivered, passed final inspection + approved
    concessions (what may ship), remaining (5 queries, whatever the number of lines)."""
    lines = list(OrderLine.objects.filter(order_id=order.pk).select_related("product")
                 .annotate(shipped=Coalesce(Sum("shipment_lines__quantity"), Value(ZERO),
                                            output_field=_QTY),
                           delivered=Coalesce(Sum("shipment_lines__quantity", filter=Q(
                               shipment_lines__shipment__status=ShipmentStatus.DELIVERED)),
                               Value(ZERO), output_field=_QTY))
                 .order_by("position"))
    passed = _sums(InspectionRecord.objects.filter(order_id=order.pk,
                                                   stage=InspectionStage.FINAL),
                   "quantity_passed")
    conceded = _sums(Concession.objects.filter(order_id=order.pk,
                                               status=ConcessionStatus.APPROVED), "quantity")
    tolerance = tolerance_percent()
    return [LineShipping(line, line.quantity, line.shipped, line.delivered,
                         passed.get(line.pk) or ZERO, conceded.get(line.pk) or ZERO,
                         max_shippable(line.quantity, tolerance)) for line in lines]


def summary(order, package) -> Summary:
    """"Shipped X of Y lines, Z delivered"; percent = shipped / ordered quantity (capped);
    open items: shipments not delivered yet (2 queries, P6.1.2)."""
    rows = list(OrderLine.objects.filter(order_id=order.pk)
                .annotate(shipped=Coalesce(Sum("shipment_lines__quantity"), Value(ZERO),
                                           output_field=_QTY),
                          delivered=Coalesce(Sum("shipment_lines__quantity", filter=Q(
                              shipment_lines__shipment__status=ShipmentStatus.DELIVERED)),
                              Value(ZERO), output_field=_QTY))
                .values_list("quantity", "shipped", "delivered"))
    ordered = sum((q for q, _s, _d in rows), ZERO)
    shipped = sum((min(s, q) for q, s, _d in rows), ZERO)
    headline = _("Shipped %(shipped)s of %(lines)s lines, %(delivered)s delivered") % {
        "shipped": sum(1 for q, s, _d in rows if s >= q), "lines": len(rows),
        "delivered": sum(1 for q, _s, d in rows if d >= q)}
    open_shipments = (Shipment.objects.filter(order_id=order.pk, status=ShipmentStatus.SHIPPED)
                      .order_by("shipped_on", "id").values_list("number", "shipped_on")[:20])
    today, due = clock.today(), order.delivery_date
    items = [OpenItem(_("Shipment %(number)s (shipped %(date)s) not delivered yet")
                      % {"number": number, "date": shipped_on.isoformat()},
                      due=due, late=bool(due and due < today),
                      url=f"/work-packages/{package.pk}/")
             for number, shipped_on in open_shipments]
    return Summary(headline=headline, percent=shipped_percent(shipped, ordered),
                   open_items=items)
