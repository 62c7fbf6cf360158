"""Reading the archive (P9.1.2, P9.2): the index with its filters, a dossier's documents
as the user may see them, the user's query requests, the access log."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from orderflow.accounts.selectors import delegators_of
from orderflow.approval.models import ApprovalTask, RequestStatus, TaskStatus
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.core.pagination import Page, paginate
from orderflow.core.validation import Errors, search_term
from orderflow.masterdata.models import Customer
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order, OrderType
from orderflow.orders.permissions import visibility_q

from .models import AccessLog, Dossier, DossierProduct, QueryRequest, QueryStatus
from .permissions import (
    QUERY_SUBJECT,
    may_search_archive,
    may_see_access_log,
    may_see_prices,
    sees_every_dossier,
)

PRODUCT_KINDS = ("product", "service")
# Digits only, at least four: the end of an order number ("000066"); shorter tails match
# too much to be worth a search of every order number.
ORDER_NUMBER_TAIL = re.compile(r"[0-9]{4,}")
SUFFIX_MATCH_LIMIT = 500
# The customer industries of the dossiers are a short list (read whole for a search):
# each next one is the least above the last, one probe of the industry index.
MAX_INDUSTRIES = 1000
INDUSTRIES_SQL = """
    WITH RECURSIVE seen(industry, n) AS (
        SELECT MIN(customer_industry), 1 FROM {table}
        UNION ALL
        SELECT (SELECT MIN(customer_industry) FROM {table}
                WHERE customer_industry > seen.industry), n + 1
        FROM seen WHERE seen.industry IS NOT NULL AND n <= %s)
    SELECT industry FROM seen WHERE industry IS NOT NULL"""


@dataclass(frozen=True)
class IndexFilters:
    q: str = ""
    customer: int | None = None
    customer_name: str = ""
    year: int | None = None
    month: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order_type: str = ""
    product_kind: str = ""
    industry: str = ""
    product: int | None = None
    amount_min: object = None
    amount_max: object = None


def index_filters(raw: dict, user) -> IndexFilters:
    """Filters from a form or query string, validated field by field (ValidationFailed)."""
    errors = Errors()

    def opt_int(key, **kw):
        return errors.integer(key, raw.get(key), required=False, **kw)

    values = {
        "q": search_term(raw.get("q"), max_length=20).upper(),
        "customer": opt_int("customer", min_value=1),
        "customer_name": search_term(raw.get("customer_name"), max_length=100),
        "year": opt_int("year", min_value=2000),
        "month": opt_int("month", min_value=1),
        "date_from": errors.date("date_from", raw.get("date_from"), required=False),
        "date_to": errors.date("date_to", raw.get("date_to"), required=False),
        "order_type": errors.choice("order_type", raw.get("order_type"), OrderType.choices,
                                    required=False),
        "product_kind": errors.choice("product_kind", raw.get("product_kind"), PRODUCT_KINDS,
                                      required=False),
        "industry": search_term(raw.get("industry"), max_length=64),
        "product": opt_int("product", min_value=1),
        "amount_min": errors.decimal("amount_min", raw.get("amount_min"), required=False),
        "amount_max": errors.decimal("amount_max", raw.get("amount_max"), required=False),
    }
    if values["month"] and values["month"] > 12:
        errors.add("month", _("Must be at most %(v)s.") % {"v": 12})
    if values["date_from"] and values["date_to"] and values["date_from"] > values["date_to"]:
        errors.add("date_to", _("The end is before the start."))
    if (raw.get("amount_min") or raw.get("amount_max")) and not may_see_prices(user):
        errors.add("amount_min", _("You may not search by amount."))  # P9.2.2
    errors.raise_if_any()
    return IndexFilters(**values)


def _filter_q(f: IndexFilters) -> Q:
    q = Q()
    pairs = [("customer_id", f.customer), ("year", f.year), ("month", f.month),
             ("order_type", f.order_type), ("product_kind", f.product_kind),
             ("archived_at__date__gte", f.date_from),
             ("archived_at__date__lte", f.date_to), ("amount__gte", f.amount_min),
             ("amount__lte", f.amount_max)]
    for lookup, value in pairs:
        if value not in (None, ""):
            q &= Q(**{lookup: value})
    if f.industry:
        q &= _industry_q(f.industry)
    if f.product:
        q &= Q(pk__in=DossierProduct.objects.filter(product_id=f.product)
               .values("dossier_id"))
    if f.customer_name:
        q &= Q(customer__name__icontains=f.customer_name)
    if f.q:
        match = Q(order_number=f.q) | Q(number=f.q) | Q(order_number__startswith=f.q) \
            | Q(number__startswith=f.q)
        if ORDER_NUMBER_TAIL.fullmatch(f.q):
            match |= Q(order_id__in=_orders_ending_with(f.q))
        q &= match
    return q


def _industry_q(term: str) -> Q:
    """Dossiers whose customer industry contains the term ("包装" finds "包装印刷").

    The industries are few and the dossiers many: the distinct industries are read from
    the industry index (one probe each, bounded) and matched here, so that the dossiers
    are found through that index too; a LIKE '%term%' on the dossiers scans them all."""
    table = connection.ops.quote_name(Dossier._meta.db_table)  # the model's, not input
    with connection.cursor() as cursor:
        cursor.execute(INDUSTRIES_SQL.format(table=table), [MAX_INDUSTRIES])
        industries = [row[0] for row in cursor.fetchall()]
    if len(industries) > MAX_INDUSTRIES:   # more than expected: let the database look
        return Q(customer_industry__icontains=term)
    wanted = term.casefold()
    return Q(customer_industry__in=[i for i in industries if wanted in i.casefold()])


def _orders_ending_with(digits: str) -> list[int]:
    """Ids of the orders whose number ends with the digits ("000066" of SO-2026-000066),
    resolved first (bounded) through the order numbers' trigram index, so that every
    branch of the search stays an index scan; a suffix LIKE on the dossiers would scan
    them all."""
    return list(Order.objects.filter(number__iendswith=digits, status=State.ARCHIVED)
                .order_by().values_list("pk", flat=True)[:SUFFIX_MATCH_LIMIT])


def index_queryset(user, filters: IndexFilters):
    """Dossiers the user may list, filtered, newest first (P9.2).

    Raises:
        NotPermitted: not Sales, Archive, management or a system admin (others request).
    """
    if not may_search_archive(user):
        raise NotPermitted(_("Only Sales, Archive and management search the archive; "
                             "file a query request to see an archived order."))
    qs = Dossier.objects.filter(_filter_q(filters))
    if not sees_every_dossier(user):  # a salesperson: their own orders (visibility)
        qs = qs.filter(Q(order__salesperson_id=user.pk) | Q(order__created_by_id=user.pk))
    return qs.select_related("customer", "main_product").order_by("-id")


def dossier_index(user, filters: IndexFilters, page=1, size=None) -> Page:
    """One page of the index (no COUNT), amounts hidden from who may not see prices."""
    result = paginate(index_queryset(user, filters), page, size)
    prices = may_see_prices(user)
    for dossier in result.items:
        dossier.shown_amount = dossier.amount if prices else None
    return result


def customer_name(customer_id: int | None) -> str:
    """The name of the customer the index is narrowed to ("" for none or an unknown id)."""
    if customer_id is None:
        return ""
    return Customer.objects.filter(pk=customer_id).values_list("name", flat=True).first() or ""


def may_open_order(user, dossier: Dossier) -> bool:
    """Whether the user may open the archived order's own page: a query grant opens the
    dossier only (P9.2.1)."""
    return Order.objects.filter(visibility_q(user), pk=dossier.order_id).exists()


def documents_for(user, dossier: Dossier) -> list:
    """The dossier's documents, each marked `withheld` when it holds prices the user may
    not see (P9.2.2)."""
    prices = may_see_prices(user)
    documents = list(dossier.documents.all().order_by("position"))
    for document in documents:
        document.withheld = document.holds_prices and not prices
    return documents


def access_log_for(user, dossier: Dossier, limit: int = 200) -> list[AccessLog]:
    """Who viewed and downloaded what, newest first: Archive staff and the owner only.

    Raises:
        NotPermitted: anyone else.
    """
    if not may_see_access_log(user, dossier.order):
        raise NotPermitted(_("Only Archive staff and the order's owner see the access log."))
    return list(AccessLog.objects.filter(dossier=dossier)
                .select_related("user", "document")[:limit])


def my_queries(user, page=1, size=None) -> Page:
    """The user's query requests, newest first, with their state (P9.2.1)."""
    qs = QueryRequest.objects.filter(requester_id=user.pk).select_related(
        "order", "dossier", "decided_by")
    return paginate(qs, page, size)


def query_for(user, query_id: int) -> QueryRequest:
    """A query request its requester reads; NotFound for anyone else's."""
    query = QueryRequest.objects.select_related("order", "dossier", "decided_by").filter(
        pk=query_id, requester_id=user.pk).first()
    if query is None:
        raise NotFound(_("Query request not found."))
    return query


def queries_waiting_for(user) -> list[QueryRequest]:
    """Query requests waiting for the user's decision, or that of whom they stand in for
    today (P9.2.1: the requester's department head), oldest first."""
    holders = [user.pk, *delegators_of(user, on=clock.today())]
    ids = (ApprovalTask.objects.filter(
        request__subject_kind=QUERY_SUBJECT, request__status=RequestStatus.IN_PROGRESS,
        status=TaskStatus.PENDING, assignee_id__in=holders).values("request__subject_id"))
    return list(QueryRequest.objects.filter(pk__in=ids, status=QueryStatus.PENDING)
                .select_related("order", "requester__department").order_by("created_at")[:100])
