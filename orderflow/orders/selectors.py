"""Reading orders: every list and detail goes through visible_to(user)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.accounts.permissions import is_management
from orderflow.core.errors import NotFound
from orderflow.core.validation import search_term
from orderflow.masterdata.models import Contact, Customer, Product

from .domain.lifecycle import ACTIONS, TERMINAL, Actor, State, allowed_actions
from .models import Attachment, Order, OrderLine
from .permissions import may_take, visibility_q

SEARCH_CUSTOMER_LIMIT = 500
ORDER_NUMBER = re.compile(r"^SO-\d{4}-\d{6}$", re.IGNORECASE)


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


def _sees_prices(user) -> bool:
    from orderflow.archive.permissions import may_see_prices  # the archive's setting (P11)

    return may_see_prices(user)


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
    if (f.amount_min or f.amount_max) and _sees_prices(user):
        # P9.2.2: who may not see amounts may not narrow by them either (no inference)
        if f.amount_min:
            qs = qs.filter(total_gross__gte=f.amount_min)
        if f.amount_max:
            qs = qs.filter(total_gross__lte=f.amount_max)
    if f.special_only:
        qs = qs.filter(has_special_requirements=True)
    term = search_term(f.q)
    if ORDER_NUMBER.match(term):
        # A whole order number (the usual search) is answered by its unique index.
        qs = qs.filter(number=term.upper())
    elif term:
        # Matching customers are resolved first (bounded) so that every branch of the OR
        # is an index scan (trigram or customer index) that PostgreSQL can combine.
        customers = list(Customer.objects.filter(name__icontains=term)
                         .values_list("id", flat=True)[:SEARCH_CUSTOMER_LIMIT])
        qs = qs.filter(Q(number__icontains=term) | Q(customer_id__in=customers)
                       | Q(customer_po__icontains=term) | Q(contact_name__icontains=term))
    return qs.order_by("-id")


def order_detail(user, order_id: int) -> Order:
    """One visible order with everything its page shows; NotFound otherwise."""
    order = (visible_to(user)
             .select_related("customer", "contact", "salesperson", "created_by", "lead")
             .prefetch_related(Prefetch("lines", OrderLine.objects.select_related("product")),
                               "instalments", "special_requirements",
                               Prefetch("attachments",
                                        Attachment.objects.select_related("uploaded_by")))
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


# The workbench (P1.3.2: every open step has a responsible person) and the order form.

INBOX_LIMIT = 10
COUNT_CAP = 1000
CHOICES_LIMIT = 500
CLOSED_STATES = (*TERMINAL, State.SETTLED)
OPEN_STATES = tuple(s.value for s in State if s not in CLOSED_STATES)
# The next step is the salesperson's (P2.3.1, P2.3.2, P3.1.1).
SALES_TODO_STATES = (State.DRAFT, State.AWAITING_CUSTOMER, State.CHECKED)


def inbox_orders(user, *, limit: int = INBOX_LIMIT) -> list[Order]:
    """Orders waiting for the user: their own to complete, check and send to review;
    for management the escalations to decide (P2.3.2)."""
    waiting = Q(pk__in=[])
    if user.dept_code == Dept.SALES:
        waiting |= Q(salesperson_id=user.pk, status__in=SALES_TODO_STATES)
    if is_management(user):
        waiting |= Q(status=State.ESCALATED)
    return list(visible_to(user).filter(waiting).select_related("customer", "salesperson")
                .order_by("-id")[:limit])


def workbench_scope(user) -> int | None:
    """Whose orders the workbench counts: a salesperson's own, otherwise all visible."""
    if user.dept_code == Dept.SALES and not user.has_role(Role.DEPT_HEAD):
        return user.pk
    return None


def bounded_count(user, filters: OrderFilters, *, cap: int = COUNT_CAP) -> int:
    """How many visible orders match, counted up to `cap` (never a full COUNT)."""
    return order_list(user, filters).order_by().values("pk")[:cap].count()


def customer_choices(*, include_id=None, with_contacts: bool = True,
                     limit: int = CHOICES_LIMIT) -> list[Customer]:
    """Active customers for selects, bounded, each with `.primary_contact` (or None)."""
    customers = list(Customer.objects.filter(is_active=True)
                     .only("pk", "code", "name").order_by("name")[:limit])
    if include_id and str(include_id).isdigit() and \
            all(c.pk != int(include_id) for c in customers):
        customers[:0] = Customer.objects.filter(pk=int(include_id)).only("pk", "code", "name")
    if not with_contacts:
        return customers
    # Ordered so that the primary (then the oldest) contact comes last and wins.
    contacts = {c.customer_id: c for c in Contact.objects.filter(
        customer_id__in=[c.pk for c in customers]).order_by("is_primary", "-id")}
    for customer in customers:
        customer.primary_contact = contacts.get(customer.pk)
    return customers


def customer_options(*, include_id=None, limit: int = CHOICES_LIMIT) -> list[tuple[int, str]]:
    """(id, name) of active customers for a filter select: no model objects, bounded."""
    options = list(Customer.objects.filter(is_active=True).order_by("name")
                   .values_list("pk", "name")[:limit])
    if include_id and str(include_id).isdigit() and \
            all(pk != int(include_id) for pk, _name in options):
        options[:0] = Customer.objects.filter(pk=int(include_id)).values_list("pk", "name")
    return options


def product_choices(*, include_ids=(), limit: int = CHOICES_LIMIT) -> list[Product]:
    """Active products and services, bounded, plus any already on the order."""
    products = list(Product.objects.filter(is_active=True).order_by("code")[:limit])
    missing = {int(i) for i in include_ids if str(i).isdigit()} - {p.pk for p in products}
    if missing:
        products = list(Product.objects.filter(pk__in=missing)) + products
    return products


def salesperson_choices(*, limit: int = CHOICES_LIMIT) -> list[User]:
    return list(User.objects.filter(is_active=True, department__code=Dept.SALES)
                .order_by("full_name", "username")[:limit])
