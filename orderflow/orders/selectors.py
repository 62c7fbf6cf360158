"""Reading orders: every list and detail goes through visible_to(user)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from orderflow.core.errors import NotFound

from .domain.lifecycle import ACTIONS, Actor, allowed_actions
from .models import Order, OrderLine
from .permissions import may_take, visibility_q


def visible_to(user) -> QuerySet[Order]:
    return Order.objects.filter(visibility_q(user))


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    customer_id: int | None = None
    salesperson_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: str = ""
    amount_max: str = ""
    q: str = ""
    special_only: bool = False


def order_list(user, filters: OrderFilters = OrderFilters()) -> QuerySet[Order]:
    """The visible orders matching the filters, newest first (the caller pages it)."""
    qs = visible_to(user).select_related("customer", "salesperson")
    f = filters
    if f.status:
        qs = qs.filter(status__in=f.status.split(","))
    if f.customer_id:
        qs = qs.filter(customer_id=f.customer_id)
    if f.salesperson_id:
        qs = qs.filter(salesperson_id=f.salesperson_id)
    if f.date_from:
        qs = qs.filter(order_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(order_date__lte=f.date_to)
    if f.amount_min:
        qs = qs.filter(total_gross__gte=f.amount_min)
    if f.amount_max:
        qs = qs.filter(total_gross__lte=f.amount_max)
    if f.special_only:
        qs = qs.filter(has_special_requirements=True)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(number__icontains=term) | Q(customer__name__icontains=term)
                       | Q(customer_po__icontains=term) | Q(contact_name__icontains=term))
    return qs.order_by("-id")


def order_detail(user, order_id: int) -> Order:
    """One visible order with everything its page shows; NotFound otherwise."""
    order = (visible_to(user)
             .select_related("customer", "contact", "salesperson", "created_by", "lead")
             .prefetch_related(Prefetch("lines", OrderLine.objects.select_related("product")),
                               "instalments", "special_requirements", "attachments")
             .filter(pk=order_id).first())
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def actions_for(user, order, handled=None) -> list[str]:
    """The buttons a user gets: allowed by the table, theirs to take, implemented."""
    from .services.lifecycle import ACTION_HANDLERS

    handled = ACTION_HANDLERS if handled is None else handled
    return [a for a in allowed_actions(order.status)
            if ACTIONS[a].by != Actor.SYSTEM and a in handled and may_take(user, a, order)]
