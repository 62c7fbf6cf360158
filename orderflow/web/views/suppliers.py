"""Supplier master data pages (P5.2.1): list with search, page, create, edit. Every
write goes through orderflow.masterdata.services.suppliers; Procurement and system
admins maintain suppliers, everyone logged in reads them."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from orderflow.core.pagination import paginate
from orderflow.core.permissions import require
from orderflow.execution.selectors import procurement as selectors
from orderflow.masterdata.services import suppliers as services

from ..errors import FormErrors, service_errors

INPUTS = ("code", "name", "tax_id", "contact_name", "phone", "email", "address",
          "categories", "is_active")


def _posted(request, names) -> dict:
    return {name: request.POST[name].strip() for name in names if name in request.POST}


def _values_of(supplier) -> dict:
    values = {name: getattr(supplier, name) for name in INPUTS}
    values["is_active"] = "1" if supplier.is_active else "0"
    return values


def _render_form(request, values, errors, supplier=None, status=200):
    return render(request, "masterdata/supplier_form.html", {
        "supplier": supplier, "values": values, "errors": errors}, status=status)


@login_required
@require_GET
def supplier_list_view(request):
    status = request.GET.get("status", "active")
    filters = {"q": request.GET.get("q", "").strip()[:100],
               "status": status if status in selectors.ACTIVE_FILTERS else "active"}
    page = paginate(selectors.supplier_list(request.user, **filters), request.GET.get("page"))
    return render(request, "masterdata/supplier_list.html", {
        "page": page, "filters": filters,
        "can_create": rules.has_perm("masterdata.add_supplier", request.user),
        "can_edit": rules.has_perm("masterdata.change_supplier", request.user)})


@login_required
@require_GET
def supplier_detail_view(request, supplier_id: int):
    with service_errors(request):
        supplier = selectors.supplier_detail(request.user, supplier_id)
    return render(request, "masterdata/supplier_detail.html", {
        "supplier": supplier,
        "contracts": selectors.supplier_contracts(request.user, supplier),
        "can_edit": rules.has_perm("masterdata.change_supplier", request.user, supplier)})


@login_required
@require_http_methods(["GET", "POST"])
def supplier_create_view(request):
    with service_errors(request):
        require(request.user, "masterdata.add_supplier")
    if request.method == "GET":
        return _render_form(request, {}, FormErrors())
    values = _posted(request, INPUTS)
    values.pop("is_active", None)
    errors, supplier = FormErrors(), None
    with service_errors(request, errors):
        supplier = services.supplier_create(actor=request.user, code=values.pop("code", ""),
                                            name=values.pop("name", ""), **values)
    if supplier is None:
        return _render_form(request, _posted(request, INPUTS), errors, status=422)
    messages.success(request, _("%(name)s was created.") % {"name": supplier})
    return redirect("web:supplier_detail", supplier.pk)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_edit_view(request, supplier_id: int):
    with service_errors(request):
        supplier = selectors.supplier_detail(request.user, supplier_id)
        require(request.user, "masterdata.change_supplier", supplier)
    if request.method == "GET":
        return _render_form(request, _values_of(supplier), FormErrors(), supplier)
    values = _posted(request, INPUTS)
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.supplier_update(supplier_id=supplier.pk, actor=request.user,
                                         **values)
    if saved is None:
        return _render_form(request, values, errors, supplier, status=422)
    messages.success(request, _("%(name)s was saved.") % {"name": saved})
    return redirect("web:supplier_detail", saved.pk)


urlpatterns = [
    path("suppliers/", supplier_list_view, name="supplier_list"),
    path("suppliers/new/", supplier_create_view, name="supplier_create"),
    path("suppliers/<id:supplier_id>/", supplier_detail_view, name="supplier_detail"),
    path("suppliers/<id:supplier_id>/edit/", supplier_edit_view, name="supplier_edit"),
]
