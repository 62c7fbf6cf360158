"""Receivables (Finance, the Sales head, management) and the settlement records
(P7.3.1, P7.3.2) pages; their Excel files are background exports with progress."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from orderflow.core.errors import ValidationFailed
from orderflow.core.validation import as_id
from orderflow.settlement import selectors

from ..errors import service_errors


def _customer_id(request) -> int | None:
    return as_id(request.GET.get("customer"))


@login_required
@require_GET
def receivables_page(request):
    """Outstanding and overdue per customer, with the open instalments."""
    overdue = request.GET.get("overdue") in ("1", "on", "true")
    with service_errors(request):
        groups = selectors.receivables(request.user, customer_id=_customer_id(request),
                                       overdue_only=overdue)
        # every customer with receivables, so that the filter can switch customers
        customers = selectors.receivable_customers(request.user)
    return render(request, "settlement/receivables.html", {
        "groups": groups, "overdue": overdue, "customers": customers,
        "customer": _customer_id(request),
        "total_outstanding": sum(g.outstanding for g in groups),
        "total_overdue": sum(g.overdue for g in groups)})


@login_required
@require_GET
def records_page(request):
    """Settlement records of the orders the user sees, by period and customer: the newest
    rows, and the count and amount of all that match (P7.3.1, P7.3.2)."""
    errors, page = {}, selectors.RecordsPage(rows=[])
    try:
        page = selectors.records_page(
            request.user, date_from=request.GET.get("date_from") or None,
            date_to=request.GET.get("date_to") or None, customer_id=_customer_id(request))
    except ValidationFailed as exc:
        errors = exc.errors
    return render(request, "settlement/records.html", {
        "report": page, "records": page.rows, "errors": errors,
        "customers": selectors.record_customers(request.user),
        "customer": _customer_id(request), "date_from": request.GET.get("date_from", ""),
        "date_to": request.GET.get("date_to", "")}, status=422 if errors else 200)


urlpatterns = [
    path("settlement/receivables/", receivables_page, name="receivables"),
    path("settlement/records/", records_page, name="settlement_records"),
]
