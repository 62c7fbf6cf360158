"""Finance pages of the work-package page (P5.4.3): the cost records by category, the add
form (also for a correction of a record), and the margin card, actual against the
review's estimate (P3.2.5). Every write goes through orderflow.execution.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orderflow.archive.permissions import may_see_prices
from orderflow.core import clock
from orderflow.execution.models import CostCategory
from orderflow.execution.selectors.finance import costs_for, margin_for
from orderflow.execution.services.finance import cost_record_add

from ...errors import FormErrors, service_errors
from .logistics import may_write

DEPT = "finance"
COST_INPUTS = ("category", "amount", "incurred_on", "description", "reference", "corrects_id")


def section(request, package, **forms) -> tuple[str, dict]:
    """The finance section of the package page (P5.4.3); costs and margins only for who
    may see prices (P9.2.2)."""
    order = package.order
    if not may_see_prices(request.user):
        return "execution/finance/_withheld.html", {}
    costs = costs_for(order)
    cost = forms.get("cost") or {"incurred_on": clock.today().isoformat(),
                                 "category": CostCategory.MATERIALS}
    return "execution/finance/_section.html", {
        "costs": costs, "margin": margin_for(order), "may_record": may_write(request.user,
                                                                              package),
        "cost": cost, "cost_errors": forms.get("cost_errors") or FormErrors(),
        "categories": CostCategory.choices, "today": clock.today().isoformat(),
        # A correction names a positive record of the order (P5.4.3).
        "correctable": [c for c in costs if c.amount > 0],
    }


@login_required
@require_POST
def cost_add(request, package_id: int):
    """Record a cost, or correct one with a negative amount (P5.4.3)."""
    from . import package_context, render_package_page

    package = package_context(request, package_id)["package"]
    if package.department.code != DEPT:
        raise Http404
    values = {name: request.POST.get(name, "").strip() for name in COST_INPUTS}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = cost_record_add(order_id=package.order_id, actor=request.user,
                                **{**values, "corrects_id": values["corrects_id"] or None})
    if saved is None and errors:
        return render_package_page(request, package_id, status=422, cost=values,
                                   cost_errors=errors)
    if saved is not None:
        messages.success(request, _("The cost was recorded."))
    return redirect("web:package_page", package_id)


def _register():
    from . import SECTIONS

    SECTIONS[DEPT] = section


_register()

urlpatterns = [
    path("work-packages/<id:package_id>/costs/", cost_add, name="cost_add"),
]
