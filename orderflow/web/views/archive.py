"""Archive pages (P9): the order page's dossier panel, the dossier with its documents and
access log, the archive index with its Excel export, "my archive requests" with the
form to file one and the decisions waiting for the user, the archive settings (P11).
Every write goes through orderflow.archive.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.labels import DEPT_LABELS
from orderflow.archive import selectors, services
from orderflow.archive.exports import FILTER_KEYS
from orderflow.archive.models import QueryStatus
from orderflow.archive.permissions import archive_settings, may_search_archive, may_see_prices
from orderflow.archive.services.integrity import dossier_last_check
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.core.validation import as_id
from orderflow.masterdata.models import Product
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import OrderType

from ..errors import FormErrors, service_errors
from .config.access import admin_only, page


def _dossier_context(user, dossier) -> dict:
    # The latest recorded integrity check (P9.1.1): a page view reads no stored file.
    return {"dossier": dossier, "documents": selectors.documents_for(user, dossier),
            "check": dossier_last_check(dossier), "prices": may_see_prices(user)}


def order_context(user, order) -> dict:
    """What the order page shows of the order's archive (its panel); the view is logged."""
    if order.status != State.ARCHIVED:
        return {}
    try:
        dossier = services.dossier_open(actor=user, order_id=order.pk)
    except NotFound:  # an order archived without a dossier (set directly in tests)
        return {}
    return {"archive_panel": _dossier_context(user, dossier)}


@login_required
@require_GET
def dossier_page(request, order_id: int):
    """The dossier: documents (withheld when they hold prices), the latest integrity
    check, the access log."""
    with service_errors(request):
        dossier = services.dossier_open(actor=request.user, order_id=order_id)
    log = None
    try:
        log = selectors.access_log_for(request.user, dossier)
    except NotPermitted:
        pass
    return render(request, "archive/dossier.html",
                  {**_dossier_context(request.user, dossier), "access_log": log,
                   "order_link": selectors.may_open_order(request.user, dossier)})


@login_required
@require_GET
def document_download(request, document_id: int):
    with service_errors(request):
        document = services.document_open(actor=request.user, document_id=document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        content_type=document.content_type or "application/octet-stream",
                        filename=document.file.name.rsplit("/", 1)[-1])


def _raw_filters(request) -> dict:
    return {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}


@login_required
@require_GET
def index_page(request):
    """The archive index with filters (P9.1.2, P9.2); others are sent to their requests."""
    if not may_search_archive(request.user):
        return redirect("web:archive_requests")
    raw, errors, result = _raw_filters(request), FormErrors(), None
    # named even when another filter is refused (the field shows the name, not an id)
    customer = selectors.customer_name(as_id(raw["customer"]))
    with service_errors(request, errors):
        filters = selectors.index_filters(raw, request.user)
        result = selectors.dossier_index(request.user, filters, request.GET.get("page"))
    return render(request, "archive/index.html", {
        "page": result, "filters": raw, "errors": errors, "prices": may_see_prices(request.user),
        "customer": customer or raw["customer"], "order_types": OrderType.choices,
        "products": Product.objects.filter(is_active=True).order_by("code")
        .values_list("pk", "code", "name")[:500]}, status=422 if errors else 200)


def _requests_page(request, form=None, errors=None, status=200):
    return render(request, "archive/requests.html", {
        "page": selectors.my_queries(request.user, request.GET.get("page")),
        "waiting": selectors.queries_waiting_for(request.user),
        "form": form or {}, "errors": errors or FormErrors(),
        "max_days": archive_settings().max_grant_days, "statuses": dict(QueryStatus.choices),
    }, status=status)


@login_required
def requests_page(request):
    """My archive requests and the form to file one (P9.2.1)."""
    if request.method != "POST":
        return _requests_page(request)
    form = {k: request.POST.get(k, "").strip() for k in ("order_number", "purpose",
                                                            "wanted_until")}
    errors, query = FormErrors(), None
    with service_errors(request, errors):
        query = services.query_request_file(actor=request.user, **form)
    if query is None:
        return _requests_page(request, form, errors, status=422 if errors else 200)
    messages.success(request, _("Your request is filed; your department head decides."))
    return redirect("web:archive_requests")


@login_required
@require_POST
def request_decide(request, query_id: int, decision: str):
    """Approve or decline (with a reason) a request waiting for the user."""
    if decision not in ("approve", "decline"):
        raise Http404
    with service_errors(request):
        if decision == "approve":
            services.query_approve(query_id=query_id, actor=request.user,
                                   comment=request.POST.get("comment", ""))
            messages.success(request, _("The request is approved."))
        else:
            services.query_decline(query_id=query_id, actor=request.user,
                                   reason=request.POST.get("reason", ""))
            messages.success(request, _("The request is declined."))
    return redirect("web:archive_requests")


@admin_only
def settings_page(request):
    """Who sees prices (P9.2.2) and the longest query grant (P9.2.1), P11."""
    row, errors = archive_settings(), FormErrors()
    form = {"price_departments": list(row.price_departments or []),
            "max_grant_days": row.max_grant_days}
    if request.method == "POST":
        form = {"price_departments": request.POST.getlist("price_departments"),
                "max_grant_days": request.POST.get("max_grant_days", "")}
        saved = None
        with service_errors(request, errors):
            saved = services.archive_settings_update(actor=request.user, **form)
        if saved is not None:
            messages.success(request, _("The archive settings are saved."))
            return redirect("web:config_archive")
    return page(request, "archive/settings.html", "archive", {
        "form": form, "errors": errors,
        "departments": [(str(d), DEPT_LABELS.get(d, d)) for d in Dept]},
        status=422 if errors else 200)


urlpatterns = [
    path("archive/", index_page, name="archive_index"),
    path("archive/requests/", requests_page, name="archive_requests"),
    path("archive/requests/<int:query_id>/<str:decision>/", request_decide,
         name="archive_request_decide"),
    path("archive/orders/<int:order_id>/", dossier_page, name="archive_dossier"),
    path("archive/documents/<int:document_id>/", document_download,
         name="archive_document"),
    path("config/archive/", settings_page, name="config_archive"),
]
