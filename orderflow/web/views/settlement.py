"""Settlement pages (P7): the order page's panels (settlement, advance payments), the
settlement page of an order with its forms (advance payments and their refunds,
quantities, reconciliation, submission, invoices, receipts, disputes), and the statement
downloads. Every write goes through orderflow.settlement.services; a refused form comes
back with its field errors (422)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from orderflow.core import clock
from orderflow.documents.xlsx import XLSX_CONTENT_TYPE
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.selectors import visible_to
from orderflow.settlement import selectors, services
from orderflow.settlement.domain.advances import ADVANCE_STATES, NEVER_AUDITED
from orderflow.settlement.models import (
    CHANNELS,
    AdvanceReceipt,
    Dispute,
    Instalment,
    Invoice,
    InvoiceKind,
    PaymentMethod,
    SettlementStatement,
)
from orderflow.settlement.permissions import may_see_settlement
from orderflow.settlement.services.disputes import OUTCOMES

from ..errors import FormErrors, service_errors
from .settlement_reports import urlpatterns as report_urls

PANEL_STATES = frozenset({State.EXECUTED, State.IN_SETTLEMENT, State.SETTLED, State.ARCHIVED})
# Before the settlement panel: the advance payments received since the sign-off (P7.1.1).
ADVANCE_PANEL_STATES = (ADVANCE_STATES | NEVER_AUDITED | {State.CHANGE_REVIEW,
                                                         State.CANCELLATION_REVIEW}) \
    - {State.IN_SETTLEMENT}
FORMS = {
    "advance": ("received_on", "amount", "method", "bank_reference", "note"),
    "advance_void": ("reason",),
    "refund": ("refunded_on", "amount", "method", "bank_reference", "note"),
    "reconcile": ("channel", "contact_name", "confirmed_on", "confirmed_amount",
                  "payment_method", "note"),
    "invoice": ("kind", "number", "issued_on", "net_amount", "tax_amount"),
    "void": ("reason",),
    "receipt": ("received_on", "amount", "method", "bank_reference", "note"),
    "dispute": ("reason", "disputed_amount"),
    "entry": ("happened_on", "channel", "summary", "outcome"),
    "escalate": ("legal_status", "case_number", "lawyer"),
    "close": ("resolution", "outcome"),
}


def order_context(user, order) -> dict:
    """What the order page shows of the order's settlement: its panel, and before the
    settlement the advance payments (Finance records them from the sign-off on)."""
    if not may_see_settlement(user):
        return {}
    context = {}
    if order.status in PANEL_STATES:
        view = selectors.settlement_for(user, order)
        if view.statement is not None or view.may_start:
            context["settlement_panel"] = view
    if order.status in ADVANCE_PANEL_STATES and "settlement_panel" not in context:
        advances = selectors.advances_for(user, order)
        if advances.count or advances.may_record:
            context["advances_panel"] = advances
    return context


# Which rows a form posted against one row belongs to (their ids may coincide).
_ROW_FORMS = {"receipt": "instalments", "void": "invoices", "entry": "disputes",
              "escalate": "disputes", "close": "disputes", "advance_void": "advances"}


def _mark_forms(view, form: str, target, values: dict, errors) -> None:
    """Each instalment, invoice, dispute and advance carries its own form's values and
    errors."""
    rows = {"instalments": view.instalments, "invoices": view.invoices,
            "disputes": view.disputes, "advances": view.advances.rows}
    for kind, objs in rows.items():
        for obj in objs:
            hit = target is not None and _ROW_FORMS.get(form) == kind and obj.pk == target
            obj.form_name = form if hit else ""
            obj.form_values = values if hit else {}
            obj.form_errors = errors if hit else {}


def _page(request, order_id: int, *, status: int = 200, form: str = "", target=None,
          values=None, errors=None):
    order = (visible_to(request.user).select_related("customer", "salesperson")
             .filter(pk=order_id).first())
    if order is None:
        raise Http404(_("Order not found."))
    view = selectors.settlement_for(request.user, order)
    values, errors = values or {}, errors or FormErrors()
    _mark_forms(view, form, target, values, errors)
    return render(request, "settlement/page.html", {
        "order": order, "s": view, "today": clock.today().isoformat(), "channels": CHANNELS,
        "methods": PaymentMethod.choices, "invoice_kinds": InvoiceKind.choices,
        "outcomes": OUTCOMES, "form": form,
        "fv": {form: values} if target is None else {},
        "fe": {form: errors} if target is None else {},
        "errors": errors,
    }, status=status)


@login_required
@require_GET
def settlement_page(request, order_id: int):
    """The settlement of one order (P7): advance payments, statement, reconciliation,
    audit, invoices, schedule and receipts, disputes."""
    with service_errors(request):
        return _page(request, order_id)


def _submit(request, order_id: int, form: str, call, *, target=None, done: str):
    """Run a settlement service with the form's fields; back to the page with the field
    errors (422), or on to it with a message."""
    values = {name: request.POST.get(name, "").strip() for name in FORMS.get(form, ())}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = call(values)
    if saved is None and errors:
        return _page(request, order_id, status=422, form=form, target=target, values=values,
                     errors=errors)
    if saved is not None:
        messages.success(request, done)
    return redirect("web:settlement_page", order_id)


def _order_of(model, pk: int) -> int:
    order_id = model.objects.filter(pk=pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise Http404
    return order_id


@login_required
@require_POST
def quantities(request, statement_id: int):
    order_id = _order_of(SettlementStatement, statement_id)
    given = {key[4:]: value for key, value in request.POST.items() if key.startswith("qty_")}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.statement_set_quantities(statement_id=statement_id,
                                                  actor=request.user, quantities=given)
    if saved is None and errors:
        return _page(request, order_id, status=422, form="quantities", values=given,
                     errors=errors)
    if saved is not None:
        messages.success(request, _("The quantities were saved."))
    return redirect("web:settlement_page", order_id)


@login_required
@require_POST
def reconcile(request, statement_id: int):
    return _submit(request, _order_of(SettlementStatement, statement_id), "reconcile",
                   lambda v: services.reconciliation_record(statement_id=statement_id,
                                                            actor=request.user, **v),
                   done=_("The customer's confirmation was recorded."))


@login_required
@require_POST
def submit(request, statement_id: int):
    return _submit(request, _order_of(SettlementStatement, statement_id), "submit",
                   lambda v: services.statement_submit(statement_id=statement_id,
                                                       actor=request.user),
                   done=_("The statement went to Finance for audit."))


@login_required
@require_POST
def invoice_add(request, order_id: int):
    return _submit(request, order_id, "invoice",
                   lambda v: services.invoice_issue(order_id=order_id, actor=request.user, **v),
                   done=_("The invoice was recorded."))


@login_required
@require_POST
def invoice_void(request, invoice_id: int):
    return _submit(request, _order_of(Invoice, invoice_id), "void",
                   lambda v: services.invoice_void(invoice_id=invoice_id, actor=request.user,
                                                   **v),
                   target=invoice_id, done=_("The invoice was voided."))


@login_required
@require_POST
def receipt_add(request, instalment_id: int):
    return _submit(request, _order_of(Instalment, instalment_id), "receipt",
                   lambda v: services.receipt_record(instalment_id=instalment_id,
                                                     actor=request.user, **v),
                   target=instalment_id, done=_("The receipt was recorded."))


@login_required
@require_POST
def advance_add(request, order_id: int):
    return _submit(request, order_id, "advance",
                   lambda v: services.advance_record(order_id=order_id, actor=request.user,
                                                     **v),
                   done=_("The advance payment was recorded."))


@login_required
@require_POST
def advance_void(request, advance_id: int):
    return _submit(request, _order_of(AdvanceReceipt, advance_id), "advance_void",
                   lambda v: services.advance_void(advance_id=advance_id, actor=request.user,
                                                   **v),
                   target=advance_id, done=_("The advance payment was voided."))


@login_required
@require_POST
def advance_refund_add(request, order_id: int):
    return _submit(request, order_id, "refund",
                   lambda v: services.advance_refund_record(order_id=order_id,
                                                            actor=request.user, **v),
                   done=_("The refund was recorded."))


@login_required
@require_POST
def dispute_add(request, order_id: int):
    return _submit(request, order_id, "dispute",
                   lambda v: services.dispute_open(order_id=order_id, actor=request.user, **v),
                   done=_("The dispute was opened."))


def _dispute_action(form: str, service, done):
    @login_required
    @require_POST
    def view(request, dispute_id: int):
        return _submit(request, _order_of(Dispute, dispute_id), form,
                       lambda v: service(dispute_id=dispute_id, actor=request.user, **v),
                       target=dispute_id, done=str(done))
    return view


dispute_entry = _dispute_action("entry", services.dispute_log,
                                gettext_lazy("The step was logged."))
dispute_escalate = _dispute_action("escalate", services.dispute_escalate,
                                   gettext_lazy("The legal status was saved."))
dispute_close = _dispute_action("close", services.dispute_close,
                                gettext_lazy("The dispute was closed."))


@login_required
@require_GET
def statement_pdf(request, statement_id: int):
    with service_errors(request):
        statement = selectors.statement_for(request.user, statement_id)
    if not statement.pdf:
        raise Http404(_("The PDF is not ready."))
    return FileResponse(statement.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{statement.number}.pdf")


@login_required
@require_GET
def statement_excel(request, statement_id: int):
    with service_errors(request):
        statement = selectors.statement_for(request.user, statement_id)
    response = HttpResponse(selectors.statement_xlsx(statement),
                            content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{statement.number}.xlsx"'
    return response


urlpatterns = [
    path("orders/<id:order_id>/settlement/", settlement_page, name="settlement_page"),
    path("orders/<id:order_id>/settlement/invoices/", invoice_add, name="settlement_invoice"),
    path("orders/<id:order_id>/settlement/disputes/", dispute_add, name="settlement_dispute"),
    path("orders/<id:order_id>/settlement/advances/", advance_add, name="settlement_advance"),
    path("orders/<id:order_id>/settlement/advance-refunds/", advance_refund_add,
         name="settlement_advance_refund"),
    path("advances/<id:advance_id>/void/", advance_void, name="advance_void"),
    path("statements/<id:statement_id>/quantities/", quantities, name="statement_quantities"),
    path("statements/<id:statement_id>/reconciliation/", reconcile,
         name="statement_reconcile"),
    path("statements/<id:statement_id>/submit/", submit, name="statement_submit"),
    path("statements/<id:statement_id>/pdf/", statement_pdf, name="statement_pdf"),
    path("statements/<id:statement_id>/xlsx/", statement_excel, name="statement_xlsx"),
    path("invoices/<id:invoice_id>/void/", invoice_void, name="invoice_void"),
    path("instalments/<id:instalment_id>/receipts/", receipt_add, name="receipt_add"),
    path("disputes/<id:dispute_id>/entries/", dispute_entry, name="dispute_entry"),
    path("disputes/<id:dispute_id>/escalate/", dispute_escalate, name="dispute_escalate"),
    path("disputes/<id:dispute_id>/close/", dispute_close, name="dispute_close"),
    *report_urls,
]
