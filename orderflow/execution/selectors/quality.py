"""Quality execution reads (P5.3, P5.4.2): the plan, inspections with their report and
notices, concessions, nonconformance lists and statistics, the order page's summary."""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.permissions import is_management, is_system_admin
from orderflow.core import clock
from orderflow.core.errors import NotFound, ValidationFailed
from orderflow.core.validation import Errors
from orderflow.documents.xlsx import SheetSpec, write_workbook
from orderflow.orders.models import Order, OrderLine
from orderflow.orders.permissions import visibility_q

from ..domain.quality import ZERO, covered, days, default_period, is_covered, percent
from ..models.quality import (
    Concession,
    ConcessionStatus,
    InspectionPlanItem,
    InspectionRecord,
    InspectionReport,
    InspectionStage,
    NCStatus,
    NonconformanceNotice,
)
from .overview import OpenItem, Summary

DEPT = "quality"
MAX_LIMIT = 500
_QTY = DecimalField(max_digits=16, decimal_places=3)


def _bounded(limit) -> int:
    try:
        return max(1, min(int(limit), MAX_LIMIT))
    except (TypeError, ValueError):
        return 100


def lines_of(order) -> list[OrderLine]:
    """The order's lines (the forms' choices)."""
    return list(OrderLine.objects.filter(order_id=order.pk).select_related("product"))


def plan_for(order) -> list[InspectionPlanItem]:
    """The order's inspection plan (P5.3.1), in plan order."""
    return list(InspectionPlanItem.objects.filter(order_id=order.pk)
                .select_related("order_line", "order_line__product", "created_by",
                                "on_behalf_of"))


def records_for(order) -> list[InspectionRecord]:
    """The order's inspections (P5.3.2), newest first, each with its report and its
    notices (three queries whatever their number)."""
    return list(InspectionRecord.objects.filter(order_id=order.pk)
                .select_related("order_line", "order_line__product", "plan_item",
                                "created_by", "on_behalf_of", "report", "report__issued_by",
                                "reinspection_of")
                .prefetch_related(Prefetch(
                    "nonconformances",
                    NonconformanceNotice.objects.select_related("issued_by", "action_by",
                                                                "closed_by")
                    .order_by("issued_at", "id"))))


def concessions_for(order) -> list[Concession]:
    """The order's concessions (P5.4.2), newest first."""
    return list(Concession.objects.filter(order_id=order.pk)
                .select_related("order_line", "order_line__product", "nonconformance",
                                "requested_by", "decided_by", "on_behalf_of"))


def _visible_orders(user):
    return Order.objects.filter(visibility_q(user)).values("pk")


def nonconformances(user, *, status: str = "open", order=None,
                    limit: int = 100) -> list[NonconformanceNotice]:
    """Notices of the orders the user sees, newest first: `open` (not closed, the
    default), `all`, or one status; at most `limit` (<= 500).

    Raises:
        ValidationFailed: an unknown status.
    """
    qs = NonconformanceNotice.objects.filter(order__in=_visible_orders(user))
    if order is not None:
        qs = qs.filter(order_id=order.pk)
    if status == "open":
        qs = qs.exclude(status=NCStatus.CLOSED)
    elif status in NCStatus.values:
        qs = qs.filter(status=status)
    elif status != "all":
        raise ValidationFailed({"status": [_("Select a valid choice.")]})
    return list(qs.select_related("order", "product", "record", "issued_by")
                [:_bounded(limit)])


def report_for(user, report_id: int) -> InspectionReport:
    """One inspection report; NotFound if absent or its order is invisible to the user."""
    report = (InspectionReport.objects.select_related("record", "record__order")
              .filter(pk=report_id, record__order__in=_visible_orders(user)).first())
    if report is None:
        raise NotFound(_("Inspection report not found."))
    return report


def record_for(user, record_id: int) -> InspectionRecord:
    """One inspection; NotFound if absent or its order is invisible to the user."""
    record = (InspectionRecord.objects.select_related("order_line", "order_line__product",
                                                      "report", "created_by")
              .filter(pk=record_id, order__in=_visible_orders(user)).first())
    if record is None:
        raise NotFound(_("Inspection record not found."))
    return record


# P5.3.3 periodic evaluation: nonconformances per product and month

def may_see_statistics(user) -> bool:
    """Quality, Production and Technology (who improve), management, administrators."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return bool(is_management(user) or is_system_admin(user) or
                user.dept_code in (Dept.QUALITY, Dept.PRODUCTION, Dept.TECHNOLOGY))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def statistics_filters(params, *, strict: bool = False):
    """(from, to, product id) of a query string; the last twelve months by default. Bad
    values raise ValidationFailed when strict (API), else fall back to the defaults."""
    errors = Errors()
    start, end = default_period(clock.today())
    date_from = errors.date("from", params.get("from"), required=False) or start
    date_to = errors.date("to", params.get("to"), required=False) or end
    product_id = errors.integer("product", params.get("product"), required=False)
    if date_from > date_to:
        errors.add("to", _("The end is before the start."))
    if strict:
        errors.raise_if_any()
    elif errors:
        return start, end, None
    return date_from, date_to, product_id


def nc_statistics(*, date_from: dt.date, date_to: dt.date, product_id: int | None = None,
                  limit: int = MAX_LIMIT) -> list[dict]:
    """Rows per product and month of issue (P5.3.3): notices, quantity, closed, average
    days to close (of the closed). One aggregate query; months in the local time zone."""
    qs = NonconformanceNotice.objects.filter(
        issued_at__gte=_day_start(date_from),
        issued_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if product_id:
        qs = qs.filter(product_id=product_id)
    closed = Q(status=NCStatus.CLOSED)
    rows = (qs.annotate(month=TruncMonth("issued_at"))
            .values("month", "product_id", "product__code", "product__name")
            .annotate(notices=Count("id"), quantity=Sum("quantity"),
                      closed=Count("id", filter=closed),
                      to_close=Avg(ExpressionWrapper(F("closed_at") - F("issued_at"),
                                                     output_field=DurationField()),
                                   filter=closed))
            .order_by("month", "product__code")[:_bounded(limit)])
    return [{"month": _month(r["month"]), "product_id": r["product_id"],
             "product_code": r["product__code"], "product_name": r["product__name"],
             "notices": r["notices"], "quantity": r["quantity"] or ZERO,
             "closed": r["closed"], "avg_days_to_close": days(r["to_close"])}
            for r in rows]


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def nc_statistics_xlsx(rows: list[dict]) -> bytes:
    """The statistics as an Excel sheet (P5.3.3)."""
    headers = [_("Month"), _("Product code"), _("Product"), _("Notices"), _("Quantity"),
               _("Closed"), _("Average days to close")]
    body = [[r["month"].strftime("%Y-%m"), r["product_code"], r["product_name"], r["notices"],
             r["quantity"], r["closed"], r["avg_days_to_close"]] for r in rows]
    return write_workbook([SheetSpec(title=_("Nonconformances"), headers=headers, rows=body,
                                     widths=[10, 16, 30, 10, 12, 10, 18])])


# The order page's execution panel (P5, P6.1.1)

def _total(qs, field: str, output=_QTY, agg=Sum):
    return Coalesce(Subquery(qs.values("order_line").annotate(s=agg(field)).values("s")),
                    Value(ZERO if output is _QTY else 0), output_field=output)


def summary(order, package) -> Summary:
    """“2 of 3 lines passed final inspection”, percent of the ordered quantity covered
    (passed final + approved concessions), open notices and waiting concessions as open
    items. Two queries."""
    concessions = Concession.objects.filter(order_line=OuterRef("pk"))
    finals = InspectionRecord.objects.filter(order_line=OuterRef("pk"),
                                             stage=InspectionStage.FINAL)
    lines = list(OrderLine.objects.filter(order_id=order.pk).annotate(
        passed=_total(finals, "quantity_passed"),
        approved=_total(concessions.filter(status=ConcessionStatus.APPROVED), "quantity"),
        waiting=_total(concessions.filter(status=ConcessionStatus.REQUESTED), "pk",
                       output=IntegerField(), agg=Count)))
    url = f"/work-packages/{package.pk}/"
    done = sum(1 for ln in lines if is_covered(ln.quantity, ln.passed, ln.approved))
    ordered = sum((ln.quantity for ln in lines), Decimal(0))
    part = sum((covered(ln.quantity, ln.passed, ln.approved) for ln in lines), Decimal(0))
    items = [OpenItem(text=_("%(number)s: %(status)s") % {"number": n.number,
                                                          "status": n.get_status_display()},
                      url=url)
             for n in NonconformanceNotice.objects.filter(order_id=order.pk)
             .exclude(status=NCStatus.CLOSED).only("number", "status")[:20]]
    waiting = sum(ln.waiting for ln in lines)
    if waiting:
        items.append(OpenItem(text=_("%(n)s concession request(s) awaiting a decision")
                              % {"n": waiting}, url=url))
    return Summary(headline=_("%(done)s of %(total)s lines passed final inspection")
                   % {"done": done, "total": len(lines)},
                   percent=percent(part, ordered), open_items=items)
