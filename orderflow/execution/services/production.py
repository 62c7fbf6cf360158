"""Production execution services (P5.1): the production plan's tasks, progress reports
and production problems. Every write follows the recipe of .common: validate every field,
lock the order then the package, check who, check state, write, audit."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.models import OrderLine
from orderflow.release.permissions import package_authority

from ..domain.production import is_latest, task_status_for
from ..models.production import (
    ProblemKind,
    ProblemStatus,
    ProductionProblem,
    ProductionTask,
    ProgressReport,
    TaskStatus,
)
from .common import lock_package, order_id_of, order_of

DEPT = "production"
MAX_TEXT = 4000
_KEEP = object()  # production_task_update: a field not given keeps its value


def _package_url(package_id: int) -> str:
    return f"/work-packages/{package_id}/"


def _others(actor, *users) -> list:
    """Whom to tell: everyone named but the actor."""
    return [u for u in users if u is not None and u.pk != actor.pk]


# The production plan (P5.1.1-2)

def _task_fields(errors: Errors, values: dict, order_id: int) -> dict:
    """Validate the task fields given in `values` (all of them for a new task)."""
    out = {}
    if "name" in values:
        out["name"] = errors.text("name", values["name"], required=True, max_length=200)
    if "starts_on" in values:
        out["starts_on"] = errors.date("starts_on", values["starts_on"])
    if "ends_on" in values:
        out["ends_on"] = errors.date("ends_on", values["ends_on"])
    if "team" in values:
        out["team"] = errors.text("team", values["team"], required=True, max_length=100)
    if "equipment" in values:
        out["equipment"] = errors.text("equipment", values["equipment"], max_length=200)
    for field in ("materials", "qc_requirements"):
        if field in values:
            out[field] = errors.text(field, values[field], max_length=MAX_TEXT)
    if "planned_quantity" in values:
        out["planned_quantity"] = errors.decimal("planned_quantity", values["planned_quantity"],
                                                 required=False, positive=True, places=3)
    if "order_line_id" in values:
        line_id = errors.integer("order_line_id", values["order_line_id"], required=False,
                                 min_value=1)
        if line_id and not OrderLine.objects.filter(pk=line_id, order_id=order_id).exists():
            errors.add("order_line_id", _("Select a line of this order."))
        out["order_line_id"] = line_id
    return out


def _check_dates(errors: Errors, starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", _("The end must not be before the start."))


@transaction.atomic
def production_task_add(*, order_id: int, actor, name: str, starts_on, ends_on, team: str,
                        equipment: str = "", materials: str = "", qc_requirements: str = "",
                        order_line_id: int | None = None,
                        planned_quantity=None) -> ProductionTask:
    """Add a task to the order's production plan (P5.1.1-2): schedule, responsible team,
    equipment, materials, quality-control requirements; numbered after the last one.

    Raises:
        ValidationFailed: any bad field (all reported at once).
        NotFound, NotPermitted (not Production or its deputy), TransitionNotAllowed.
    """
    errors = Errors()
    fields = _task_fields(errors, {
        "name": name, "starts_on": starts_on, "ends_on": ends_on, "team": team,
        "equipment": equipment, "materials": materials, "qc_requirements": qc_requirements,
        "planned_quantity": planned_quantity, "order_line_id": order_line_id}, order_id)
    _check_dates(errors, fields["starts_on"], fields["ends_on"])
    errors.raise_if_any()
    locked = lock_package(order_id, DEPT, actor)
    last = (ProductionTask.objects.filter(package_id=locked.package.pk)
            .aggregate(last=Max("position"))["last"] or 0)
    now = clock.now()
    task = ProductionTask.objects.create(
        order=locked.order, package=locked.package, position=last + 1, created_by=actor,
        on_behalf_of=locked.principal, created_at=now, updated_at=now, **fields)
    audit.record(actor, "production_task.added", task, to_state=task.status,
                 data={"order": locked.order.number, "position": task.position,
                       **_audit_fields(fields)},
                 on_behalf_of=locked.principal)
    return task


def _audit_fields(fields: dict) -> dict:
    return {k: (str(v) if v is not None else None) for k, v in fields.items()}


@transaction.atomic
def production_task_update(*, task_id: int, actor, name=_KEEP, starts_on=_KEEP, ends_on=_KEEP,
                           team=_KEEP, equipment=_KEEP, materials=_KEEP,
                           qc_requirements=_KEEP, order_line_id=_KEEP,
                           planned_quantity=_KEEP) -> ProductionTask:
    """Change a task of the plan (P5.1.1) while it is not done; fields not given keep
    their value.

    Raises:
        ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed (task done).
    """
    given = {k: v for k, v in {
        "name": name, "starts_on": starts_on, "ends_on": ends_on, "team": team,
        "equipment": equipment, "materials": materials, "qc_requirements": qc_requirements,
        "order_line_id": order_line_id, "planned_quantity": planned_quantity}.items()
        if v is not _KEEP}
    order_id = order_id_of(ProductionTask, task_id)
    errors = Errors()
    fields = _task_fields(errors, given, order_id)
    errors.raise_if_any()
    locked = lock_package(order_id, DEPT, actor)
    task = ProductionTask.objects.select_for_update().get(pk=task_id)
    _check_dates(errors, fields.get("starts_on", task.starts_on),
                 fields.get("ends_on", task.ends_on))
    errors.raise_if_any()
    if task.status == TaskStatus.DONE:
        raise TransitionNotAllowed(_("This task is done and can no longer be changed."))
    changed = {k: v for k, v in fields.items() if getattr(task, k) != v}
    if not changed:
        return task
    before = {k: getattr(task, k) for k in changed}
    for key, value in changed.items():
        setattr(task, key, value)
    task.updated_at = clock.now()
    task.save(update_fields=[*changed, "updated_at"])
    audit.record(actor, "production_task.updated", task,
                 data={"order": locked.order.number, "before": _audit_fields(before),
                       "after": _audit_fields(changed)},
                 on_behalf_of=locked.principal)
    return task


# Progress (P5.1.4)

def _percent(errors: Errors, value) -> int | None:
    """A whole number 0-100 (P5.1.4); "50.5", "abc", 101 and -1 are refused."""
    if isinstance(value, bool):
        errors.add("percent_done", _("Enter a whole number."))
        return None
    number = errors.integer("percent_done", value, min_value=0)
    if number is not None and number > 100:
        errors.add("percent_done", _("Must be at most %(v)s.") % {"v": 100})
    return number


@transaction.atomic
def progress_report_add(*, task_id: int, actor, reported_on, quantity_done, percent_done,
                        note: str = "") -> ProgressReport:
    """Report a task's progress on a date (P5.1.4): quantity done (>= 0) and % done
    (a whole number 0-100, not in the future). The task keeps its latest report's
    figures; 0 % means planned, 1-99 in progress, 100 done. Allowed while the package is
    planned, in progress or blocked (not done).

    Raises:
        ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed.
    """
    errors = Errors()
    reported_on = errors.date("reported_on", reported_on)
    if reported_on and reported_on > clock.today():
        errors.add("reported_on", _("The date must not be in the future."))
    quantity = errors.decimal("quantity_done", quantity_done, min_value=0, places=3)
    percent = _percent(errors, percent_done)
    note = errors.text("note", note, max_length=MAX_TEXT)
    errors.raise_if_any()
    order_ref = order_of(ProductionTask, task_id)
    locked = lock_package(order_ref, DEPT, actor)
    task = ProductionTask.objects.select_for_update().get(pk=task_id)
    latest_on = (ProgressReport.objects.filter(task_id=task.pk)
                 .aggregate(latest=Max("reported_on"))["latest"])
    now = clock.now()
    report = ProgressReport.objects.create(
        order=locked.order, package=locked.package, task=task, reported_on=reported_on,
        quantity_done=quantity, percent_done=percent, note=note, created_by=actor,
        on_behalf_of=locked.principal, created_at=now)
    from_state = task.status
    if is_latest(reported_on, latest_on):
        task.quantity_done, task.percent_done = quantity, percent
        task.status, task.updated_at = task_status_for(percent), now
        task.save(update_fields=["quantity_done", "percent_done", "status", "updated_at"])
    audit.record(actor, "production_progress.reported", task, from_state=from_state,
                 to_state=task.status,
                 data={"order": locked.order.number, "report": report.pk,
                       "reported_on": reported_on.isoformat(), "quantity_done": str(quantity),
                       "percent_done": percent},
                 on_behalf_of=locked.principal)
    return report


# Problems and corrective action (P5.1.3-4)

def _active_user(errors: Errors, field: str, value) -> User | None:
    user_id = errors.integer(field, value, min_value=1)
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        errors.add(field, _("Select an active user."))
    return user


@transaction.atomic
def production_problem_raise(*, order_id: int, actor, kind: str, description: str, owner_id,
                             due_date, task_id=None,
                             corrective_action: str = "") -> ProductionProblem:
    """Record a production problem (P5.1.3-4: equipment failure, staff shortage, late
    material, a quality problem) with its owner, due date and corrective action; the
    owner and the order's salesperson are told (P6.1.1).

    Raises:
        ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed.
    """
    errors = Errors()
    kind = errors.choice("kind", kind, ProblemKind.choices)
    description = errors.text("description", description, required=True, max_length=MAX_TEXT)
    owner = _active_user(errors, "owner_id", owner_id)
    due_date = errors.date("due_date", due_date)
    if due_date and due_date < clock.today():
        errors.add("due_date", _("The date must not be in the past."))
    corrective_action = errors.text("corrective_action", corrective_action,
                                    max_length=MAX_TEXT)
    task_id = errors.integer("task_id", task_id, required=False, min_value=1)
    if task_id and not ProductionTask.objects.filter(pk=task_id, order_id=order_id).exists():
        errors.add("task_id", _("Select a task of this order's plan."))
    errors.raise_if_any()
    locked = lock_package(order_id, DEPT, actor)
    problem = ProductionProblem.objects.create(
        order=locked.order, package=locked.package, task_id=task_id, kind=kind,
        description=description, owner=owner, due_date=due_date,
        corrective_action=corrective_action, created_by=actor,
        on_behalf_of=locked.principal, created_at=clock.now())
    audit.record(actor, "production_problem.raised", problem, to_state=problem.status,
                 data={"order": locked.order.number, "kind": kind, "owner": owner.pk,
                       "due_date": due_date.isoformat(), "task": task_id},
                 on_behalf_of=locked.principal)
    notify(recipients=_others(actor, owner, locked.order.salesperson), kind="production.problem",
           title=gettext_lazy("Production problem on order %(number)s: %(kind)s"),
           params={"number": locked.order.number, "kind": problem.get_kind_display()},
           body=description, url=_package_url(locked.package.pk))
    return problem


@transaction.atomic
def production_problem_resolve(*, problem_id: int, actor, resolution: str,
                               corrective_action: str | None = None) -> ProductionProblem:
    """Close an open problem with its resolution (required) and, if given, the corrective
    action taken (P5.1.3-4). Production (or its deputy) or the problem's owner may.

    Raises:
        ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed (not open).
    """
    errors = Errors()
    resolution = errors.text("resolution", resolution, required=True, max_length=MAX_TEXT)
    if corrective_action is not None:
        corrective_action = errors.text("corrective_action", corrective_action,
                                        max_length=MAX_TEXT)
    errors.raise_if_any()
    order_ref = order_of(ProductionProblem, problem_id)
    locked = lock_package(order_ref, DEPT, actor, member=False)
    problem = ProductionProblem.objects.select_for_update().get(pk=problem_id)
    may, principal_id = package_authority(actor, locked.package)
    if not may and problem.owner_id != actor.pk:
        raise NotPermitted(_("Only Production or the problem's owner may resolve it."))
    principal = User.objects.get(pk=principal_id) if may and principal_id else None
    if problem.status != ProblemStatus.OPEN:
        raise TransitionNotAllowed(_("This problem is already resolved."))
    problem.status, problem.resolution = ProblemStatus.RESOLVED, resolution
    problem.resolved_by, problem.resolved_at = actor, clock.now()
    fields = ["status", "resolution", "resolved_by", "resolved_at"]
    if corrective_action:
        problem.corrective_action = corrective_action
        fields.append("corrective_action")
    problem.save(update_fields=fields)
    audit.record(actor, "production_problem.resolved", problem, from_state=ProblemStatus.OPEN,
                 to_state=ProblemStatus.RESOLVED,
                 data={"order": locked.order.number, "resolution": resolution},
                 on_behalf_of=principal)
    notify(recipients=_others(actor, locked.order.salesperson, problem.owner),
           kind="production.resolved",
           title=gettext_lazy("Production problem resolved on order %(number)s"),
           params={"number": locked.order.number}, body=resolution,
           url=_package_url(locked.package.pk))
    return problem


# The completion guard (P5)

def completion_blockers(package) -> list[str]:
    """Why the production package cannot be done yet (empty: it can): a plan with every
    task done and no open problem (P5.1.1, P5.1.4)."""
    counts = ProductionTask.objects.filter(package_id=package.pk).values_list("status",
                                                                             flat=True)
    statuses = list(counts)
    reasons = []
    if not statuses:
        reasons.append(_("The production plan has no tasks yet."))
    undone = sum(1 for s in statuses if s != TaskStatus.DONE)
    if undone:
        reasons.append(_("Tasks not done: %(n)s.") % {"n": undone})
    problems = ProductionProblem.objects.filter(package_id=package.pk,
                                                status=ProblemStatus.OPEN).count()
    if problems:
        reasons.append(_("Open production problems: %(n)s.") % {"n": problems})
    return reasons
