"""Production execution API (P5.1): the production plan's tasks, progress reports and
production problems of an order, and the open problems across orders.

Thin: reads through orderflow.execution.selectors.production (an invisible order answers
404), writes through orderflow.execution.services.production (permission, state and input
checked there, every bad field reported at once with 422).
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from orderflow.core.errors import NotFound
from orderflow.execution.models.production import ProductionProblem, ProductionTask
from orderflow.execution.selectors import production as selectors
from orderflow.execution.services import production as services

from .review import visible_order
from .schemas import ERRORS, LooseDate, LooseDecimal, LooseId, OrderNumberRef, UserRef

router = Router(tags=["execution"])

_WHO = ("Members of Production (or their deputy today, recorded as on_behalf_of) only: "
        "403 for others, 404 if the order is not visible, 409 unless the order is released "
        "or in execution and the package not done; 422 lists every bad field.")


# Schemas

class TaskIn(Schema):
    name: str | None = None
    starts_on: LooseDate = None
    ends_on: LooseDate = Field(None, description="Not before starts_on.")
    team: str | None = Field(None, description="The responsible team (P5.1.2).")
    equipment: str | None = None
    materials: str | None = None
    qc_requirements: str | None = Field(None, description="Quality-control requirements "
                                        "(P5.1.1).")
    order_line_id: LooseId = Field(None, description="A line of this order (optional).")
    planned_quantity: LooseDecimal = Field(None, description="Greater than 0 (optional).")


class TaskOut(Schema):
    id: int
    order_id: int
    package_id: int
    position: int
    name: str
    order_line_id: int | None
    planned_quantity: Decimal | None
    starts_on: dt.date
    ends_on: dt.date
    team: str
    equipment: str
    materials: str
    qc_requirements: str
    status: str
    status_label: str
    quantity_done: Decimal
    percent_done: int
    latest_on: dt.date | None = Field(None, description="Date of the latest progress report.")
    latest_note: str | None = None
    created_by: UserRef
    on_behalf_of: UserRef | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class ProgressIn(Schema):
    reported_on: LooseDate = Field(None, description="Not in the future.")
    quantity_done: LooseDecimal = Field(None, description="0 or more.")
    percent_done: LooseId = Field(None, description="A whole number 0-100: 0 leaves the task "
                                  "planned, 1-99 in progress, 100 done.")
    note: str | None = None


class ProgressOut(Schema):
    id: int
    task_id: int
    reported_on: dt.date
    quantity_done: Decimal
    percent_done: int
    note: str
    created_by: UserRef
    on_behalf_of: UserRef | None
    created_at: dt.datetime


class ProblemIn(Schema):
    kind: str | None = Field(None, description="equipment_failure, staff_shortage, "
                             "material_late, quality_problem, other")
    description: str | None = None
    owner_id: LooseId = Field(None, description="An active user responsible for it.")
    due_date: LooseDate = None
    task_id: LooseId = Field(None, description="A task of this order's plan (optional).")
    corrective_action: str | None = None


class ResolveProblemIn(Schema):
    resolution: str | None = Field(None, description="Required.")
    corrective_action: str | None = Field(None, description="Replaces the corrective "
                                          "action if given.")


class TaskRef(Schema):
    id: int
    position: int
    name: str


class ProblemOut(Schema):
    id: int
    order_id: int
    package_id: int
    task: TaskRef | None
    kind: str
    kind_label: str
    description: str
    owner: UserRef
    due_date: dt.date
    late: bool = Field(description="Open and past its due date.")
    corrective_action: str
    status: str
    status_label: str
    resolution: str
    resolved_by: UserRef | None
    resolved_at: dt.datetime | None
    created_by: UserRef
    on_behalf_of: UserRef | None
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_late(obj) -> bool:
        return bool(getattr(obj, "is_late", False))


class ProblemListItemOut(ProblemOut):
    order: OrderNumberRef


class ProblemFilters(Schema):
    status: str | None = Field("open", description="open (default), resolved, or empty "
                               "for both.")
    limit: int = Field(100, ge=1, le=500)


# Helpers

def _order_of(request, model, pk: int):
    order_id = model.objects.filter(pk=pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("%(what)s not found.") % {"what": model._meta.verbose_name})
    return visible_order(request, order_id)


def _task_out(request, task_id: int):
    order = _order_of(request, ProductionTask, task_id)
    return next(t for t in selectors.tasks_for(order) if t.pk == task_id)


def _problem_out(request, problem_id: int):
    order = _order_of(request, ProductionProblem, problem_id)
    return next(p for p in selectors.problems_for(order) if p.pk == problem_id)


# The production plan (P5.1.1-2)

@router.get("/orders/{id:order_id}/production-tasks", response={200: list[TaskOut], **ERRORS},
            summary="The production plan of an order",
            description="Its tasks in order (P5.1.1-2) with schedule, team, equipment, "
            "materials, quality-control requirements and the latest progress (P5.1.4).")
def list_tasks(request, order_id: int):
    return selectors.tasks_for(visible_order(request, order_id))


@router.post("/orders/{id:order_id}/production-tasks", response={201: TaskOut, **ERRORS},
             summary="Add a task to the production plan", description=_WHO)
def add_task(request, order_id: int, payload: TaskIn):
    task = services.production_task_add(order_id=order_id, actor=request.auth,
                                        **_task_values(payload.model_dump()))
    return Status(201, _task_out(request, task.pk))


def _task_values(values: dict) -> dict:
    text = ("name", "team", "equipment", "materials", "qc_requirements")
    return {k: ("" if v is None and k in text else v) for k, v in values.items()}


@router.get("/production-tasks/{id:task_id}", response={200: TaskOut, **ERRORS},
            summary="One task of a production plan",
            description="404 if it does not exist or its order is not visible.")
def get_task(request, task_id: int):
    return _task_out(request, task_id)


@router.patch("/production-tasks/{id:task_id}", response={200: TaskOut, **ERRORS},
              summary="Change a task of the production plan",
              description="Only the fields sent change; 409 once the task is done. " + _WHO)
def update_task(request, task_id: int, payload: TaskIn):
    services.production_task_update(task_id=task_id, actor=request.auth,
                                    **_task_values(payload.model_dump(exclude_unset=True)))
    return _task_out(request, task_id)


# Progress (P5.1.4)

@router.post("/production-tasks/{id:task_id}/progress", response={201: ProgressOut, **ERRORS},
             summary="Report a task's progress",
             description="The task keeps the latest report's quantity and % done and its "
             "status follows (0 planned, 1-99 in progress, 100 done). " + _WHO)
def add_progress(request, task_id: int, payload: ProgressIn):
    report = services.progress_report_add(
        task_id=task_id, actor=request.auth, reported_on=payload.reported_on,
        quantity_done=payload.quantity_done, percent_done=payload.percent_done,
        note=payload.note or "")
    return Status(201, selectors.report(report.pk))


@router.get("/production-tasks/{id:task_id}/progress", response={200: list[ProgressOut],
                                                                   **ERRORS},
            summary="Progress reports of a task",
            description="Newest first, at most 200. 404 if the order is not visible.")
def list_progress(request, task_id: int):
    _order_of(request, ProductionTask, task_id)
    return selectors.reports_for(task_id)


# Problems (P5.1.3-4)

@router.get("/orders/{id:order_id}/production-problems", response={200: list[ProblemOut],
                                                                     **ERRORS},
            summary="Production problems of an order",
            description="Open first by due date; `status` filters (open, resolved).")
def list_problems(request, order_id: int, status: str | None = None):
    return selectors.problems_for(visible_order(request, order_id), status=status or None)


@router.post("/orders/{id:order_id}/production-problems", response={201: ProblemOut,
                                                                      **ERRORS},
             summary="Record a production problem",
             description="Equipment failure, staff shortage, late material... with its owner "
             "(an active user), due date and corrective action; the owner and the order's "
             "salesperson are notified (P6.1.1). " + _WHO)
def raise_problem(request, order_id: int, payload: ProblemIn):
    problem = services.production_problem_raise(
        order_id=order_id, actor=request.auth, kind=payload.kind or "",
        description=payload.description or "", owner_id=payload.owner_id,
        due_date=payload.due_date, task_id=payload.task_id,
        corrective_action=payload.corrective_action or "")
    return Status(201, _problem_out(request, problem.pk))


@router.get("/production-problems/{id:problem_id}", response={200: ProblemOut, **ERRORS},
            summary="One production problem",
            description="404 if it does not exist or its order is not visible.")
def get_problem(request, problem_id: int):
    return _problem_out(request, problem_id)


@router.post("/production-problems/{id:problem_id}/resolve", response={200: ProblemOut,
                                                                         **ERRORS},
             summary="Resolve a production problem",
             description="With its resolution (required). Production (or its deputy) or the "
             "problem's owner; 409 unless open.")
def resolve_problem(request, problem_id: int, payload: ResolveProblemIn):
    services.production_problem_resolve(problem_id=problem_id, actor=request.auth,
                                        resolution=payload.resolution or "",
                                        corrective_action=payload.corrective_action)
    return _problem_out(request, problem_id)


@router.get("/production-problems", response={200: list[ProblemListItemOut], **ERRORS},
            summary="Production problems across orders",
            description="Late first (P5.1.4, P6.1.2). Production (and whoever sees every "
            "workspace) sees all; others the problems they own. At most `limit` (<= 500).")
def problems_across_orders(request, filters: Query[ProblemFilters]):
    return selectors.production_problems(request.auth, status=filters.status or None,
                                         limit=filters.limit)
