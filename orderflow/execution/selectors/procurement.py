"""Procurement reads (P5.2): an order's purchase contracts with everything under them
(a fixed number of queries, whatever their count), one contract, late contracts, the
supplier list, and the order page's summary line."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.core.validation import search_term
from orderflow.masterdata.models import Supplier
from orderflow.orders.selectors import visible_to

from ..domain import procurement as rules
from ..models import (
    ContractStatus,
    PurchaseContract,
    PurchaseContractLine,
    ReturnStatus,
    SupplierCommunication,
    SupplierDelivery,
    SupplierDeliveryLine,
    SupplierReturn,
)
from .overview import OpenItem, Summary

DEPT = Dept.PROCUREMENT.value
MAX_CONTRACTS = 200      # per order: far more than any order has
MAX_SUMMARY_ITEMS = 20
ACTIVE_FILTERS = ("active", "inactive", "all")


def _owed():
    return PurchaseContractLine.objects.filter(contract_id=OuterRef("pk"),
                                               received_quantity__lt=F("quantity"))


def _with_children(qs: QuerySet) -> QuerySet:
    """Contracts with lines, deliveries (items, their inspection), returns and the
    communication log: six queries in all."""
    delivered = SupplierDeliveryLine.objects.select_related("contract_line", "inspection")
    return (qs.select_related("supplier", "signed_by", "created_by", "on_behalf_of",
                              "package")
            .prefetch_related(
                Prefetch("lines", queryset=PurchaseContractLine.objects.select_related(
                    "product").order_by("position")),
                Prefetch("deliveries", queryset=SupplierDelivery.objects.select_related(
                    "created_by").prefetch_related(Prefetch("lines", queryset=delivered))),
                Prefetch("returns", queryset=SupplierReturn.objects.select_related(
                    "created_by", "closed_by")),
                Prefetch("communications", queryset=SupplierCommunication.objects
                         .select_related("created_by"))))


def _mark(contracts: list[PurchaseContract]) -> list[PurchaseContract]:
    """Derived facts for pages and the API, from what was prefetched (no queries)."""
    today = clock.today()
    for contract in contracts:
        lines = list(contract.lines.all())
        returns = list(contract.returns.all())
        returned = defaultdict(lambda: Decimal("0"))
        for ret in returns:
            returned[ret.inspection_id] += ret.quantity
        for line in lines:
            line.outstanding = rules.outstanding(line.quantity, line.received_quantity)
        contract.complete = rules.fully_received(
            (line.quantity, line.received_quantity) for line in lines)
        contract.is_late = rules.is_late(status=contract.status,
                                         delivery_date=contract.delivery_date, today=today,
                                         complete=contract.complete)
        contract.actions = rules.contract_actions(contract.status)
        contract.open_returns = [r for r in returns if r.status == ReturnStatus.OPEN]
        contract.uninspected = 0
        for delivery in contract.deliveries.all():
            for item in delivery.lines.all():
                inspection = getattr(item, "inspection", None)
                item.inspection_or_none = inspection
                contract.uninspected += inspection is None
                if inspection is not None:
                    inspection.returnable = rules.returnable(inspection.rejected_quantity,
                                                             returned[inspection.pk])
    return contracts


def contracts_for(order, *, package=None) -> list[PurchaseContract]:
    """The order's purchase contracts (of one package when given), newest first, with
    their lines, deliveries, inspections, returns and communications (bounded; the caller
    has already checked the user sees the order)."""
    qs = PurchaseContract.objects.filter(order_id=order.pk)
    if package is not None:
        qs = qs.filter(package_id=package.pk)
    contracts = list(_with_children(qs).order_by("-contract_date", "-id")[:MAX_CONTRACTS])
    for contract in contracts:
        contract.order = order
    return _mark(contracts)


def contract_detail(user, contract_id: int) -> PurchaseContract:
    """One contract with everything under it; NotFound if its order is invisible."""
    contract = (_with_children(PurchaseContract.objects.filter(
        pk=contract_id, order__in=visible_to(user).values("pk"))).select_related("order")
        .first())
    if contract is None:
        raise NotFound(_("Purchase contract not found."))
    return _mark([contract])[0]


def late_contracts(user=None, *, limit: int = 100) -> list[PurchaseContract]:
    """P5.2.2: signed contracts past their delivery date with goods still owed, most
    overdue first (only those of orders the user sees, when a user is given)."""
    qs = PurchaseContract.objects.filter(Exists(_owed()), status=ContractStatus.SIGNED,
                                         delivery_date__lt=clock.today())
    if user is not None:
        qs = qs.filter(order__in=visible_to(user).values("pk"))
    return list(qs.select_related("supplier", "order")
                .order_by("delivery_date", "pk")[:max(min(limit, 500), 0)])


# -- suppliers (P5.2.1) ------------------------------------------------------------------

def visible_suppliers(user) -> QuerySet[Supplier]:
    active = bool(user and user.is_authenticated and user.is_active)
    return Supplier.objects.all() if active else Supplier.objects.none()


def supplier_list(user, *, q: str = "", status: str = "active") -> QuerySet[Supplier]:
    """Suppliers by code, searched by code, name, tax ID, contact or what they supply
    (the caller pages it)."""
    qs = visible_suppliers(user)
    if status == "inactive":
        qs = qs.filter(is_active=False)
    elif status != "all":
        qs = qs.filter(is_active=True)
    term = search_term(q)
    if term:
        qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term)
                       | Q(tax_id__icontains=term) | Q(contact_name__icontains=term)
                       | Q(categories__icontains=term))
    return qs.order_by("code")


def supplier_choices(user, *, limit: int = 500) -> list[Supplier]:
    """Active suppliers for a contract form's select (bounded)."""
    return list(visible_suppliers(user).filter(is_active=True).order_by("code")[:limit])


def supplier_detail(user, supplier_id: int) -> Supplier:
    supplier = visible_suppliers(user).filter(pk=supplier_id).first()
    if supplier is None:
        raise NotFound(_("Supplier not found."))
    return supplier


def supplier_contracts(user, supplier, *, limit: int = 20) -> list[PurchaseContract]:
    """The supplier's latest contracts on orders the user sees (its page)."""
    return list(PurchaseContract.objects.filter(
        supplier_id=supplier.pk, order__in=visible_to(user).values("pk"))
        .select_related("order").order_by("-contract_date", "-id")[:limit])


# -- the order page's execution panel (P6.1.2) -------------------------------------------

def summary(order, package) -> Summary:
    """"N contracts, M received", percent received of contracted quantity, and the open
    items: late contracts and open returns (two queries)."""
    contracts = list(
        PurchaseContract.objects.filter(package_id=package.pk)
        .exclude(status=ContractStatus.CANCELLED)
        .annotate(contracted=Sum("lines__quantity"), received=Sum("lines__received_quantity"),
                  owing=Exists(_owed()))
        .only("id", "number", "status", "delivery_date", "package_id")
        .order_by("delivery_date", "id")[:MAX_CONTRACTS])
    open_returns = list(
        SupplierReturn.objects.filter(contract__package_id=package.pk,
                                      status=ReturnStatus.OPEN)
        .select_related("contract").only("id", "kind", "quantity", "contract__number",
                                         "contract__id")
        .order_by("created_at", "id")[:MAX_SUMMARY_ITEMS])
    if not contracts and not open_returns:
        return Summary(headline=_("No purchase contracts yet"))
    today = clock.today()
    url = f"/work-packages/{package.pk}/"
    received = sum(1 for c in contracts if not c.owing)
    items = [OpenItem(text=_("Contract %(number)s is late") % {"number": c.number},
                      due=c.delivery_date, late=True, url=f"{url}#contract-{c.pk}")
             for c in contracts
             if rules.is_late(status=c.status, delivery_date=c.delivery_date, today=today,
                              complete=not c.owing)]
    items += [OpenItem(text=_("%(kind)s open on contract %(number)s")
                       % {"kind": r.get_kind_display(), "number": r.contract.number},
                       url=f"{url}#contract-{r.contract_id}") for r in open_returns]
    contracted = sum((c.contracted or Decimal("0") for c in contracts), Decimal("0"))
    got = sum((c.received or Decimal("0") for c in contracts), Decimal("0"))
    return Summary(
        headline=_("%(contracts)s contracts, %(received)s received")
        % {"contracts": len(contracts), "received": received},
        percent=rules.receipt_percent(contracted, got),
        open_items=items[:MAX_SUMMARY_ITEMS])
