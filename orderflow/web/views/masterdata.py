"""Customer and product pages (issue 2 §4): lists, forms, the customer page with contacts
and credit standing, spreadsheet import, import templates and exports."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderflow.audit.selectors import events_for
from orderflow.core import clock
from orderflow.core.pagination import paginate
from orderflow.core.permissions import require
from orderflow.documents.xlsx import XLSX_CONTENT_TYPE, max_bytes, max_rows
from orderflow.masterdata import selectors, services
from orderflow.masterdata.models import Contact, CreditRating, Customer, Product, ProductKind
from orderflow.orders.selectors import OrderFilters, order_list

from ..errors import FormErrors, service_errors
from ..history import change_rows

CUSTOMER_INPUTS = ("code", "name", "tax_id", "address", "industry", "credit_rating",
                   "credit_limit", "receivables_outstanding", "owner_id", "is_active")
CONTACT_INPUTS = ("name", "title", "phone", "mobile", "email", "is_primary")
PRODUCT_INPUTS = ("code", "name", "kind", "specification", "unit", "standard_price",
                  "standard_cost", "min_lead_days", "is_active")
RECENT_ORDERS = 10
EVENT_LABELS = {
    "customer.created": gettext_lazy("Customer created"),
    "customer.updated": gettext_lazy("Customer edited"),
    "customer.contact_added": gettext_lazy("Contact added"),
    "customer.contact_updated": gettext_lazy("Contact edited"),
    "customer.contact_removed": gettext_lazy("Contact removed"),
    "product.created": gettext_lazy("Created"),
    "product.updated": gettext_lazy("Edited"),
}
CONTACT_EVENTS = {"customer.contact_added", "customer.contact_updated", "customer.contact_removed"}


def _posted(request, names) -> dict:
    """The inputs the form sent; disabled inputs are not sent and stay unchanged."""
    return {name: request.POST[name].strip() for name in names if name in request.POST}


def _values_of(obj, names) -> dict:
    values = {name: getattr(obj, name) for name in names}
    return {k: "" if v is None else ("1" if v is True else "0" if v is False else str(v))
            for k, v in values.items()}


def _history(events, model) -> list[dict]:
    """Audit events as the page shows them: what happened, which field from what to what."""
    events = list(events)
    owners = selectors.user_names(
        v for e in events for c in e.data.get("changes", []) if c["field"] == "owner"
        for v in (c["old"], c["new"]) if v)
    return [{"event": event, "label": EVENT_LABELS.get(event.action, event.action),
             "changes": change_rows(event.data.get("changes", []),
                                    Contact if event.action in CONTACT_EVENTS else model,
                                    related={"owner": owners})}
            for event in events]


def _list_filters(request) -> dict:
    status = request.GET.get("status", "active")
    return {"q": request.GET.get("q", "").strip()[:100],
            "status": status if status in selectors.ACTIVE_FILTERS else "active"}


def _xlsx(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{clock.today():%Y%m%d}.xlsx"'
    return response


# Customers: list, form, page

@login_required
@require_GET
def customer_list_view(request):
    filters = _list_filters(request)
    page = paginate(selectors.customer_list(request.user, **filters), request.GET.get("page"))
    return render(request, "masterdata/customer_list.html", {
        "page": page, "filters": filters,
        "can_create": rules.has_perm("masterdata.add_customer", request.user),
        "can_import": rules.has_perm("masterdata.import_customers", request.user)})


def _customer_perms(user, customer=None) -> dict:
    creating = customer is None
    return {
        "general": rules.has_perm("masterdata.add_customer" if creating
                                  else "masterdata.change_customer", user, customer),
        "credit": rules.has_perm("masterdata.change_customer_credit", user, customer),
        "owner": rules.has_perm("masterdata.assign_customer_owner", user, customer),
    }


def _render_customer_form(request, values, errors, customer=None):
    return render(request, "masterdata/customer_form.html", {
        "customer": customer, "values": values, "errors": errors,
        "may": _customer_perms(request.user, customer), "ratings": CreditRating.choices,
        "owners": selectors.owner_choices()})


def _contact_errors(errors: FormErrors) -> FormErrors:
    """contacts.0.email -> contact_email: the form has one contact."""
    mapped = FormErrors({key.replace("contacts.0.", "contact_"): msgs
                         for key, msgs in errors.items()})
    mapped.message = errors.message
    return mapped


@login_required
@require_http_methods(["GET", "POST"])
def customer_create_view(request):
    with service_errors(request):
        require(request.user, "masterdata.add_customer")
    if request.method == "GET":
        values = {"credit_rating": CreditRating.B, "credit_limit": "0",
                  "receivables_outstanding": "0", "owner_id": str(request.user.pk)}
        return _render_customer_form(request, values, FormErrors())
    values = _posted(request, CUSTOMER_INPUTS)
    contact = {k: request.POST.get(f"contact_{k}", "").strip() for k in ("name", "phone",
                                                                          "email")}
    errors, customer = FormErrors(), None
    with service_errors(request, errors):
        customer = services.customer_create(
            actor=request.user, contacts=[contact] if any(contact.values()) else [], **values)
    if customer is None:
        values.update({f"contact_{k}": v for k, v in contact.items()})
        return _render_customer_form(request, values, _contact_errors(errors))
    messages.success(request, _("Customer %(name)s was created.") % {"name": customer.name})
    return redirect("web:customer_detail", customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit_view(request, customer_id: int):
    with service_errors(request):
        customer = selectors.customer_detail(request.user, customer_id)
        require(request.user, "masterdata.edit_customer", customer)
    if request.method == "GET":
        return _render_customer_form(request, _values_of(customer, CUSTOMER_INPUTS),
                                     FormErrors(), customer)
    values = _posted(request, CUSTOMER_INPUTS)
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.customer_update(customer_id=customer.pk, actor=request.user, **values)
    if saved is None:
        return _render_customer_form(request, {**_values_of(customer, CUSTOMER_INPUTS),
                                               **values}, errors, customer)
    messages.success(request, _("Customer %(name)s was saved.") % {"name": saved.name})
    return redirect("web:customer_detail", saved.pk)


def _contacts_context(request, customer: Customer, **extra) -> dict:
    return {"customer": customer, "contacts": list(customer.contacts.all()),
            "can_change": rules.has_perm("masterdata.change_customer", request.user, customer),
            "new_values": {}, "new_errors": FormErrors(), "editing": None, **extra}


@login_required
@require_GET
def customer_detail_view(request, customer_id: int):
    with service_errors(request):
        customer = selectors.customer_detail(request.user, customer_id)
    orders = order_list(request.user, OrderFilters(customer_id=customer.pk))[:RECENT_ORDERS]
    return render(request, "masterdata/customer_detail.html", {
        **_contacts_context(request, customer),
        "credit": selectors.credit_standing(customer), "orders": orders,
        "history": _history(events_for("masterdata.customer", [customer.pk], limit=20),
                            Customer),
        "can_edit": rules.has_perm("masterdata.edit_customer", request.user, customer)})


# Contacts: inline with htmx, plain pages without

def _contacts_done(request, customer_id: int, message: str, **extra):
    """htmx gets the contacts card back; a plain form post goes back to the page."""
    if request.htmx:
        with service_errors(request):
            customer = selectors.customer_detail(request.user, customer_id)
        return render(request, "masterdata/_contacts.html",
                      _contacts_context(request, customer, **extra))
    if message:
        messages.success(request, message)
    return redirect("web:customer_detail", customer_id)


@login_required
@require_POST
def contact_add_view(request, customer_id: int):
    values = _posted(request, CONTACT_INPUTS)
    errors, contact = FormErrors(), None
    with service_errors(request, errors):
        contact = services.contact_add(customer_id=customer_id, actor=request.user, **values)
    if contact is None and not request.htmx:
        return _render_contact_page(request, customer_id, None, values, errors)
    return _contacts_done(request, customer_id, _("The contact was added."),
                          **({} if contact else {"new_values": values, "new_errors": errors}))


def _render_contact_page(request, customer_id, contact, values, errors):
    with service_errors(request):
        customer = selectors.customer_detail(request.user, customer_id)
    return render(request, "masterdata/contact_form.html", {
        "customer": customer, "contact": contact, "values": values, "errors": errors})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit_view(request, customer_id: int, contact_id: int):
    with service_errors(request):
        contact = selectors.contact_detail(request.user, customer_id, contact_id)
        require(request.user, "masterdata.change_customer", contact.customer)
    if request.method == "GET":
        values = _values_of(contact, CONTACT_INPUTS)
        if request.htmx:
            return _contacts_done(request, customer_id, "", editing=contact.pk,
                                  edit_values=values, edit_errors=FormErrors())
        return _render_contact_page(request, customer_id, contact, values, FormErrors())
    values = _posted(request, CONTACT_INPUTS)
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.contact_update(contact_id=contact.pk, customer_id=customer_id,
                                        actor=request.user, **values)
    if saved is None and request.htmx:
        return _contacts_done(request, customer_id, "", editing=contact.pk,
                              edit_values=values, edit_errors=errors)
    if saved is None:
        return _render_contact_page(request, customer_id, contact, values, errors)
    return _contacts_done(request, customer_id, _("The contact was saved."))


@login_required
@require_POST
def contact_remove_view(request, customer_id: int, contact_id: int):
    with service_errors(request):
        services.contact_remove(contact_id=contact_id, customer_id=customer_id,
                                actor=request.user)
    return _contacts_done(request, customer_id, _("The contact was removed."))


# Products

@login_required
@require_GET
def product_list_view(request):
    filters = _list_filters(request)
    kind = request.GET.get("kind", "")
    filters["kind"] = kind if kind in ProductKind.values else ""
    page = paginate(selectors.product_list(request.user, **filters), request.GET.get("page"))
    may = rules.has_perm("masterdata.change_product", request.user)
    return render(request, "masterdata/product_list.html", {
        "page": page, "filters": filters, "kinds": ProductKind.choices, "can_edit": may,
        "can_create": rules.has_perm("masterdata.add_product", request.user),
        "can_import": rules.has_perm("masterdata.import_products", request.user)})


def _render_product_form(request, values, errors, product=None):
    return render(request, "masterdata/product_form.html", {
        "product": product, "values": values, "errors": errors, "kinds": ProductKind.choices})


@login_required
@require_GET
def product_detail_view(request, product_id: int):
    with service_errors(request):
        product = selectors.product_detail(request.user, product_id)
    return render(request, "masterdata/product_detail.html", {
        "product": product,
        "history": _history(events_for("masterdata.product", [product.pk], limit=20), Product),
        "can_edit": rules.has_perm("masterdata.change_product", request.user, product)})


@login_required
@require_http_methods(["GET", "POST"])
def product_create_view(request):
    with service_errors(request):
        require(request.user, "masterdata.add_product")
    if request.method == "GET":
        values = {"kind": ProductKind.PRODUCT, "standard_cost": "0", "min_lead_days": "0"}
        return _render_product_form(request, values, FormErrors())
    values = _posted(request, PRODUCT_INPUTS)
    errors, product = FormErrors(), None
    with service_errors(request, errors):
        product = services.product_create(actor=request.user, **values)
    if product is None:
        return _render_product_form(request, values, errors)
    messages.success(request, _("%(name)s was created.") % {"name": product})
    return redirect("web:product_list")


@login_required
@require_http_methods(["GET", "POST"])
def product_edit_view(request, product_id: int):
    with service_errors(request):
        product = selectors.product_detail(request.user, product_id)
        require(request.user, "masterdata.change_product", product)
    if request.method == "GET":
        return _render_product_form(request, _values_of(product, PRODUCT_INPUTS), FormErrors(),
                                    product)
    values = _posted(request, PRODUCT_INPUTS)
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.product_update(product_id=product.pk, actor=request.user, **values)
    if saved is None:
        return _render_product_form(request, values, errors, product)
    messages.success(request, _("%(name)s was saved.") % {"name": saved})
    return redirect("web:product_detail", saved.pk)


# Spreadsheets: import, templates, exports

IMPORTS = {
    "customers": ("masterdata.import_customers", services.customers_import,
                  "web:customer_list", "web:customer_import_template"),
    "products": ("masterdata.import_products", services.products_import,
                 "web:product_list", "web:product_import_template"),
}


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request, kind: str):
    """Upload a file; show the summary, or every bad row with its column (nothing saved)."""
    perm, run, list_url, template_url = IMPORTS[kind]
    with service_errors(request):
        require(request.user, perm)
    context = {"kind": kind, "list_url": list_url, "template_url": template_url,
               "errors": FormErrors(), "rows": [], "result": None,
               "max_rows": max_rows(), "max_size": filesizeformat(max_bytes())}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"]["file"] = [_("Choose an .xlsx file.")]
        else:
            with service_errors(request, context["errors"]):
                try:
                    context["result"] = run(upload=upload, actor=request.user)
                except services.ImportFailed as exc:
                    context["rows"], context["failure"] = exc.rows, exc.message
    return render(request, "masterdata/import.html", context)


TEMPLATES = {"customers": selectors.customer_import_template,
             "products": selectors.product_import_template}


@login_required
@require_GET
def import_template_view(request, kind: str):
    return _xlsx(TEMPLATES[kind](), f"{kind}-template")


@login_required
@require_GET
def customer_export_view(request):
    return _xlsx(selectors.customer_export(request.user, **_list_filters(request)), "customers")


@login_required
@require_GET
def product_export_view(request):
    filters = _list_filters(request)
    kind = request.GET.get("kind", "")
    return _xlsx(selectors.product_export(request.user, **filters,
                                          kind=kind if kind in ProductKind.values else ""),
                 "products")


urlpatterns = [
    path("customers/", customer_list_view, name="customer_list"),
    path("customers/new/", customer_create_view, name="customer_create"),
    path("customers/import/", import_view, {"kind": "customers"}, name="customer_import"),
    path("customers/import/template.xlsx", import_template_view, {"kind": "customers"},
         name="customer_import_template"),
    path("customers/export.xlsx", customer_export_view, name="customer_export"),
    path("customers/<id:customer_id>/", customer_detail_view, name="customer_detail"),
    path("customers/<id:customer_id>/edit/", customer_edit_view, name="customer_edit"),
    path("customers/<id:customer_id>/contacts/add/", contact_add_view, name="contact_add"),
    path("customers/<id:customer_id>/contacts/<id:contact_id>/edit/", contact_edit_view,
         name="contact_edit"),
    path("customers/<id:customer_id>/contacts/<id:contact_id>/remove/", contact_remove_view,
         name="contact_remove"),
    path("products/", product_list_view, name="product_list"),
    path("products/new/", product_create_view, name="product_create"),
    path("products/import/", import_view, {"kind": "products"}, name="product_import"),
    path("products/import/template.xlsx", import_template_view, {"kind": "products"},
         name="product_import_template"),
    path("products/export.xlsx", product_export_view, name="product_export"),
    path("products/<id:product_id>/", product_detail_view, name="product_detail"),
    path("products/<id:product_id>/edit/", product_edit_view, name="product_edit"),
]
