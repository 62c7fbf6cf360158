"""Configuration of review and approval (P11, for system administrators; others 403):
review departments per order type (P3.1.1), time limits (P3.3.2), the major-order rule
(P3.1.2), the company calendar and working day (P3.3.2), approval chains (P4.1.1).

Reads are the current settings; writes go through the owning capability's service,
which checks the administrator's right, validates field by field and audits the change.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.approval import selectors as approval_selectors
from orderflow.approval.services import chain_save
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.review import services as review_services
from orderflow.review.models import MajorOrderRule, ReviewRoute, ReviewTimeLimit
from orderflow.workcal import selectors as workcal_selectors
from orderflow.workcal import services as workcal_services

from .schemas import ERRORS, LooseDecimal, LooseId, UserRef
from .schemas_config import RouteIn, RouteOut, Stamped, require_admin, route_or_404

router = Router(tags=["configuration"])

Flag = bool | int | str | None
LooseInt = int | str | None


# Review departments per order type (P3.1.1)


@router.get("/review-routes", response={200: list[RouteOut], **ERRORS},
            summary="Reviewing departments of every order type",
            description="Which departments review an order of each type (P3.1.1).")
def list_routes(request):
    require_admin(request)
    return list(ReviewRoute.objects.select_related("updated_by"))


@router.get("/review-routes/{order_type}", response={200: RouteOut, **ERRORS},
            summary="Reviewing departments of one order type",
            description="404 for an unknown order type (standard, customised, sample, "
            "service).")
def get_route(request, order_type: str):
    require_admin(request)
    return route_or_404(ReviewRoute, order_type)


@router.put("/review-routes/{order_type}", response={200: RouteOut, **ERRORS},
            summary="Set the reviewing departments of an order type",
            description="Applies to reviews started afterwards; reviews under way keep "
            "their departments.")
def set_route(request, order_type: str, payload: RouteIn):
    route = review_services.review_route_set(actor=request.auth, order_type=order_type,
                                             departments=payload.departments)
    return route_or_404(ReviewRoute, route.order_type)


# Time limits (P3.3.2)


class TimeLimitOut(Stamped):
    department: str
    department_label: str
    hours: int = Field(description="Working hours to give the opinion.")
    remind_before_hours: int
    leader_after_hours: int = Field(description="Overdue working hours before the division "
                                    "leader is told (the head is told at the deadline).")

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    @staticmethod
    def resolve_department_label(obj) -> str:
        return str(DEPT_LABELS.get(obj.department.code, obj.department.code))


class TimeLimitIn(Schema):
    hours: LooseInt = None
    remind_before_hours: LooseInt = None
    leader_after_hours: LooseInt = None


def _limits():
    return ReviewTimeLimit.objects.select_related("department", "updated_by")


def _limit(department: str) -> ReviewTimeLimit:
    limit = _limits().filter(department__code=department).first()
    if limit is None:
        raise NotFound(_("No time limit is set for this department."))
    return limit


@router.get("/review-time-limits", response={200: list[TimeLimitOut], **ERRORS},
            summary="Review time limits of every department",
            description="Each reviewing department's limit for its opinion, in working "
            "hours, with its reminder and escalation settings (P3.3.2).")
def list_time_limits(request):
    require_admin(request)
    return list(_limits())


@router.get("/review-time-limits/{department}", response={200: TimeLimitOut, **ERRORS},
            summary="A department's review time limit",
            description="404 for a department that does not review.")
def get_time_limit(request, department: str):
    require_admin(request)
    return _limit(department)


@router.put("/review-time-limits/{department}", response={200: TimeLimitOut, **ERRORS},
            summary="Set a department's review time limit",
            description="In working hours on the company calendar (P3.3.2): the limit, when "
            "to remind before it, and how long overdue before the division leader is told.")
def set_time_limit(request, department: str, payload: TimeLimitIn):
    review_services.review_time_limit_set(actor=request.auth, department=department,
                                          **payload.model_dump())
    return _limit(department)


# Major-order rule (P3.1.2)


class MajorRuleOut(Stamped):
    amount_threshold: Decimal | None = Field(description="Amount with tax at or above which "
                                             "an order is major; null: not a criterion.")
    customised: bool
    new_customer: bool
    special_requirements: bool


class MajorRuleIn(Schema):
    amount_threshold: LooseDecimal = None
    customised: Flag = None
    new_customer: Flag = None
    special_requirements: Flag = None


def _rule() -> MajorOrderRule:
    return (MajorOrderRule.objects.select_related("updated_by").filter(pk=1).first()
            or MajorOrderRule(pk=1))


@router.get("/major-order-rule", response={200: MajorRuleOut, **ERRORS},
            summary="What makes an order major",
            description="Any criterion switched on and met makes the order major: its "
            "review is a panel chaired by the division leader (P3.1.2).")
def get_major_rule(request):
    require_admin(request)
    return _rule()


@router.put("/major-order-rule", response={200: MajorRuleOut, **ERRORS},
            summary="Change the major-order rule",
            description="Send every criterion: an empty `amount_threshold` leaves the amount "
            "out. Applies to reviews started afterwards (P3.1.2).")
def set_major_rule(request, payload: MajorRuleIn):
    review_services.major_rule_update(actor=request.auth, **payload.model_dump())
    return _rule()


# Company calendar and working day (P3.3.2)


class CalendarDayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday (no work) or workday (make-up workday, 调休)")
    kind_label: str
    name: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class CalendarDayIn(Schema):
    kind: str | None = Field(None, description="holiday or workday")
    name: str | None = None


@router.get("/calendar", response={200: list[CalendarDayOut], **ERRORS},
            summary="Holidays and make-up workdays of a year",
            description="The days that differ from the weekly pattern; deadlines are "
            "counted in working hours on this calendar (P3.3.2).")
def list_calendar(request, year: int | None = Query(None, ge=1900, le=9999)):
    require_admin(request)
    return workcal_selectors.calendar_days(year or clock.today().year)


@router.put("/calendar/{date}", response={200: CalendarDayOut, **ERRORS},
            summary="Enter a holiday or make-up workday",
            description="A public holiday on a working weekday, or a make-up workday (调休) "
            "on a day off; `date` is YYYY-MM-DD. Deadlines set later count it.")
def set_calendar_day(request, date: str, payload: CalendarDayIn):
    return workcal_services.calendar_day_set(actor=request.auth, date=date,
                                             kind=payload.kind or "", name=payload.name or "")


@router.delete("/calendar/{date}", response={204: None, **ERRORS},
               summary="Remove a holiday or make-up workday",
               description="The day follows the weekly pattern again; 404 if none is set.")
def delete_calendar_day(request, date: str):
    workcal_services.calendar_day_delete(actor=request.auth, date=date)
    return Status(204, None)


class ScheduleOut(Stamped):
    morning_start: dt.time
    morning_end: dt.time
    afternoon_start: dt.time
    afternoon_end: dt.time
    workdays: list[int] = Field(description="ISO weekdays, 1 = Monday ... 7 = Sunday.")


class ScheduleIn(Schema):
    morning_start: str | None = Field(None, description="HH:MM")
    morning_end: str | None = None
    afternoon_start: str | None = None
    afternoon_end: str | None = None
    workdays: list[int | str] | None = None


@router.get("/work-schedule", response={200: ScheduleOut, **ERRORS},
            summary="The working day", description="Two working periods and the working "
            "weekdays (P3.3.2).")
def get_schedule(request):
    require_admin(request)
    return workcal_selectors.schedule()


@router.put("/work-schedule", response={200: ScheduleOut, **ERRORS},
            summary="Change the working day",
            description="Times as HH:MM; `workdays` as ISO weekdays. Deadlines already set "
            "are kept; later ones are counted on the new working day (P3.3.2).")
def set_schedule(request, payload: ScheduleIn):
    return workcal_services.schedule_update(actor=request.auth, **payload.model_dump())


# Approval chains (P4.1.1)


class StepOut(Schema):
    position: int
    name: str
    assignee_kind: str = Field(description="role, dept_head or user")
    assignee_kind_label: str
    role: str
    department: str
    user: UserRef | None
    mode: str = Field(description="single, all (会签) or any (或签)")
    mode_label: str
    conditions: list = Field(description="[{field, op, value}]: all must hold for the step "
                             "to apply; otherwise it is skipped.")
    cc: list = Field(description="Informed of the outcome (抄送): [{kind, role, department, "
                     "user}].")
    time_limit_hours: int

    @staticmethod
    def resolve_assignee_kind_label(obj) -> str:
        return str(obj.get_assignee_kind_display())

    @staticmethod
    def resolve_mode_label(obj) -> str:
        return str(obj.get_mode_display())


class ChainOut(Stamped):
    subject_kind: str
    name: str
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class StepIn(Schema):
    name: str | None = None
    assignee_kind: str | None = None
    role: str | None = None
    department: str | None = None
    user_id: LooseId = None
    mode: str | None = None
    conditions: list | None = None
    cc: list | None = None
    time_limit_hours: LooseInt = None


class ChainIn(Schema):
    name: str | None = None
    steps: list[StepIn] = Field([], description="In order; positions are 1, 2, 3...")


class OperatorOut(Schema):
    op: str
    label: str


class ConditionFieldOut(Schema):
    name: str
    label: str
    kind: str = Field(description="decimal, boolean or choice")
    choices: list[str]
    operators: list[OperatorOut]

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj["label"])

    @staticmethod
    def resolve_operators(obj) -> list[dict]:
        return [{"op": op, "label": label} for op, label in obj["operators"]]


@router.get("/approval-conditions", response={200: list[ConditionFieldOut], **ERRORS},
            summary="What a step's conditions may test",
            description="The subject's fields a step condition compares (amount, major, "
            "customer rating, order type) and the operators each allows; a step applies "
            "only when all its conditions hold, otherwise it is skipped (P4.1.1).")
def condition_fields(request):
    require_admin(request)
    return approval_selectors.condition_fields()


def _chain(subject_kind: str):
    chain = next((c for c in approval_selectors.chains() if c.subject_kind == subject_kind),
                 None)
    if chain is None:
        raise NotFound(_("No approval chain for this subject."))
    return chain


@router.get("/approval-chains", response={200: list[ChainOut], **ERRORS},
            summary="Every approval chain with its steps",
            description="One chain per kind of subject (`order` now; change and "
            "cancellation requests later), its steps in order (P4.1.1).")
def list_chains(request):
    require_admin(request)
    return approval_selectors.chains()


@router.get("/approval-chains/{subject_kind}", response={200: ChainOut, **ERRORS},
            summary="One approval chain",
            description="404 if no chain is configured for the subject.")
def get_chain(request, subject_kind: str):
    require_admin(request)
    return _chain(subject_kind)


@router.put("/approval-chains/{subject_kind}", response={200: ChainOut, **ERRORS},
            summary="Replace an approval chain's steps",
            description="Ordered steps: who approves (a role, the head of a department, or "
            "a person), how a group decides (one / all 会签 / any 或签), conditions that "
            "include or skip the step, CC and a time limit (P4.1.1). Approvals under way "
            "keep the steps they started with.")
def set_chain(request, subject_kind: str, payload: ChainIn):
    chain_save(actor=request.auth, subject_kind=subject_kind, name=payload.name or "",
               steps=[step.model_dump() for step in payload.steps])
    return _chain(subject_kind)
