"""Production pages of the work-package page (P5.1): the production plan with progress,
production problems, and asking Technology for support (P5.4.1). Every write goes through
orderflow.execution.services (production, technology); this module only maps forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.execution.models.production import ProblemKind, ProductionProblem, ProductionTask
from orderflow.execution.models.technology import Urgency
from orderflow.execution.selectors import production as selectors
from orderflow.execution.selectors import technology as technology_selectors
from orderflow.execution.services import production as services
from orderflow.execution.services import technology as technology_services
from orderflow.execution.services.common import WORKING_ORDER_STATES
from orderflow.release import selectors as release_selectors
from orderflow.release.domain.packages import Package
from orderflow.release.models import WorkPackage

from ...errors import FormErrors, service_errors

DEPT = "production"
TASK_INPUTS = ("name", "starts_on", "ends_on", "team", "equipment", "materials",
               "qc_requirements", "order_line_id", "planned_quantity")
PROGRESS_INPUTS = ("reported_on", "quantity_done", "percent_done", "note")
PROBLEM_INPUTS = ("kind", "description", "owner_id", "due_date", "task_id",
                  "corrective_action")
ASK_INPUTS = ("subject", "description", "urgency", "needed_by", "problem_id")
MAX_OWNERS = 500


def _values(request, names) -> dict:
    return {name: request.POST.get(name, "").strip() for name in names}


def _owner_choices() -> list:
    """Whom a problem may be given to: active users, by department (bounded)."""
    return list(User.objects.filter(is_active=True).select_related("department")
                .order_by("department__code", "full_name", "id")[:MAX_OWNERS])


def _task_form(task) -> dict:
    """A task's values as its edit form shows them (dates as YYYY-MM-DD)."""
    return {"name": task.name, "starts_on": task.starts_on.isoformat(),
            "ends_on": task.ends_on.isoformat(), "team": task.team,
            "equipment": task.equipment, "materials": task.materials,
            "qc_requirements": task.qc_requirements, "order_line_id": task.order_line_id or "",
            "planned_quantity": "" if task.planned_quantity is None
            else f"{task.planned_quantity.normalize():f}"}


def writable(package) -> bool:
    """Records are written while the order is being executed and the package not done."""
    return package.order.status in WORKING_ORDER_STATES and package.status != Package.DONE


def section(request, package, **forms) -> tuple[str, dict]:
    """The production section: plan, progress forms, problems, support requests."""
    order = package.order
    may_write = bool(getattr(package, "may_act", False)) and writable(package)
    tasks = selectors.tasks_for(order)
    for task in tasks:
        task.form, task.prefix = _task_form(task), f"task-{task.pk}"
    technology = (WorkPackage.objects.filter(order_id=order.pk, department__code="technology")
                  .only("id", "status").first())
    may_ask = may_write and technology is not None and technology.status != Package.DONE
    return "execution/production/_section.html", {
        "tasks": tasks,
        "problems": selectors.problems_for(order),
        "support_requests": technology_selectors.requests_for(order),
        "may_write": may_write,
        "may_ask": may_ask,
        "may_resolve_requests": bool(getattr(package, "may_act", False))
        and order.status in WORKING_ORDER_STATES,
        "today": clock.today(),
        "lines": list(order.lines.select_related("product").order_by("position")),
        "owners": _owner_choices() if may_write else [],
        "problem_kinds": ProblemKind.choices,
        "urgencies": Urgency.choices,
        "task_form": forms.get("task_form", {"starts_on": clock.today().isoformat()}),
        "task_errors": forms.get("task_errors", FormErrors()),
        "edit_task": forms.get("edit_task"),
        "edit_form": forms.get("edit_form", {}),
        "edit_errors": forms.get("edit_errors", FormErrors()),
        "progress_task": forms.get("progress_task"),
        "progress_form": forms.get("progress_form", {}),
        "progress_errors": forms.get("progress_errors", FormErrors()),
        "problem_form": forms.get("problem_form", {}),
        "problem_errors": forms.get("problem_errors", FormErrors()),
        "resolve_problem": forms.get("resolve_problem"),
        "resolve_form": forms.get("resolve_form", {}),
        "resolve_errors": forms.get("resolve_errors", FormErrors()),
        "ask_form": forms.get("ask_form", {"urgency": Urgency.NORMAL}),
        "ask_errors": forms.get("ask_errors", FormErrors()),
        "request_resolve": forms.get("request_resolve"),
        "request_resolve_form": forms.get("request_resolve_form", {}),
        "request_resolve_errors": forms.get("request_resolve_errors", FormErrors()),
    }


def _package(request, package_id: int):
    """The production package, visible to the user (404 otherwise)."""
    with service_errors(request):
        package = release_selectors.package_for(request.user, package_id)
    if package.department.code != DEPT:
        raise Http404
    return package


def _record(model, pk: int, package) -> None:
    """404 unless the record belongs to the package's order."""
    if not model.objects.filter(pk=pk, order_id=package.order_id).exists():
        raise Http404


def submit(request, package_id: int, call, success: str, **forms):
    """Run the service; 422 with the form's errors re-rendered, else back to the page
    (with the refusal shown as a message when the state did not allow it)."""
    from . import render_package_page

    errors, done = FormErrors(), None
    with service_errors(request, errors):
        done = call()
    if errors:
        key = forms.pop("errors_key")
        return render_package_page(request, package_id, status=422,
                                   **{key: errors}, **forms)
    if done is not None:
        messages.success(request, success)
    return redirect("web:package_page", package_id)


@login_required
@require_POST
def task_add(request, package_id: int):
    """Add a task to the production plan (P5.1.1-2)."""
    package = _package(request, package_id)
    values = _values(request, TASK_INPUTS)
    return submit(request, package_id, lambda: services.production_task_add(
        order_id=package.order_id, actor=request.user,
        **{k: (v or None) if k in ("order_line_id", "planned_quantity") else v
           for k, v in values.items()}),
        _("The task was added to the production plan."),
        task_form=values, errors_key="task_errors")


@login_required
@require_POST
def task_update(request, package_id: int, task_id: int):
    """Change a task of the plan while it is not done (P5.1.1)."""
    package = _package(request, package_id)
    _record(ProductionTask, task_id, package)
    values = _values(request, TASK_INPUTS)
    return submit(request, package_id, lambda: services.production_task_update(
        task_id=task_id, actor=request.user,
        **{k: (v or None) if k in ("order_line_id", "planned_quantity") else v
           for k, v in values.items()}),
        _("The task was saved."), edit_task=task_id, edit_form=values,
        errors_key="edit_errors")


@login_required
@require_POST
def progress_add(request, package_id: int, task_id: int):
    """Report a task's progress (P5.1.4)."""
    package = _package(request, package_id)
    _record(ProductionTask, task_id, package)
    values = _values(request, PROGRESS_INPUTS)
    return submit(request, package_id, lambda: services.progress_report_add(
        task_id=task_id, actor=request.user, **values),
        _("The progress was recorded."), progress_task=task_id, progress_form=values,
        errors_key="progress_errors")


@login_required
@require_POST
def problem_raise(request, package_id: int):
    """Record a production problem with owner, due date and corrective action (P5.1.4)."""
    package = _package(request, package_id)
    values = _values(request, PROBLEM_INPUTS)
    return submit(request, package_id, lambda: services.production_problem_raise(
        order_id=package.order_id, actor=request.user,
        **{k: (v or None) if k == "task_id" else v for k, v in values.items()}),
        _("The problem was recorded; its owner and the salesperson were notified."),
        problem_form=values, errors_key="problem_errors")


@login_required
@require_POST
def problem_resolve(request, package_id: int, problem_id: int):
    """Close a problem with its resolution (P5.1.3)."""
    package = _package(request, package_id)
    _record(ProductionProblem, problem_id, package)
    values = _values(request, ("resolution", "corrective_action"))
    return submit(request, package_id, lambda: services.production_problem_resolve(
        problem_id=problem_id, actor=request.user, resolution=values["resolution"],
        corrective_action=values["corrective_action"] or None),
        _("The problem was resolved."), resolve_problem=problem_id, resolve_form=values,
        errors_key="resolve_errors")


@login_required
@require_POST
def support_request_raise(request, package_id: int):
    """Ask Technology for technical support (P5.4.1)."""
    package = _package(request, package_id)
    values = _values(request, ASK_INPUTS)
    return submit(request, package_id, lambda: technology_services.support_request_raise(
        order_id=package.order_id, actor=request.user,
        **{k: (v or None) if k in ("needed_by", "problem_id") else v
           for k, v in values.items()}),
        _("Technology was asked for support."), ask_form=values, errors_key="ask_errors")


urlpatterns = [
    path("work-packages/<id:package_id>/production/tasks/", task_add,
         name="production_task_add"),
    path("work-packages/<id:package_id>/production/tasks/<id:task_id>/", task_update,
         name="production_task_update"),
    path("work-packages/<id:package_id>/production/tasks/<id:task_id>/progress/",
         progress_add, name="production_progress_add"),
    path("work-packages/<id:package_id>/production/problems/", problem_raise,
         name="production_problem_raise"),
    path("work-packages/<id:package_id>/production/problems/<id:problem_id>/resolve/",
         problem_resolve, name="production_problem_resolve"),
    path("work-packages/<id:package_id>/production/support-requests/", support_request_raise,
         name="production_support_request_raise"),
]


def _register():
    from . import SECTIONS

    SECTIONS[DEPT] = section


_register()
