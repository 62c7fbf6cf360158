"""The workbench (工作台): what waits for me, and counters that open the filtered list."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from orderflow.intake.selectors import leads_waiting_for
from orderflow.orders import selectors
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.selectors import OrderFilters
from orderflow.settlement.selectors import settlement_waiting_for

from ..forms_orders import filters_query

# What the responsible person does next, per state (P1.3.2).
NEXT_STEPS = {
    State.DRAFT: _("Complete the order and run the preliminary check"),
    State.AWAITING_CUSTOMER: _("Contact the customer, then check again"),
    State.CHECKED: _("Start the review"),
    State.ESCALATED: _("Decide: accept or decline the order"),
}


def _counters(user) -> list[dict]:
    """Each counter is an order-list filter: the number and the link always agree."""
    mine = OrderFilters(salesperson_id=selectors.workbench_scope(user))
    open_states = ",".join(selectors.OPEN_STATES)
    cards = [
        (_("Open orders"), "file-invoice", "primary", replace(mine, status=open_states)),
        (_("Awaiting customer"), "clock-hour-4", "yellow",
         replace(mine, status=State.AWAITING_CUSTOMER)),
        (_("Escalated to management"), "gavel", "orange", replace(mine, status=State.ESCALATED)),
        (_("With special requirements"), "flag", "red",
         replace(mine, status=open_states, special_only=True)),
    ]
    base = reverse("web:order_list")
    return [{"label": label, "icon": icon, "colour": colour,
             "count": selectors.bounded_count(user, filters),
             "url": f"{base}?{filters_query(filters)}"}
            for label, icon, colour, filters in cards]


@login_required
@require_GET
def workbench(request):
    user = request.user
    inbox = selectors.inbox_orders(user)
    context = {
        "counters": _counters(user), "count_cap": selectors.COUNT_CAP,
        "inbox": [(order, NEXT_STEPS.get(order.status, "")) for order in inbox],
        "leads": leads_waiting_for(user),
        "settlement_items": settlement_waiting_for(user),
        "scope_mine": selectors.workbench_scope(user) is not None,
    }
    return render(request, "workbench/index.html", context)


urlpatterns = [
    path("", workbench, name="workbench"),
]
