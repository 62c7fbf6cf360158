"""Receivables (Finance, the Sales head, management) and the settlement records
(P7.3.1, P7.3.2) pages; their Excel files are background exports with progress."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from orderflow.core.errors import ValidationFailed
from orderflow.core.validation import as_id
from orderflow.masterdata.models import Customer
from orderflow.settlement import selectors

from ..errors import service_errors


def _customer_id(request) -> int | None:
    return as_id(request.GET.get("customer"))


def _customers():
    return Customer.objects.filter(settlement_records__isnull=False).distinct() \
        .order_by("code").only("pk", "code", "name")[:500]


@login_required
@require_GET
def receivables_page(request):
    """Outstanding and overdue per customer, with the open instalments."""
    overdue = request.GET.get("overdue") in ("1", "on", "true")
    with service_errors(request):
        groups = selectors.receivables(request.user, customer_id=_customer_id(request),
                                       overdue_only=overdue)
    customers = Customer.objects.filter(pk__in=[g.customer.pk for g in groups]) \
        .order_by("code").only("pk", "code", "name")
    return render(request, "settlement/receivables.html", {
        "groups": groups, "overdue": overdue, "customers": customers,
        "customer": _customer_id(request),
        "total_outstanding": sum(g.outstanding for g in groups),
        "total_overdue": sum(g.overdue for g in groups)})


@login_required
@require_GET
def records_page(request):
    """Settlement records of the orders the user sees, by period and customer."""
    errors, records = {}, []
    try:
        records = selectors.settlement_records(
            request.user, date_from=request.GET.get("date_from") or None,
            date_to=request.GET.get("date_to") or None, customer_id=_customer_id(request))
    except ValidationFailed as exc:
        errors = exc.errors
    return render(request, "settlement/records.html", {
        "records": records, "errors": errors, "customers": _customers(),
        "customer": _customer_id(request), "date_from": request.GET.get("date_from", ""),
        "date_to": request.GET.get("date_to", ""),
        "total": sum(r.amount for r in records)}, status=422 if errors else 200)


urlpatterns = [
    path("settlement/receivables/", receivables_page, name="receivables"),
    path("settlement/records/", records_page, name="settlement_records"),
]
