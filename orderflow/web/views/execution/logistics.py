"""Logistics pages of the work-package page (P5.4.2): where each order line stands, a new
shipment (one quantity per order line), the shipments with their delivery form and proof
of delivery; and the over-shipment tolerance screen (P11). Every write goes through
orderflow.execution.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderflow.core import clock
from orderflow.execution.selectors.logistics import (
    shipment_detail,
    shipments_for,
    shipped_by_line,
    tolerance_percent,
)
from orderflow.execution.services.common import WORKING_ORDER_STATES
from orderflow.execution.services.logistics import shipment_create, shipment_deliver
from orderflow.execution.services.settings import (
    execution_settings_get,
    execution_settings_update,
)
from orderflow.orders.selectors import visible_to
from orderflow.release.domain.packages import Package
from orderflow.release.permissions import may_work_on

from ...errors import FormErrors, service_errors
from ..config.access import admin_only, page

DEPT = "logistics"
SHIP_INPUTS = ("carrier", "tracking_number", "packages_count", "shipped_on", "damage_notes")
DELIVER_INPUTS = ("delivered_on", "received_by", "damage_notes")


def may_write(user, package) -> bool:
    """The forms show to those who may use them (the service checks again)."""
    return (package.status != Package.DONE and package.order.status in WORKING_ORDER_STATES
            and may_work_on(user, package))


def section(request, package, **forms) -> tuple[str, dict]:
    """The logistics section of the package page (P5.4.2)."""
    order = package.order
    today = clock.today().isoformat()
    ship = forms.get("ship") or {"shipped_on": today, "packages_count": "1", "qty": {}}
    line_errors = forms.get("line_errors", {})
    rows = [{"s": s, "qty": ship["qty"].get(str(s.line.pk), ""),
             "errors": line_errors.get(s.line.pk)} for s in shipped_by_line(order)]
    shipments = shipments_for(order)
    deliver_id = forms.get("deliver_id")
    for shipment in shipments:
        mine = shipment.pk == deliver_id
        shipment.form = forms.get("deliver") if mine else {"delivered_on": today}
        shipment.form_errors = forms.get("deliver_errors") if mine else FormErrors()
    return "execution/logistics/_section.html", {
        "ship_rows": rows, "shipments": shipments, "may_ship": may_write(request.user, package),
        "ship": ship, "ship_errors": forms.get("ship_errors") or FormErrors(),
        "tolerance": tolerance_percent(), "today": today,
    }


def _package_of(request, package_id: int):
    from . import package_context

    package = package_context(request, package_id)["package"]
    if package.department.code != DEPT:
        raise Http404
    return package


def _line_errors(errors: FormErrors, requested: list[dict]) -> dict[int, list[str]]:
    """lines.N.* errors of the service, keyed by the order line the form row shows."""
    out: dict[int, list[str]] = {}
    for key, msgs in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() \
                and int(parts[1]) < len(requested):
            out.setdefault(int(requested[int(parts[1])]["order_line_id"]), []).extend(msgs)
    return out


@login_required
@require_POST
def shipment_add(request, package_id: int):
    """Ship the quantities entered per order line (empty rows are not shipped)."""
    from . import render_package_page

    package = _package_of(request, package_id)
    values = {name: request.POST.get(name, "").strip() for name in SHIP_INPUTS}
    quantities = {key.removeprefix("qty-"): value.strip()
                  for key, value in request.POST.items() if key.startswith("qty-")}
    requested = [{"order_line_id": line_id, "quantity": qty}
                 for line_id, qty in quantities.items() if qty and line_id.isdigit()]
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = shipment_create(order_id=package.order_id, actor=request.user,
                                lines=requested, **values)
    if saved is None and errors:
        return render_package_page(request, package_id, status=422,
                                   ship={**values, "qty": quantities}, ship_errors=errors,
                                   line_errors=_line_errors(errors, requested))
    if saved is not None:
        messages.success(request, _("Shipment %(number)s was recorded.")
                         % {"number": saved.number})
    return redirect("web:package_page", package_id)


@login_required
@require_POST
def shipment_deliver_view(request, package_id: int, shipment_id: int):
    """Record the delivery, with the proof of delivery file (P5.4.2)."""
    from . import render_package_page

    package = _package_of(request, package_id)
    values = {name: request.POST.get(name, "").strip() for name in DELIVER_INPUTS}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        shipment_detail(shipment_id, visible_to(request.user).filter(pk=package.order_id))
        saved = shipment_deliver(shipment_id=shipment_id, actor=request.user,
                                 proof_of_delivery=request.FILES.get("proof_of_delivery"),
                                 **values)
    if saved is None and errors:
        return render_package_page(request, package_id, status=422, deliver_id=shipment_id,
                                   deliver=values, deliver_errors=errors)
    if saved is not None:
        messages.success(request, _("Shipment %(number)s was delivered.")
                         % {"number": saved.number})
    return redirect("web:package_page", package_id)


@login_required
@require_GET
def shipment_proof(request, shipment_id: int):
    """Download the proof of delivery (404 if the order is not visible)."""
    with service_errors(request):
        shipment = shipment_detail(shipment_id, visible_to(request.user))
    if not shipment.proof_of_delivery:
        raise Http404
    return FileResponse(shipment.proof_of_delivery.open("rb"), as_attachment=True,
                        filename=shipment.proof_of_delivery.name.rsplit("/", 1)[-1])


# Configuration (P11): the over-shipment tolerance

@admin_only
@require_http_methods(["GET", "POST"])
def config_execution(request):
    current = execution_settings_get()
    values = {"shipment_tolerance_percent": current.shipment_tolerance_percent}
    errors, saved = FormErrors(), None
    if request.method == "POST":
        values = {"shipment_tolerance_percent":
                  request.POST.get("shipment_tolerance_percent", "").strip()}
        with service_errors(request, errors):
            saved = execution_settings_update(actor=request.user, **values)
        if saved is not None:
            messages.success(request, _("The execution settings were saved."))
            return redirect("web:config_execution")
    return page(request, "config/execution.html", "execution",
                {"values": values, "errors": errors, "current": current},
                status=422 if errors else 200)


def _register():
    from . import SECTIONS

    SECTIONS[DEPT] = section


_register()

urlpatterns = [
    path("work-packages/<id:package_id>/shipments/", shipment_add, name="shipment_add"),
    path("work-packages/<id:package_id>/shipments/<id:shipment_id>/deliver/",
         shipment_deliver_view, name="shipment_deliver"),
    path("shipments/<id:shipment_id>/proof/", shipment_proof, name="shipment_proof"),
    path("config/execution/", config_execution, name="config_execution"),
]
