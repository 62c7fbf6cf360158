"""Procurement on the work-package page (P5.2): purchase contracts with their items,
sign / cancel / close, deliveries, the supplier communication log, incoming inspection
and returns or exchanges. Every write goes through
orderflow.execution.services.procurement; on bad input the whole page comes back (422)
with the form's values and field errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orderflow.accounts.domain.organisation import Dept
from orderflow.core import clock
from orderflow.execution.models import (
    CommunicationChannel,
    CommunicationTopic,
    ReturnKind,
)
from orderflow.execution.selectors import procurement as selectors
from orderflow.execution.services import procurement as services
from orderflow.execution.services.common import WORKING_ORDER_STATES

from ...errors import FormErrors, service_errors

DEPT = Dept.PROCUREMENT.value
BLANK_ROWS = 5
LINE_FIELDS = ("description", "specification", "quantity", "unit", "unit_price")
ACTION_SERVICES = {"sign": services.purchase_contract_sign,
                   "close": services.purchase_contract_close}
ACTION_DONE = {"sign": gettext_lazy("Purchase contract %(number)s was signed."),
               "close": gettext_lazy("Purchase contract %(number)s was closed."),
               "cancel": gettext_lazy("Purchase contract %(number)s was cancelled.")}


def _posted(request, names) -> dict:
    return {name: request.POST.get(name, "").strip() for name in names}


def _attach(objects, attr: str, form: dict | None, kind: str) -> None:
    """Give the object the posted form aimed at it (values and errors), else None."""
    for obj in objects:
        setattr(obj, attr, form if form and form["form"] == kind
                and form["target"] == obj.pk else None)


def _create_rows(form: dict | None) -> list[dict]:
    values = (form or {}).get("rows") or [{} for _i in range(BLANK_ROWS)]
    errors = (form or {}).get("errors") or {}
    return [{"i": i, "values": row,
             "errors": {f: errors.get(f"lines.{i}.{f}") for f in LINE_FIELDS}}
            for i, row in enumerate(values)]


def section(request, package, procurement=None, **_forms) -> tuple[str, dict]:
    """The procurement section: contracts with everything under them and the forms the
    user may use (members of the package write; Quality may also inspect, P5.2.3)."""
    form = procurement
    contracts = selectors.contracts_for(package.order, package=package)
    working = package.order.status in WORKING_ORDER_STATES and package.status != "done"
    may_write = working and bool(getattr(package, "may_act", False))
    may_inspect = working and (may_write or request.user.dept_code == Dept.QUALITY)
    _attach(contracts, "f_delivery", form, "delivery")
    _attach(contracts, "f_communication", form, "communication")
    _attach(contracts, "f_cancel", form, "cancel")
    for contract in contracts:
        for line in contract.lines.all():
            line.qty_key = f"qty_{line.pk}"
        items = [item for d in contract.deliveries.all() for item in d.lines.all()]
        _attach(items, "f_inspection", form, "inspection")
        _attach([i.inspection_or_none for i in items if i.inspection_or_none], "f_return",
                form, "return_open")
        _attach(contract.returns.all(), "f_close", form, "return_close")
    create = form if form and form["form"] == "create" else None
    return "execution/procurement/_section.html", {
        "contracts": contracts, "may_write": may_write, "may_inspect": may_inspect,
        "suppliers": selectors.supplier_choices(request.user) if may_write else [],
        "create_form": create, "create_rows": _create_rows(create),
        "today": clock.today(), "channels": CommunicationChannel.choices,
        # the communication form's "when" starts at now, in company time (datetime-local)
        "now_local": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        "topics": CommunicationTopic.choices, "return_kinds": ReturnKind.choices}


def _run(request, package_id: int, kind: str, target, values: dict, call, done,
         anchor: str = "", *, rows=None, error_map=None):
    """Call the service; on success redirect to the package page with a message (`done`,
    or `done(result)`), on validation errors re-render the page (422) with this form's
    values and errors; other refusals come back as a message on the page."""
    from . import render_package_page

    errors, result = FormErrors(), None
    with service_errors(request, errors):
        result = call()
    if errors:
        if error_map:
            errors = FormErrors({error_map.get(k, k): v for k, v in errors.items()})
        return render_package_page(request, package_id, status=422, procurement={
            "form": kind, "target": target, "values": values, "errors": errors,
            "rows": rows})
    if result is not None:
        messages.success(request, done(result) if callable(done) else done)
    url = reverse("web:package_page", args=[package_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def contract_create(request, package_id: int):
    from . import package_context

    context = package_context(request, package_id)
    if context["package"].department.code != DEPT:
        raise Http404
    order = context["order"]
    values = _posted(request, ("supplier_id", "contract_date", "delivery_date", "note"))
    rows = [{f: request.POST.get(f"lines-{i}-{f}", "").strip() for f in LINE_FIELDS}
            for i in range(BLANK_ROWS)]
    filled = [i for i, row in enumerate(rows) if any(row.values())]
    # The service numbers the items it gets; map its paths back to the form's rows.
    error_map = {f"lines.{j}.{f}": f"lines.{i}.{f}" for j, i in enumerate(filled)
                 for f in LINE_FIELDS}

    return _run(request, package_id, "create", None, values,
                lambda: services.purchase_contract_create(
                    order_id=order.pk, actor=request.user, lines=[rows[i] for i in filled],
                    **values),
                lambda c: _("Purchase contract %(number)s was drafted.") % {"number": c.number},
                rows=rows, error_map=error_map)


@login_required
@require_POST
def contract_action(request, package_id: int, contract_id: int, action: str):
    if action not in ACTION_DONE:
        raise Http404
    if action == "cancel":
        values = _posted(request, ("reason",))

        def call():
            return services.purchase_contract_cancel(contract_id=contract_id,
                                                     actor=request.user, **values)
    else:
        values = {}

        def call():
            return ACTION_SERVICES[action](contract_id=contract_id, actor=request.user)

    errors, contract = FormErrors(), None
    with service_errors(request, errors):
        contract = call()
    if errors:
        from . import render_package_page

        return render_package_page(request, package_id, status=422, procurement={
            "form": "cancel", "target": contract_id, "values": values, "errors": errors})
    if contract is not None:
        messages.success(request, ACTION_DONE[action] % {"number": contract.number})
    return redirect(reverse("web:package_page", args=[package_id]) + f"#contract-{contract_id}")


@login_required
@require_POST
def delivery_record(request, package_id: int, contract_id: int):
    values = _posted(request, ("received_on", "note"))
    quantities = {int(k.removeprefix("qty_")): v.strip() for k, v in request.POST.items()
                  if k.startswith("qty_") and k.removeprefix("qty_").isdigit() and v.strip()}
    values.update({f"qty_{k}": v for k, v in quantities.items()})
    lines = [{"contract_line_id": k, "quantity": v} for k, v in quantities.items()]
    error_map = {f"lines.{j}.quantity": f"qty_{k}" for j, k in enumerate(quantities)}
    error_map.update({f"lines.{j}.contract_line_id": f"qty_{k}"
                      for j, k in enumerate(quantities)})
    return _run(request, package_id, "delivery", contract_id, values,
                lambda: services.supplier_delivery_record(
                    contract_id=contract_id, actor=request.user, lines=lines,
                    received_on=values["received_on"], note=values["note"]),
                _("The delivery was recorded."), f"contract-{contract_id}",
                error_map=error_map)


@login_required
@require_POST
def communication_log(request, package_id: int, contract_id: int):
    values = _posted(request, ("channel", "topic", "occurred_at", "summary", "outcome"))
    return _run(request, package_id, "communication", contract_id, values,
                lambda: services.supplier_communication_log(
                    contract_id=contract_id, actor=request.user, **values),
                _("The communication with the supplier was logged."),
                f"contract-{contract_id}")


@login_required
@require_POST
def inspection_record(request, package_id: int, line_id: int):
    values = _posted(request, ("inspected_on", "accepted_quantity", "rejected_quantity",
                               "reason"))
    contract_id = request.POST.get("contract", "")
    return _run(request, package_id, "inspection", line_id, values,
                lambda: services.incoming_inspection_record(
                    delivery_line_id=line_id, actor=request.user, **values),
                _("The incoming inspection was recorded."), f"contract-{contract_id}")


@login_required
@require_POST
def return_open(request, package_id: int, inspection_id: int):
    values = _posted(request, ("kind", "quantity", "reason"))
    contract_id = request.POST.get("contract", "")
    return _run(request, package_id, "return_open", inspection_id, values,
                lambda: services.supplier_return_open(
                    inspection_id=inspection_id, actor=request.user, **values),
                _("The return or exchange was opened."), f"contract-{contract_id}")


@login_required
@require_POST
def return_close(request, package_id: int, return_id: int):
    values = _posted(request, ("resolution", "replacement_received_on"))
    contract_id = request.POST.get("contract", "")
    return _run(request, package_id, "return_close", return_id, values,
                lambda: services.supplier_return_close(
                    return_id=return_id, actor=request.user, resolution=values["resolution"],
                    replacement_received_on=values["replacement_received_on"] or None),
                _("The return or exchange was closed."), f"contract-{contract_id}")


def _register():
    from . import SECTIONS

    SECTIONS[DEPT] = section


_register()

_P = "work-packages/<id:package_id>/procurement/"
urlpatterns = [
    path(_P + "contracts/", contract_create, name="procurement_contract_create"),
    path(_P + "contracts/<id:contract_id>/deliveries/", delivery_record,
         name="procurement_delivery_record"),
    path(_P + "contracts/<id:contract_id>/communications/", communication_log,
         name="procurement_communication_log"),
    path(_P + "delivery-lines/<id:line_id>/inspection/", inspection_record,
         name="procurement_inspection_record"),
    path(_P + "inspections/<id:inspection_id>/returns/", return_open,
         name="procurement_return_open"),
    path(_P + "returns/<id:return_id>/close/", return_close, name="procurement_return_close"),
    path(_P + "contracts/<id:contract_id>/<slug:action>/", contract_action,
         name="procurement_contract_action"),
]
