"""Release and execution pages (P4.2): the order page's work packages, print log and
customer confirmations, the department workspace, and the release configuration (P11).
Every write goes through orderflow.release.services; this module only maps the forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from orderflow.accounts.domain.organisation import Role
from orderflow.accounts.labels import DEPT_LABELS
from orderflow.archive.permissions import may_see_prices
from orderflow.execution.selectors.overview import execution_summaries, workspace_items
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import OrderType
from orderflow.orders.permissions import is_order_owner
from orderflow.orders.selectors import order_detail
from orderflow.release import selectors, services
from orderflow.release.domain.packages import PACKAGE_DEPARTMENTS, TEMPLATE_PLACEHOLDERS
from orderflow.release.models import (
    CompanyProfile,
    CustomerEmailTemplate,
    PackageStatus,
    ReleaseRoute,
)
from orderflow.release.permissions import workspace_departments
from orderflow.release.printing_selectors import prints_for
from orderflow.release.services.printing import (
    PRINTABLE_STATES,
    company_profile_update,
    order_print,
)

from ..errors import FormErrors, service_errors
from .config.access import admin_only, page

MOVE_LABELS = {"start": gettext_lazy("Start"), "block": gettext_lazy("Block"),
               "unblock": gettext_lazy("Unblock"), "complete": gettext_lazy("Complete")}
MOVE_SERVICES = {"start": services.package_start, "block": services.package_block,
                 "unblock": services.package_unblock, "complete": services.package_complete}
CONFIRMABLE = (State.RELEASED, State.IN_EXECUTION)
# Before release there is nothing to show (and nothing to query) in the release panels.
NOT_RELEASED = frozenset({State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
                          State.IN_REVIEW, State.REVIEW_FAILED, State.IN_APPROVAL,
                          State.APPROVAL_REJECTED, State.AWAITING_SIGNOFF, State.APPROVED,
                          State.DECLINED})
CONFIRM_INPUTS = ("channel", "contact_name", "note")
COMPANY_INPUTS = ("name", "name_en", "address", "phone")


def _dept_label(department) -> str:
    return DEPT_LABELS.get(department.code, department.name)


def _mark_packages(packages) -> list:
    """Label each package and its buttons (the selectors set is_late and the actions
    this user may take, P5)."""
    for package in packages:
        package.dept_label = _dept_label(package.department)
        package.moves = [(m, MOVE_LABELS[m]) for m in package.actions]
    return packages


def release_context(user, order, **forms) -> dict:
    """The order page's release panels: packages, print log, confirmations (P4.2)."""
    released = order.status not in NOT_RELEASED
    packages = _mark_packages(selectors.packages_for(user, order)) if released else []
    summaries = execution_summaries(order, packages) if packages else {}
    for package in packages:
        package.errors = forms.get("package_errors", {}).get(package.pk)
        package.summary = summaries.get(package.pk)
    printable = order.status in PRINTABLE_STATES and may_see_prices(user)   # P9.2.2
    confirmations = list(order.customer_confirmations.select_related("recorded_by")) \
        if released else []
    return {
        "packages": packages,
        "prints": prints_for(user, order) if printable else [],
        "may_print": printable,
        "may_seal": printable and user.has_role(Role.SEAL_KEEPER),
        "new_print": forms.get("new_print"),
        "confirmations": confirmations,
        "may_confirm": (order.status in CONFIRMABLE and is_order_owner(user, order)),
        "confirm": forms.get("confirm", {"channel": "phone", "send_email": True}),
        "confirm_errors": forms.get("confirm_errors", FormErrors()),
        "confirm_channels": services.CHANNELS, "channel_labels": dict(services.CHANNELS),
    }


def _visible(request, order_id: int):
    with service_errors(request):
        return order_detail(request.user, order_id)


def _panel(request, order_id: int, template: str, **forms):
    order = _visible(request, order_id)
    return render(request, template, {"order": order,
                                      **release_context(request.user, order, **forms)})


# Work packages (P4.2.1, P5)

@login_required
@require_POST
def package_move(request, order_id: int, package_id: int, move: str):
    """Start, block (with a reason), unblock or complete a department's package."""
    if move not in MOVE_SERVICES:
        raise Http404
    with service_errors(request):
        package = selectors.package_for(request.user, package_id)
    if package.order_id != order_id:
        raise Http404
    errors, done = FormErrors(), None
    extra = {"reason": request.POST.get("reason", "").strip()} if move == "block" else {}
    with service_errors(request, errors):
        done = MOVE_SERVICES[move](package_id=package_id, actor=request.user, **extra)
    if done is not None and not request.htmx:
        messages.success(request, _("%(dept)s: the work package is now “%(status)s”.") % {
            "dept": _dept_label(done.department), "status": done.get_status_display()})
    if request.htmx:
        return _panel(request, order_id, "release/_packages.html",
                      package_errors={package_id: errors} if errors else {})
    for msgs in errors.values():
        messages.error(request, " ".join(msgs))
    if request.POST.get("next") == "package":  # from the work-package page (P5)
        return redirect("web:package_page", package_id)
    return redirect("web:order_detail", order_id)


# Printing (P4.2.1)

@login_required
@require_POST
def print_create(request, order_id: int):
    """Print the order (sealed only by the seal keeper); the PDF downloads right away."""
    sealed = request.POST.get("sealed") in ("1", "true", "on")
    printed = None
    with service_errors(request):
        printed = order_print(order_id=order_id, actor=request.user, sealed=sealed)
    if request.htmx:
        return _panel(request, order_id, "release/_prints.html", new_print=printed)
    if printed is None:
        return redirect("web:order_detail", order_id)
    return redirect("web:print_pdf", order_id, printed.pk)


@login_required
@require_GET
def print_pdf(request, order_id: int, print_id: int):
    order = _visible(request, order_id)
    printed = next((p for p in prints_for(request.user, order) if p.pk == print_id), None)
    if printed is None or not printed.file:
        raise Http404
    kind = "original" if printed.copy_number == 0 else f"copy-{printed.copy_number}"
    return FileResponse(printed.file.open("rb"), as_attachment=True,
                        content_type="application/pdf",
                        filename=f"{order.number}-r{printed.revision}-{kind}.pdf")


# Customer confirmation (P4.2.2)

@login_required
@require_POST
def confirmation_add(request, order_id: int):
    values = {name: request.POST.get(name, "").strip() for name in CONFIRM_INPUTS}
    values["send_email"] = "send_email" in request.POST
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.customer_confirmation_record(order_id=order_id, actor=request.user,
                                                      **values)
    if saved is None and (errors or request.htmx):
        return _panel(request, order_id, "release/_confirm.html", confirm=values,
                      confirm_errors=errors)
    if request.htmx:
        return _panel(request, order_id, "release/_confirm.html")
    if saved is not None:
        messages.success(request, _("The customer's confirmation was recorded."))
    return redirect("web:order_detail", order_id)


# The department workspace (P5)

@login_required
@require_GET
def workspace_page(request):
    """A department's work packages, late first, blocked marked (P5, P6.1.2)."""
    status = request.GET.get("status", "")
    status = status if status in PackageStatus.values else ""
    allowed = workspace_departments(request.user)
    codes = [c for c in PACKAGE_DEPARTMENTS if allowed is None or c in allowed]
    dept = request.GET.get("dept", "")
    if dept not in codes:
        dept = request.user.dept_code if request.user.dept_code in codes else \
            (codes[0] if codes else request.user.dept_code)
    with service_errors(request):
        packages = selectors.workspace(request.user, dept=dept, status=status or None)
    return render(request, "release/workspace.html", {
        "packages": _mark_packages(packages), "status": status, "dept": dept,
        "items": workspace_items(request.user, dept),
        "statuses": PackageStatus.choices,
        "departments": [(c, DEPT_LABELS.get(c, c)) for c in codes] if len(codes) > 1 else [],
        "dept_label": DEPT_LABELS.get(dept or "", ""),
    })

# Configuration (P11): release routes, the customer email, the company profile

def _config_page(request, *, routes=None, route_errors=None, email=None, email_errors=None,
                 company=None, company_errors=None):
    template = CustomerEmailTemplate.objects.filter(pk=1).first()
    profile = CompanyProfile.objects.filter(pk=1).first() or CompanyProfile()
    chosen = routes or {r.order_type: list(r.departments) for r in ReleaseRoute.objects.all()}
    errors = route_errors or email_errors or company_errors
    return page(request, "release/config_release.html", "release", {
        "rows": [{"type": value, "label": label, "chosen": chosen.get(value, []),
                  "errors": (route_errors or {}).get(value)}
                 for value, label in OrderType.choices],
        "departments": [(c, DEPT_LABELS.get(c, c)) for c in PACKAGE_DEPARTMENTS],
        "route_errors": route_errors or FormErrors(),
        "email": email or {"subject": template.subject if template else "",
                           "body": template.body if template else ""},
        "email_errors": email_errors or FormErrors(),
        "placeholders": [f"{{{name}}}" for name in TEMPLATE_PLACEHOLDERS],
        "profile": profile,
        "company": company or {f: getattr(profile, f) for f in COMPANY_INPUTS},
        "company_errors": company_errors or FormErrors(),
    }, status=422 if errors else 200)


@admin_only
@require_GET
def config_release(request):
    return _config_page(request)


@admin_only
@require_POST
def config_release_routes(request):
    current = {r.order_type: list(r.departments) for r in ReleaseRoute.objects.all()}
    chosen, errors = {}, FormErrors()
    for order_type, _label in OrderType.choices:
        picked = request.POST.getlist(f"route-{order_type}")
        chosen[order_type] = [c for c in PACKAGE_DEPARTMENTS if c in picked]
        if chosen[order_type] == current.get(order_type):
            continue
        type_errors = FormErrors()
        with service_errors(request, type_errors):
            services.release_route_set(actor=request.user, order_type=order_type,
                                       departments=chosen[order_type])
        for msgs in type_errors.values():
            errors.setdefault(order_type, []).extend(msgs)
    if errors:
        return _config_page(request, routes=chosen, route_errors=errors)
    messages.success(request, _("The release routes were saved. They apply to orders "
                                "released from now on."))
    return redirect("web:config_release")


@admin_only
@require_POST
def config_release_email(request):
    values = {f: request.POST.get(f, "").strip() for f in ("subject", "body")}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = services.email_template_update(actor=request.user, **values)
    if saved is None:
        return _config_page(request, email=values, email_errors=errors)
    messages.success(request, _("The email to customers was saved."))
    return redirect("web:config_release")


@admin_only
@require_POST
def config_company(request):
    values = {f: request.POST.get(f, "").strip() for f in COMPANY_INPUTS}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = company_profile_update(actor=request.user, seal_upload=request.FILES.get("seal"),
                                       **values)
    if saved is None:
        return _config_page(request, company=values, company_errors=errors)
    messages.success(request, _("The company profile was saved."))
    return redirect("web:config_release")


@admin_only
@require_GET
def config_seal(request):
    profile = CompanyProfile.objects.filter(pk=1).first()
    if profile is None or not profile.seal:
        raise Http404
    content_type = "image/svg+xml" if profile.seal.name.endswith(".svg") else "image/png"
    return FileResponse(profile.seal.open("rb"), content_type=content_type)


urlpatterns = [
    path("workspace/", workspace_page, name="workspace"),
    path("orders/<id:order_id>/work-packages/<id:package_id>/<slug:move>/", package_move,
         name="package_move"),
    path("orders/<id:order_id>/prints/", print_create, name="print_create"),
    path("orders/<id:order_id>/prints/<id:print_id>/pdf", print_pdf, name="print_pdf"),
    path("orders/<id:order_id>/confirmations/", confirmation_add, name="confirmation_add"),
    path("config/release/", config_release, name="config_release"),
    path("config/release/routes/", config_release_routes, name="config_release_routes"),
    path("config/release/email/", config_release_email, name="config_release_email"),
    path("config/release/company/", config_company, name="config_company"),
    path("config/release/seal", config_seal, name="config_seal"),
]
