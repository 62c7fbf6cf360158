"""Configuration screens (P11) for system administrators: review departments per order
type (P3.1.1), time limits (P3.3.2), the major-order rule (P3.1.2), the company calendar
(P3.3.2) and approval chains (P4.1.1). Every save goes through the owning service."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.core import clock
from orderflow.orders.models import OrderType
from orderflow.review.domain.opinions import REVIEWING_DEPARTMENTS
from orderflow.review.models import MajorOrderRule, ReviewRoute, ReviewTimeLimit
from orderflow.review.services import major_rule_update, review_route_set, review_time_limit_set
from orderflow.workcal.models import DayKind
from orderflow.workcal.selectors import calendar_days, schedule
from orderflow.workcal.services import calendar_day_delete, calendar_day_set, schedule_update

from ...errors import FormErrors, service_errors
from . import chains
from .access import admin_only, page

LIMIT_FIELDS = ("hours", "remind_before_hours", "leader_after_hours")
SCHEDULE_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
WEEKDAYS = [(1, gettext_lazy("Monday")), (2, gettext_lazy("Tuesday")),
            (3, gettext_lazy("Wednesday")), (4, gettext_lazy("Thursday")),
            (5, gettext_lazy("Friday")), (6, gettext_lazy("Saturday")),
            (7, gettext_lazy("Sunday"))]
MAJOR_FLAGS = ("customised", "new_customer", "special_requirements")


@admin_only
@require_GET
def config_index(request):
    return redirect("web:config_routes")


# Review departments per order type (P3.1.1)

def _departments() -> list[tuple[str, str]]:
    return [(code, DEPT_LABELS.get(code, code)) for code in REVIEWING_DEPARTMENTS]


@admin_only
@require_http_methods(["GET", "POST"])
def config_routes(request):
    current = {r.order_type: list(r.departments) for r in ReviewRoute.objects.all()}
    errors, chosen = FormErrors(), dict(current)
    if request.method == "POST":
        saved = 0
        for order_type, _label in OrderType.choices:
            picked = request.POST.getlist(f"route-{order_type}")
            # Keep the order the departments had; new ones join in the usual order.
            ordered = [c for c in current.get(order_type, []) if c in picked] + \
                [c for c in REVIEWING_DEPARTMENTS if c in picked
                 and c not in current.get(order_type, [])]
            chosen[order_type] = ordered
            if ordered == current.get(order_type):
                continue
            type_errors = FormErrors()
            with service_errors(request, type_errors):
                review_route_set(actor=request.user, order_type=order_type, departments=ordered)
                saved += 1
            for msgs in type_errors.values():
                errors.setdefault(order_type, []).extend(msgs)
        if not errors:
            messages.success(request, _("The review routes were saved.") if saved else
                             _("Nothing was changed."))
            return redirect("web:config_routes")
    rows = [{"type": value, "label": label, "chosen": chosen.get(value, []),
             "errors": errors.get(value)} for value, label in OrderType.choices]
    return page(request, "config/routes.html", "routes", {
        "rows": rows, "departments": _departments(), "errors": errors},
        status=422 if errors else 200)


# Time limits per department (P3.3.2)

def _limit_rows(values: dict, errors: FormErrors) -> list[dict]:
    return [{"code": code, "label": label, "values": values.get(code, {}),
             "errors": {f: errors.get(f"{code}.{f}") for f in LIMIT_FIELDS},
             "prefix": code} for code, label in _departments()]


@admin_only
@require_http_methods(["GET", "POST"])
def config_limits(request):
    stored = {lim.department.code: {f: str(getattr(lim, f)) for f in LIMIT_FIELDS}
              for lim in ReviewTimeLimit.objects.select_related("department")}
    errors, values = FormErrors(), dict(stored)
    if request.method == "POST":
        for code in REVIEWING_DEPARTMENTS:
            posted = {f: request.POST.get(f"{code}-{f}", "").strip() for f in LIMIT_FIELDS}
            values[code] = posted
            if posted == stored.get(code):
                continue
            dept_errors = FormErrors()
            with service_errors(request, dept_errors):
                review_time_limit_set(actor=request.user, department=code, **posted)
            for field, msgs in dept_errors.items():
                errors[f"{code}.{field}"] = msgs
        if not errors:
            messages.success(request, _("The time limits were saved. They apply to reviews "
                                        "started from now on."))
            return redirect("web:config_limits")
    return page(request, "config/limits.html", "limits", {
        "rows": _limit_rows(values, errors), "errors": errors}, status=422 if errors else 200)


# The major-order rule (P3.1.2)

@admin_only
@require_http_methods(["GET", "POST"])
def config_major(request):
    rule = MajorOrderRule.objects.filter(pk=1).first() or MajorOrderRule()
    errors = FormErrors()
    values = {"amount_threshold": "" if rule.amount_threshold is None
              else str(rule.amount_threshold),
              **{f: getattr(rule, f) for f in MAJOR_FLAGS}}
    if request.method == "POST":
        values = {"amount_threshold": request.POST.get("amount_threshold", "").strip(),
                  **{f: f in request.POST for f in MAJOR_FLAGS}}
        saved = None
        with service_errors(request, errors):
            saved = major_rule_update(actor=request.user, **values)
        if saved is not None:
            messages.success(request, _("The major-order rule was saved."))
            return redirect("web:config_major")
    return page(request, "config/major.html", "major", {"values": values, "errors": errors},
                 status=422 if errors else 200)


# The company calendar (P3.3.2)

def _year(request) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    year = int(text) if text.isdigit() else clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


def _schedule_values(row) -> dict:
    values = {f: getattr(row, f).strftime("%H:%M") for f in SCHEDULE_FIELDS}
    values["workdays"] = [int(d) for d in row.workdays or []]
    return values


def _render_calendar(request, *, day=None, day_errors=None, hours=None, hours_errors=None):
    year = _year(request)
    days = calendar_days(year)
    months = {}
    for entry in days:
        months.setdefault(entry.date.month, []).append(entry)
    errors = day_errors or hours_errors
    return page(request, "config/calendar.html", "calendar", {
        "year": year, "days": days, "months": sorted(months.items()),
        "kinds": DayKind.choices, "weekdays": WEEKDAYS,
        "day": day or {"date": "", "kind": DayKind.HOLIDAY, "name": ""},
        "day_errors": day_errors or FormErrors(),
        "hours": hours or _schedule_values(schedule()),
        "hours_errors": hours_errors or FormErrors()}, status=422 if errors else 200)


@admin_only
@require_GET
def config_calendar(request):
    return _render_calendar(request)


@admin_only
@require_POST
def config_day_set(request):
    day = {f: request.POST.get(f, "").strip() for f in ("date", "kind", "name")}
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = calendar_day_set(actor=request.user, **day)
    if saved is None:
        return _render_calendar(request, day=day, day_errors=errors)
    messages.success(request, _("%(date)s: %(kind)s was saved.") % {
        "date": saved.date, "kind": saved.get_kind_display()})
    return redirect(f"{reverse('web:config_calendar')}?year={saved.date.year}")


@admin_only
@require_POST
def config_day_delete(request, day: str):
    with service_errors(request):
        calendar_day_delete(actor=request.user, date=day)
    try:
        year = dt.date.fromisoformat(day).year
    except ValueError:
        year = clock.today().year
    return redirect(f"{reverse('web:config_calendar')}?year={year}")


@admin_only
@require_POST
def config_schedule(request):
    hours = {f: request.POST.get(f, "").strip() for f in SCHEDULE_FIELDS}
    workdays = request.POST.getlist("workdays")
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = schedule_update(actor=request.user, workdays=workdays, **hours)
    if saved is None:
        hours["workdays"] = [int(d) for d in workdays if d.isdigit()]
        return _render_calendar(request, hours=hours, hours_errors=errors)
    messages.success(request, _("The working hours were saved. They apply to deadlines "
                                "set from now on."))
    return redirect("web:config_calendar")


urlpatterns = [
    path("config/", config_index, name="config"),
    path("config/review-routes/", config_routes, name="config_routes"),
    path("config/time-limits/", config_limits, name="config_limits"),
    path("config/major-rule/", config_major, name="config_major"),
    path("config/calendar/", config_calendar, name="config_calendar"),
    path("config/calendar/days/", config_day_set, name="config_day_set"),
    path("config/calendar/days/<str:day>/delete/", config_day_delete,
         name="config_day_delete"),
    path("config/calendar/schedule/", config_schedule, name="config_schedule"),
    *chains.urlpatterns,
]
