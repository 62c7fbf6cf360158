"""Order pages: list, create/edit, detail with check, communication, actions and timeline."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderflow.approval.selectors import approval_inbox, requests_for
from orderflow.audit.selectors import events_for
from orderflow.core import clock
from orderflow.core.pagination import paginate
from orderflow.intake.domain.check import Finding, Severity, finding_key
from orderflow.intake.messages import explain
from orderflow.intake.models import CommunicationChannel
from orderflow.intake.selectors import check_reports_for, communications_for, lead_detail
from orderflow.intake.services import COMMUNICATION_STATES, communication_log, lead_convert
from orderflow.orders import selectors
from orderflow.orders.domain.lifecycle import ACTIONS, State
from orderflow.orders.labels import ACTION_LABELS, STATE_LABELS
from orderflow.orders.models import (
    AttachmentKind,
    Channel,
    OrderType,
    PaymentTrigger,
    RequirementKind,
)
from orderflow.orders.services import (
    attachment_add,
    attachment_remove,
    order_create,
    order_duplicate,
    order_take_action,
    order_update,
)
from orderflow.review.selectors import panels_to_conclude, review_inbox, reviews_for

from ..errors import FormErrors, service_errors
from ..forms_orders import (
    TAX_RATES,
    blank_state,
    filters_from_query,
    filters_query,
    parse_order_post,
    payload_from_state,
    place_errors,
    state_from_lead,
    state_from_order,
)
from . import archive, settlement
from .approval import approval_board
from .release import release_context
from .review import board as review_board

# Decided in their own card on the order page (P2.3.2), not among the plain buttons;
# the sign-off (P4.1.2) has its form with a comment in the approval panel.
ESCALATION_ACTIONS = ("accept_escalation", "decline_escalation")
PANEL_ACTIONS = (*ESCALATION_ACTIONS, "sign_off")
DANGER_ACTIONS = ("cancel", "decline_escalation", "request_cancellation")
DIRECT_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.FAX, Channel.VISIT)


def _visible_order(request, order_id: int):
    with service_errors(request):
        return selectors.order_detail(request.user, order_id)


# The list

@login_required
@require_GET
def order_list(request):
    filters = filters_from_query(request.GET)
    page = paginate(selectors.order_list(request.user, filters), request.GET.get("page"))
    context = {"page": page, "filters": filters, "filters_query": filters_query(filters),
               "selected_status": set(filters.status.split(",")) - {""},
               "states": list(STATE_LABELS.items())}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "orders/_table.html", context)
    else:
        scope_all = selectors.workbench_scope(request.user) is None
        context.update(
            selected_labels=[str(label) for value, label in context["states"]
                             if value in context["selected_status"]],
            customers=selectors.customer_options(include_id=filters.customer_id),
            salespeople=selectors.salesperson_choices() if scope_all else [],
            can_create=rules.has_perm("orders.create_order", request.user))
        response = render(request, "orders/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Create and edit

def _render_form(request, state, errors: FormErrors, *, order=None, lead=None):
    unplaced = place_errors(state, errors)
    product_ids = [row["product_id"] for row in state["lines"]]
    context = {
        "state": state, "errors": errors, "unplaced_errors": unplaced, "order": order,
        "lead": lead, "customers": selectors.customer_choices(include_id=state["customer_id"]),
        "products": selectors.product_choices(include_ids=product_ids),
        "salespeople": (selectors.salesperson_choices()
                        if rules.has_perm("orders.view_all_orders", request.user) else []),
        "channels": Channel.choices, "order_types": OrderType.choices,
        "direct_channels": [str(c) for c in DIRECT_CHANNELS],
        "triggers": PaymentTrigger.choices, "requirement_kinds": RequirementKind.choices,
        "tax_rates": _tax_rates(state["tax_rate"]),
    }
    return render(request, "orders/form.html", context)


def _tax_rates(current: str) -> list[str]:
    rates = list(TAX_RATES)
    if current and current not in rates:
        rates.insert(0, current)
    return rates


def _lead_for(request):
    lead_id = request.POST.get("lead") or request.GET.get("lead")
    if not lead_id:
        return None
    if not str(lead_id).isdigit():
        raise Http404
    with service_errors(request):
        lead = lead_detail(request.user, int(lead_id))
    if not rules.has_perm("intake.convert_lead", request.user, lead):
        raise PermissionDenied
    return lead


@login_required
@require_http_methods(["GET", "POST"])
def order_create_view(request):
    lead = _lead_for(request)
    if lead is None and not rules.has_perm("orders.create_order", request.user):
        raise PermissionDenied
    if request.method == "GET":
        today = clock.today()
        state = state_from_lead(lead, today) if lead else blank_state(today)
        return _render_form(request, state, FormErrors(), lead=lead)
    state, errors, order = parse_order_post(request.POST), FormErrors(), None
    with service_errors(request, errors):
        payload = payload_from_state(state)
        if lead is not None:
            order = lead_convert(lead_id=lead.pk, actor=request.user, **payload)  # P2.1.2
        else:
            order = order_create(actor=request.user, **payload)  # P2.1.1
    if order is None:
        return _render_form(request, state, errors, lead=lead)
    messages.success(request, _("Order %(number)s was recorded as a draft.")
                     % {"number": order.number})
    return redirect("web:order_detail", order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request, order_id: int):
    order = _visible_order(request, order_id)
    if not rules.has_perm("orders.change_order", request.user, order):
        messages.error(request, _("This order cannot be edited in its current state."))
        return redirect("web:order_detail", order.pk)
    if request.method == "GET":
        return _render_form(request, state_from_order(order), FormErrors(), order=order)
    state, errors, saved = parse_order_post(request.POST), FormErrors(), None
    version = request.POST.get("version", "")
    with service_errors(request, errors):
        saved = order_update(order_id=order.pk, actor=request.user,
                             expected_version=int(version) if version.isdigit() else None,
                             **payload_from_state(state))
    if saved is None:
        return _render_form(request, state, errors, order=order)
    messages.success(request, _("Order %(number)s was saved.") % {"number": saved.number})
    return redirect("web:order_detail", saved.pk)


# The order page

def _action_buttons(actions: list[str]) -> list[dict]:
    return [{"name": a, "label": ACTION_LABELS.get(a, a), "needs_reason": ACTIONS[a].needs_reason,
             "danger": a in DANGER_ACTIONS} for a in actions if a not in PANEL_ACTIONS]


def _key(finding: dict) -> str:
    return finding_key(Finding(finding["code"], Severity(finding["severity"]), finding["field"]))


def _doubtful(report) -> list[tuple[str, dict]]:
    """The latest report's doubtful findings the customer has not confirmed yet (P2.3.2)."""
    if report is None:
        return []
    return [(_key(f), f) for f in report.findings
            if f["severity"] == Severity.DOUBTFUL and not f.get("acknowledged")]


def _review_context(user, order) -> dict:
    """The review board (P3): rounds, and which opinions and panels wait for this user."""
    reviews = reviews_for(user, order)
    if not reviews:
        return {"review_rounds": []}
    mine, chairing = set(), set()
    if order.status == State.IN_REVIEW:
        mine = {o.pk for o in review_inbox(user) if o.review.order_id == order.pk}
        chairing = {r.pk for r in panels_to_conclude(user) if r.order_id == order.pk}
    return {"review_rounds": review_board(reviews, mine=mine, chairing=chairing)}


def _approval_context(user, order, actions) -> dict:
    """The approval panel (P4.1): rounds, this user's pending tasks, the sign-off."""
    requests = requests_for(user, order)
    if not requests:
        return {"approval_rounds": [], "may_sign_off": False}
    my_tasks = []
    if order.status == State.IN_APPROVAL:
        my_tasks = [t for t in approval_inbox(user) if t.order_id == order.pk]
    return {"approval_rounds": approval_board(requests, my_tasks=my_tasks),
            "may_sign_off": "sign_off" in actions}


def _render_detail(request, order, **forms):
    user = request.user
    reports = check_reports_for(order, limit=6)
    latest = reports[0] if reports else None
    actions = selectors.actions_for(user, order)
    context = {
        **_review_context(user, order), **_approval_context(user, order, actions),
        **release_context(user, order), **settlement.order_context(user, order),
        **archive.order_context(user, order),
        "can_duplicate": rules.has_perm("orders.create_order", user),
        "order": order, "actions": _action_buttons(actions),
        "may_decide": any(a in actions for a in ESCALATION_ACTIONS),
        "latest_report": latest, "older_reports": reports[1:],
        "doubtful": _doubtful(latest), "communications": communications_for(order),
        "finding_texts": {_key(f): explain(f) for r in reversed(reports) for f in r.findings},
        "events": events_for("orders.order", [order.pk]),
        "can_edit": rules.has_perm("orders.change_order", user, order),
        "can_attach": rules.has_perm("orders.add_attachment", user, order),
        "can_log": (rules.has_perm("intake.log_communication", user, order)
                    and order.status in COMMUNICATION_STATES),
        "attachment_kinds": AttachmentKind.choices,
        "communication_channels": CommunicationChannel.choices,
        "comm": forms.get("comm", {}), "comm_errors": forms.get("comm_errors", {}),
        "upload_errors": forms.get("upload_errors", {}),
    }
    return render(request, "orders/detail.html", context)


@login_required
@require_GET
def order_detail(request, order_id: int):
    return _render_detail(request, _visible_order(request, order_id))


@login_required
@require_POST
def order_action(request, order_id: int, action: str):
    """A lifecycle button: the services decide whether it is allowed (P1.3.1)."""
    errors, order = FormErrors(), None
    with service_errors(request, errors):
        order = order_take_action(order_id=order_id, action=action, actor=request.user,
                                  reason=request.POST.get("reason", ""))
    if order is not None:
        messages.success(request, _("%(action)s: the order is now “%(state)s”.") % {
            "action": ACTION_LABELS.get(action, action),
            "state": STATE_LABELS.get(order.status, order.status)})
    for msgs in errors.values():
        messages.error(request, " ".join(msgs))
    return redirect("web:order_detail", order_id)


@login_required
@require_POST
def order_duplicate_view(request, order_id: int):
    """A repeat order: a new draft with this order's content, through the whole process
    again (nothing of the original's review, approval or sign-off carries over)."""
    copy = None
    with service_errors(request):
        copy = order_duplicate(order_id=order_id, actor=request.user)
    if copy is None:
        return redirect("web:order_detail", order_id)
    messages.success(request, _("Order %(number)s was recorded as a draft copy: check it "
                                "and send it through the process again.")
                     % {"number": copy.number})
    return redirect("web:order_detail", copy.pk)


@login_required
@require_POST
def order_attachment_add(request, order_id: int):
    errors, added = FormErrors(), None
    with service_errors(request, errors):
        added = attachment_add(order_id=order_id, actor=request.user,
                               upload=request.FILES.get("file"),
                               kind=request.POST.get("kind", ""))
    if errors:
        return _render_detail(request, _visible_order(request, order_id), upload_errors=errors)
    if added is not None:
        messages.success(request, _("%(name)s was attached.") % {"name": added.original_name})
    return redirect("web:order_detail", order_id)


@login_required
@require_POST
def order_attachment_remove(request, order_id: int, attachment_id: int):
    with service_errors(request):
        attachment_remove(order_id=order_id, attachment_id=attachment_id, actor=request.user)
    return redirect("web:order_detail", order_id)


@login_required
@require_GET
def order_attachment_download(request, order_id: int, attachment_id: int):
    """Attachments are served only to those who may see the order (never a public URL)."""
    order = _visible_order(request, order_id)
    attachment = next((a for a in order.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name)


@login_required
@require_POST
def order_communication_add(request, order_id: int):
    """Log a contact with the customer; confirmed doubtful findings stop blocking (P2.3.2)."""
    comm = {"channel": request.POST.get("channel", ""),
            "summary": request.POST.get("summary", ""),
            "confirmed": request.POST.getlist("confirmed_findings")}
    errors, entry = FormErrors(), None
    with service_errors(request, errors):
        entry = communication_log(order_id=order_id, actor=request.user,
                                  channel=comm["channel"], summary=comm["summary"],
                                  confirmed_findings=comm["confirmed"])
    if errors:
        return _render_detail(request, _visible_order(request, order_id), comm=comm,
                              comm_errors=errors)
    if entry is not None:
        messages.success(request, _("The contact with the customer was logged."))
    return redirect("web:order_detail", order_id)


urlpatterns = [
    path("orders/", order_list, name="order_list"),
    path("orders/new/", order_create_view, name="order_create"),
    path("orders/<id:order_id>/", order_detail, name="order_detail"),
    path("orders/<id:order_id>/edit/", order_edit, name="order_edit"),
    path("orders/<id:order_id>/actions/<slug:action>/", order_action, name="order_action"),
    path("orders/<id:order_id>/duplicate/", order_duplicate_view, name="order_duplicate"),
    path("orders/<id:order_id>/attachments/", order_attachment_add,
         name="order_attachment_add"),
    path("orders/<id:order_id>/attachments/<id:attachment_id>/",
         order_attachment_download, name="order_attachment_download"),
    path("orders/<id:order_id>/attachments/<id:attachment_id>/remove/",
         order_attachment_remove, name="order_attachment_remove"),
    path("orders/<id:order_id>/communications/", order_communication_add,
         name="order_communication_add"),
]
