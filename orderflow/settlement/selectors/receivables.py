"""Receivables per customer (Finance and the Sales head: outstanding and overdue, with the
instalments) and the settlement records (P7.3.1, P7.3.2) with filters."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from orderflow.core import clock
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.masterdata.models import Customer
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from ..domain.money import ZERO
from ..domain.schedule import instalment_status
from ..models import Instalment, SettlementRecord
from ..permissions import may_see_settlement, sees_all_receivables

MAX_ROWS = 5000
RECORDS_PAGE_ROWS = 200
MAX_CUSTOMERS = 500


@dataclass
class CustomerReceivable:
    customer: object
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    instalments: list = field(default_factory=list)


def open_instalments(user, *, customer_id: int | None = None, overdue_only: bool = False):
    """The open instalments of orders in settlement, by due date (unbounded: the caller
    slices or streams it).

    Raises:
        NotPermitted: not Finance, the Sales head, management or an admin.
    """
    if not sees_all_receivables(user):
        raise NotPermitted(_("Only Finance and the Sales head see the receivables."))
    qs = (Instalment.objects.filter(order__status=State.IN_SETTLEMENT,
                                    paid_amount__lt=F("amount"))
          .select_related("order", "order__customer", "order__salesperson")
          .order_by("due_date", "id"))
    if customer_id:
        qs = qs.filter(order__customer_id=customer_id)
    if overdue_only:
        qs = qs.filter(due_date__lt=clock.today())
    return qs


def with_due(row, today):
    """An instalment with what it still owes (`.due`) and its status set."""
    row.due = row.amount - row.paid_amount
    row.status = instalment_status(amount=row.amount, paid=row.paid_amount,
                                   due=row.due_date, today=today)
    return row


def receivables(user, *, customer_id: int | None = None,
                overdue_only: bool = False) -> list[CustomerReceivable]:
    """Open instalments of orders in settlement, grouped per customer, most overdue first
    (the page: at most MAX_ROWS instalments; the export streams them all). A customer's
    outstanding and overdue amounts cover all its open instalments, whatever is listed.

    Raises:
        NotPermitted: not Finance, the Sales head, management or an admin.
    """
    today = clock.today()
    qs = open_instalments(user, customer_id=customer_id, overdue_only=overdue_only)
    groups: dict[int, CustomerReceivable] = {}
    for row in qs[:MAX_ROWS]:
        with_due(row, today)
        group = groups.setdefault(row.order.customer_id,
                                  CustomerReceivable(row.order.customer))
        group.instalments.append(row)
    sums = _customer_sums(user, list(groups), today)
    for key, group in groups.items():
        group.outstanding, group.overdue = sums.get(key, (ZERO, ZERO))
    return sorted(groups.values(), key=lambda g: (-g.overdue, -g.outstanding,
                                                  g.customer.code))


def _customer_sums(user, customer_ids: list[int],
                   today: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """Outstanding and overdue (P7.2.3) per customer over every open instalment, in one
    query: "overdue only" narrows the list, never the outstanding amount."""
    if not customer_ids:
        return {}
    owed = F("amount") - F("paid_amount")
    rows = (open_instalments(user).filter(order__customer_id__in=customer_ids).order_by()
            .values("order__customer_id")
            .annotate(outstanding=Sum(owed), overdue=Sum(owed, filter=Q(due_date__lt=today))))
    return {row["order__customer_id"]: (row["outstanding"] or ZERO, row["overdue"] or ZERO)
            for row in rows}


def receivable_customers(user):
    """The customers with open instalments: the receivables page's filter (bounded).

    Raises:
        NotPermitted: not Finance, the Sales head, management or an admin.
    """
    ids = open_instalments(user).order_by().values("order__customer_id")
    return _customers(ids)


def record_customers(user):
    """The customers of the settlement records the user sees: the records page's filter
    (bounded; none for who may not see prices, P9.2.2)."""
    return _customers(records_queryset(user).order_by().values("customer_id"))


def _customers(ids):
    return list(Customer.objects.filter(pk__in=ids).order_by("code")
                .only("pk", "code", "name")[:MAX_CUSTOMERS])


def _date(errors: dict, name: str, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = [_("Enter a valid date (YYYY-MM-DD).")]
        return None


def records_queryset(user, *, date_from=None, date_to=None, customer_id=None,
                     check_only: bool = False):
    """Settlement records of the orders the user sees, newest first, by settled date
    (from/to inclusive) and customer.

    Raises:
        ValidationFailed: a date that is not YYYY-MM-DD, or the end before the start.
    """
    errors: dict = {}
    start, end = _date(errors, "date_from", date_from), _date(errors, "date_to", date_to)
    if start and end and start > end:
        errors["date_to"] = [_("The end is before the start.")]
    if errors:
        raise ValidationFailed(errors)
    if check_only:
        return None
    if not may_see_settlement(user):                 # P9.2.2: amounts
        return SettlementRecord.objects.none()
    qs = SettlementRecord.objects.all()
    if not sees_all_receivables(user):
        # the others see the records of the orders they see; Finance and the Sales head
        # keep them after the orders are archived (P7.3.2)
        qs = qs.filter(order__in=Order.objects.filter(visibility_q(user)).values("pk"))
    qs = qs.select_related("order", "customer", "statement").order_by("-settled_on", "-id")
    if start:
        qs = qs.filter(settled_on__gte=start)
    if end:
        qs = qs.filter(settled_on__lte=end)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs


def settlement_records(user, *, date_from=None, date_to=None, customer_id=None,
                       limit: int = RECORDS_PAGE_ROWS) -> list[SettlementRecord]:
    """The records list page and API (bounded); the export has them all."""
    qs = records_queryset(user, date_from=date_from, date_to=date_to, customer_id=customer_id)
    return list(qs[:max(1, min(int(limit), MAX_ROWS))])


@dataclass
class RecordsPage:
    """The newest records (each with `.order_visible`), and the count and amount of every
    record that matches the filters."""
    rows: list
    count: int = 0
    total: Decimal = ZERO

    @property
    def capped(self) -> bool:
        return self.count > len(self.rows)


def records_page(user, *, date_from=None, date_to=None, customer_id=None) -> RecordsPage:
    """The records page: its rows, and the totals over all matching records (one aggregate
    query); a fixed number of queries whatever the number of rows.

    Raises:
        ValidationFailed: a date that is not YYYY-MM-DD.
    """
    qs = records_queryset(user, date_from=date_from, date_to=date_to, customer_id=customer_id)
    rows = list(qs[:RECORDS_PAGE_ROWS])
    if not rows:
        return RecordsPage(rows=rows)
    sums = qs.order_by().aggregate(count=Count("pk"), total=Sum("amount"))
    _mark_visible_orders(user, rows)
    return RecordsPage(rows=rows, count=sums["count"], total=sums["total"] or ZERO)


def _mark_visible_orders(user, rows: list) -> None:
    """Finance keeps the records of archived orders (P7.3.2) but no longer sees those
    orders (P9.2.1): only the orders the user sees get a link (one query)."""
    visible = set(Order.objects.filter(visibility_q(user), pk__in={r.order_id for r in rows})
                  .values_list("pk", flat=True))
    for row in rows:
        row.order_visible = row.order_id in visible
