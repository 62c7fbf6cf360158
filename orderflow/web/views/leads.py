"""Lead pages (P2.1.2, P2.1.3): list, capture, edit, and the lead page with its follow-ups,
assignment, drop and the way to an order."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderflow.audit.selectors import events_for
from orderflow.core.pagination import paginate
from orderflow.intake import selectors
from orderflow.intake.models import Lead, LeadChannel, LeadStatus
from orderflow.intake.services import (
    lead_assign,
    lead_create,
    lead_drop,
    lead_follow_up,
    lead_update,
)
from orderflow.orders.selectors import customer_choices, salesperson_choices

from ..errors import FormErrors, service_errors
from ..history import change_rows

LEAD_INPUTS = ("channel", "source_detail", "customer_id", "company_name", "contact_name",
               "contact_phone", "contact_email", "need", "estimated_amount")
# The forms of the lead page and their inputs.
DETAIL_FORMS = {"follow_up": ("note", "next_action_on"), "assign": ("assigned_to_id",),
                "drop": ("reason",)}
STATUS_COLOURS = {LeadStatus.NEW: "blue", LeadStatus.ASSIGNED: "azure",
                  LeadStatus.FOLLOWING_UP: "purple", LeadStatus.CONVERTED: "green",
                  LeadStatus.DROPPED: "secondary"}
EVENT_LABELS = {
    "lead.created": gettext_lazy("Lead captured"),
    "lead.updated": gettext_lazy("Lead edited"),
    "lead.assigned": gettext_lazy("Assigned to a salesperson"),
    "lead.followed_up": gettext_lazy("Followed up"),
    "lead.dropped": gettext_lazy("Dropped"),
    "lead.converted": gettext_lazy("Converted to an order"),
}


def _visible_lead(request, lead_id: int) -> Lead:
    with service_errors(request):
        return selectors.lead_detail(request.user, lead_id)


# The list

def _filters(query) -> selectors.LeadFilters:
    """The list's filters from GET; unknown values are ignored rather than an error."""
    status, channel = query.get("status", ""), query.get("channel", "")
    return selectors.LeadFilters(
        status=status if status in LeadStatus.values else "",
        channel=channel if channel in LeadChannel.values else "",
        mine=query.get("mine") == "1", q=query.get("q", "").strip()[:100])


@login_required
@require_GET
def lead_list_view(request):
    filters = _filters(request.GET)
    page = paginate(selectors.lead_list(request.user, filters), request.GET.get("page"))
    return render(request, "leads/list.html", {
        "page": page, "filters": filters,
        "statuses": LeadStatus.choices, "channels": LeadChannel.choices,
        "colours": STATUS_COLOURS,
        "can_create": rules.has_perm("intake.add_lead", request.user)})


# Capture and edit

def _values_of(lead: Lead) -> dict:
    values = {name: getattr(lead, name) for name in LEAD_INPUTS}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _render_form(request, values: dict, errors: FormErrors, *, lead=None, may_assign=False):
    return render(request, "leads/form.html", {
        "values": values, "errors": errors, "lead": lead, "channels": LeadChannel.choices,
        "customers": customer_choices(include_id=values.get("customer_id"),
                                      with_contacts=False),
        "may_assign": may_assign, "salespeople": salesperson_choices() if may_assign else []})


@login_required
@require_http_methods(["GET", "POST"])
def lead_create_view(request):
    may_assign = rules.has_perm("intake.assign_lead", request.user)
    if request.method == "GET":
        values = dict.fromkeys((*LEAD_INPUTS, "assigned_to_id"), "")
        return _render_form(request, values, FormErrors(), may_assign=may_assign)
    values = {name: request.POST.get(name, "").strip() for name in LEAD_INPUTS}
    assigned = request.POST.get("assigned_to_id", "").strip() if may_assign else ""
    errors, lead = FormErrors(), None
    with service_errors(request, errors):
        lead = lead_create(actor=request.user, assigned_to_id=assigned or None, **values)
    if lead is None:
        return _render_form(request, {**values, "assigned_to_id": assigned}, errors,
                            may_assign=may_assign)
    messages.success(request, _("Lead %(number)s was captured.") % {"number": lead.number})
    return redirect("web:lead_detail", lead.pk)


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit_view(request, lead_id: int):
    lead = _visible_lead(request, lead_id)
    if not selectors.lead_actions(request.user, lead).edit:
        messages.error(request, _("You cannot edit this lead."))
        return redirect("web:lead_detail", lead.pk)
    if request.method == "GET":
        return _render_form(request, _values_of(lead), FormErrors(), lead=lead)
    values = {name: request.POST.get(name, "").strip() for name in LEAD_INPUTS}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = lead_update(lead_id=lead.pk, actor=request.user, **values)
    if saved is None:
        return _render_form(request, values, errors, lead=lead)
    messages.success(request, _("Lead %(number)s was saved.") % {"number": saved.number})
    return redirect("web:lead_detail", saved.pk)


# The lead page

def _timeline(events) -> list[dict]:
    statuses = dict(LeadStatus.choices)
    return [{
        "event": event, "label": EVENT_LABELS.get(event.action, event.action),
        "from_label": statuses.get(event.from_state, event.from_state),
        "to_label": statuses.get(event.to_state, event.to_state),
        "changes": change_rows(event.data.get("changes", []), Lead),
    } for event in events]


def _render_detail(request, lead: Lead, **forms):
    actions = selectors.lead_actions(request.user, lead)
    context = {
        "lead": lead, "actions": actions, "colour": STATUS_COLOURS.get(lead.status, "secondary"),
        "follow_ups": selectors.lead_follow_ups(lead),
        "orders": selectors.lead_orders(request.user, lead),
        "timeline": _timeline(events_for("intake.lead", [lead.pk])),
        "salespeople": salesperson_choices() if actions.assign else [],
        # The order form (orders) converts the lead through intake's lead_convert.
        "convert_url": f"/orders/new/?lead={lead.pk}",
    }
    for name in DETAIL_FORMS:
        values, errors = forms.get(name, ({}, FormErrors()))
        context.update({name: values, f"{name}_errors": errors})
    return render(request, "leads/detail.html", context)


@login_required
@require_GET
def lead_detail_view(request, lead_id: int):
    return _render_detail(request, _visible_lead(request, lead_id))


def _detail_form(request, lead_id: int, name: str, call, done: str):
    """Run one of the lead page's forms; redirect when done, re-render with its errors."""
    values = {key: request.POST.get(key, "").strip() for key in DETAIL_FORMS[name]}
    errors, result = FormErrors(), None
    with service_errors(request, errors):
        result = call(values)
    if errors:
        return _render_detail(request, _visible_lead(request, lead_id),
                              **{name: (values, errors)})
    if result is not None:
        messages.success(request, done)
    return redirect("web:lead_detail", lead_id)


@login_required
@require_POST
def lead_follow_up_view(request, lead_id: int):
    return _detail_form(request, lead_id, "follow_up", lambda v: lead_follow_up(
        lead_id=lead_id, actor=request.user, note=v["note"],
        next_action_on=v["next_action_on"] or None), _("The follow-up was recorded."))


@login_required
@require_POST
def lead_assign_view(request, lead_id: int):
    return _detail_form(request, lead_id, "assign", lambda v: lead_assign(
        lead_id=lead_id, actor=request.user, assigned_to_id=v["assigned_to_id"]),
        _("The lead was assigned."))


@login_required
@require_POST
def lead_drop_view(request, lead_id: int):
    return _detail_form(request, lead_id, "drop", lambda v: lead_drop(
        lead_id=lead_id, actor=request.user, reason=v["reason"]), _("The lead was dropped."))


urlpatterns = [
    path("leads/", lead_list_view, name="lead_list"),
    path("leads/new/", lead_create_view, name="lead_create"),
    path("leads/<id:lead_id>/", lead_detail_view, name="lead_detail"),
    path("leads/<id:lead_id>/edit/", lead_edit_view, name="lead_edit"),
    path("leads/<id:lead_id>/follow-up/", lead_follow_up_view, name="lead_follow_up"),
    path("leads/<id:lead_id>/assign/", lead_assign_view, name="lead_assign"),
    path("leads/<id:lead_id>/drop/", lead_drop_view, name="lead_drop"),
]
