"""Quality's section of the work-package page (P5.3, P5.4.2): the inspection plan,
inspections with their reports and nonconformance notices, concessions; the inspection
report PDF; the nonconformance statistics page with its Excel export (P5.3.3).
Every write goes through orderflow.execution.services.quality; this module maps forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import Department
from orderflow.accounts.permissions import is_management
from orderflow.accounts.selectors import acting_for, department_head
from orderflow.core import clock
from orderflow.documents.xlsx import XLSX_CONTENT_TYPE
from orderflow.execution.domain.quality import month_starts
from orderflow.execution.models.quality import (
    ConcessionStatus,
    InspectionStage,
    NCStatus,
)
from orderflow.execution.selectors import quality as selectors
from orderflow.execution.services import quality as services
from orderflow.execution.services.common import WORKING_ORDER_STATES
from orderflow.masterdata.models import Product
from orderflow.orders.permissions import is_order_owner
from orderflow.release import selectors as release_selectors
from orderflow.release.permissions import working_department_ids

from ...errors import FormErrors, service_errors

DEPT = Dept.QUALITY
INPUTS = {
    "plan": ("item", "method", "frequency", "acceptance_criteria", "order_line_id"),
    "inspection": ("order_line_id", "stage", "inspected_on", "quantity_inspected",
                   "quantity_passed", "quantity_failed", "findings", "plan_item_id",
                   "reinspection_of_id"),
    "report": ("conclusion",),
    "nonconformance": ("description", "quantity"),
    "action": ("cause", "corrective_action"),
    "close": ("reinspection_record_id",),
    "concession": ("order_line_id", "quantity", "reason", "nonconformance_id"),
    "decide": ("note",),
}
_OPTIONAL_IDS = ("order_line_id", "plan_item_id", "reinspection_of_id", "nonconformance_id")


def _call(form: str, package, key, values: dict, request):
    """The service behind each form."""
    actor, order_id = request.user, package.order_id
    match form:
        case "plan":
            return services.inspection_plan_item_add(order_id=order_id, actor=actor, **values)
        case "inspection":
            return services.inspection_record_add(order_id=order_id, actor=actor, **values)
        case "report":
            return services.inspection_report_issue(record_id=key, actor=actor, **values)
        case "nonconformance":
            return services.nonconformance_issue(record_id=key, actor=actor, **values)
        case "action":
            return services.nonconformance_action(nc_id=key, actor=actor, **values)
        case "close":
            return services.nonconformance_close(nc_id=key, actor=actor, **values)
        case "concession":
            return services.concession_request(order_id=order_id, actor=actor, **values)
        case "decide":
            return services.concession_decide(concession_id=key, actor=actor,
                                              approve=request.POST.get("approve") == "1",
                                              **values)
    raise Http404


SUCCESS = {
    "plan": _("The inspection plan item was added."),
    "inspection": _("The inspection was recorded."),
    "report": _("The inspection report was issued."),
    "nonconformance": _("The nonconformance notice was issued."),
    "action": _("The corrective action was recorded."),
    "close": _("The nonconformance notice was closed."),
    "concession": _("The concession was requested."),
    "decide": _("The concession was decided."),
}


def _quality_package(request, package_id: int):
    with service_errors(request):
        package = release_selectors.package_for(request.user, package_id)
    if package.department.code != DEPT:
        raise Http404
    return package


@login_required
@require_POST
def quality_submit(request, package_id: int, form: str, key: int | None = None):
    """One form of the Quality section: call its service; on bad input re-render the page
    with the form's values and field errors (422), else back to the page."""
    if form not in INPUTS:
        raise Http404
    package = _quality_package(request, package_id)
    values = {name: request.POST.get(name, "").strip() for name in INPUTS[form]}
    for name in _OPTIONAL_IDS:
        if name in values and not values[name]:
            values[name] = None
    errors, done = FormErrors(), None
    with service_errors(request, errors):
        done = _call(form, package, key, values, request)
    if done is None and errors:
        from . import render_package_page

        return render_package_page(request, package_id, status=422,
                                   quality_form={"name": form, "key": key, "values": values,
                                                 "errors": errors})
    if done is not None:
        messages.success(request, str(SUCCESS[form]))
    return redirect("web:package_page", package_id)


def _may_decide(user) -> bool:
    if is_management(user):
        return True
    head = department_head(DEPT)
    return bool(head and acting_for(user, [head.pk], on=clock.today())[0])


def _fixes(user) -> bool:
    production = Department.objects.filter(code=Dept.PRODUCTION).values_list("pk", flat=True)
    return bool(set(production) & working_department_ids(user))


def _attach(objects, name: str, form: dict | None, *, default=None) -> None:
    """Each object gets `<name>_form` = its values and errors when that form came back."""
    for obj in objects:
        mine = form and form["name"] == name and str(form["key"]) == str(obj.pk)
        setattr(obj, f"{name}_form", form if mine else {"values": default or {},
                                                         "errors": {}})


def section(request, package, quality_form: dict | None = None, **_forms):
    """The Quality section's template and context (P5.3, P5.4.2)."""
    order, user = package.order, request.user
    writable = order.status in WORKING_ORDER_STATES and package.status != "done"
    may_quality = writable and getattr(package, "may_act", False)
    records = selectors.records_for(order)
    notices = [nc for r in records for nc in r.nonconformances.all()]
    for r in records:  # what of the failed quantity still needs a notice (P5.3.2)
        r.nc_left = r.quantity_failed - sum(nc.quantity for nc in r.nonconformances.all())
    for nc in notices:
        nc.passed_reinspections = [r for r in records if r.reinspection_of_id == nc.pk
                                   and r.result == "pass"]
    concessions = selectors.concessions_for(order)
    _attach(records, "report", quality_form)
    _attach(records, "nonconformance", quality_form)
    _attach(notices, "action", quality_form)
    _attach(notices, "close", quality_form)
    _attach(concessions, "decide", quality_form)
    top = quality_form if quality_form and quality_form["name"] in (
        "plan", "inspection", "concession") else None
    return "execution/quality/_section.html", {
        "q_summary": selectors.summary(order, package),
        "q_plan": selectors.plan_for(order), "q_records": records,
        "q_notices": notices, "q_concessions": concessions,
        "q_lines": selectors.lines_of(order),
        "q_form": top["name"] if top else "",
        "q_values": top["values"] if top else {},
        "q_inspection": top["values"] if top and top["name"] == "inspection" else {
            "stage": InspectionStage.FINAL, "inspected_on": clock.today().isoformat()},
        "q_errors": top["errors"] if top else {},
        "q_stages": InspectionStage.choices,
        "q_reinspectable": [nc for nc in notices if nc.status == NCStatus.CORRECTIVE_ACTION],
        "may_quality": may_quality,
        "may_fix": writable and (may_quality or _fixes(user)),
        "may_request": writable and (may_quality or is_order_owner(user, order)),
        "may_decide": writable and _may_decide(user),
        "REQUESTED": ConcessionStatus.REQUESTED, "OPEN": NCStatus.OPEN,
        "CORRECTIVE_ACTION": NCStatus.CORRECTIVE_ACTION,
    }


@login_required
@require_GET
def report_pdf(request, report_id: int):
    with service_errors(request):
        report = selectors.report_for(request.user, report_id)
    if not report.file:
        raise Http404
    return FileResponse(report.file.open("rb"), content_type="application/pdf",
                        filename=f"{report.number}.pdf")


MAX_CHART_SERIES = 8


def _chart(months, rows) -> dict:
    """The chart's data (P5.3.3): notices per month, stacked per product; the products with
    the fewest notices fold into one "other products" series to keep the legend short."""
    index = {month: i for i, month in enumerate(months)}
    per_product: dict = {}
    for row in rows:
        series = per_product.setdefault(row["product_id"], {
            "name": f'{row["product_code"]} · {row["product_name"]}',
            "data": [0] * len(months), "total": 0})
        if row["month"] in index:
            series["data"][index[row["month"]]] += row["notices"]
            series["total"] += row["notices"]
    ranked = sorted(per_product.values(), key=lambda s: (-s["total"], s["name"]))
    if len(ranked) > MAX_CHART_SERIES:
        rest = ranked[MAX_CHART_SERIES - 1:]
        other = {"name": str(_("Other products")),
                 "data": [sum(col) for col in zip(*(s["data"] for s in rest), strict=True)]}
        ranked = [*ranked[:MAX_CHART_SERIES - 1], other]
    return {"months": [month.strftime("%Y-%m") for month in months],
            "series": [{"name": s["name"], "data": s["data"]} for s in ranked],
            "axis": str(_("Notices"))}


@login_required
@require_GET
def nc_statistics(request):
    """Nonconformances per product and month (P5.3.3), as a table, a bar chart and an
    Excel sheet (?export=xlsx)."""
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied
    date_from, date_to, product_id = selectors.statistics_filters(request.GET)
    rows = selectors.nc_statistics(date_from=date_from, date_to=date_to,
                                   product_id=product_id)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(selectors.nc_statistics_xlsx(rows),
                                content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (f'attachment; filename="nonconformances-'
                                           f'{date_from:%Y%m}-{date_to:%Y%m}.xlsx"')
        return response
    months = month_starts(date_from, date_to)
    per_month = {m: 0 for m in months}
    for row in rows:
        per_month[row["month"]] = per_month.get(row["month"], 0) + row["notices"]
    peak = max(per_month.values(), default=0) or 1
    bars = [{"month": m, "count": n, "height": round(n * 100 / peak)}
            for m, n in per_month.items()]
    return render(request, "execution/quality/statistics.html", {
        "rows": rows, "bars": bars, "chart": _chart(months, rows),
        "date_from": date_from, "date_to": date_to,
        "product_id": product_id,
        "products": Product.objects.order_by("code").only("pk", "code", "name")[:500],
        "open_notices": selectors.nonconformances(request.user, status="open", limit=50),
        "totals": {"notices": sum(r["notices"] for r in rows),
                   "closed": sum(r["closed"] for r in rows)},
    })


urlpatterns = [
    path("work-packages/<id:package_id>/quality/<str:form>/", quality_submit,
         name="quality_submit"),
    path("work-packages/<id:package_id>/quality/<str:form>/<id:key>/", quality_submit,
         name="quality_submit_for"),
    path("quality/inspection-reports/<id:report_id>/pdf/", report_pdf,
         name="quality_report_pdf"),
    path("quality/nonconformance-statistics/", nc_statistics, name="nc_statistics"),
]


def _register() -> None:
    from . import SECTIONS

    SECTIONS[DEPT] = section


_register()
