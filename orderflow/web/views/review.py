"""Review pages (P3): a department's opinion form, the panel chair's conclusion, opinion
attachments and the review report's PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.intake.selectors import check_reports_for
from orderflow.orders.selectors import order_detail
from orderflow.review.domain.major import REASON_LABELS
from orderflow.review.models import Conclusion, OpinionStatus
from orderflow.review.selectors import (
    may_conclude,
    may_give_opinion,
    opinion_fields,
    opinion_for,
    report_for,
    reviews_for,
)
from orderflow.review.services import (
    opinion_attachment_add,
    opinion_submit,
    report_render,
    review_conclude,
)

from ..errors import FormErrors, service_errors
from .inbox import annotate_time_left

OPINION_INPUTS = ("conclusion", "conditions", "text")
FILE_ERROR_KEYS = ("upload", "file", "files")


# Shared with the order page's review board

def report_of(review):
    """The review's report, or None (a reverse one-to-one raises when missing)."""
    try:
        return review.report
    except ObjectDoesNotExist:
        return None


def _display(spec, value) -> str:
    if value in (None, ""):
        return ""
    if spec.kind == "choice":
        return _(dict(spec.choices).get(value, value))
    return str(value)


def detail_rows(opinion) -> list[dict]:
    """The typed fields of a given opinion, labelled in the user's language (P3.2.x)."""
    details = opinion.details or {}
    return [{"name": spec.name, "label": _(spec.label),
             "value": _display(spec, details.get(spec.name))}
            for spec in opinion_fields(opinion.department.code)
            if details.get(spec.name) not in (None, "")]


def board(reviews, *, mine=frozenset(), chairing=frozenset()) -> list[dict]:
    """The review rounds as the order page shows them, newest first (P3.4.1)."""
    rounds = []
    for review in reviews:
        opinions = list(review.opinions.all())
        annotate_time_left([o for o in opinions if o.status == OpinionStatus.PENDING])
        for opinion in opinions:
            opinion.detail_rows = detail_rows(opinion)
            opinion.dept_label = DEPT_LABELS.get(opinion.department.code,
                                                 opinion.department.name)
            opinion.is_mine = opinion.pk in mine
        rounds.append({
            "review": review, "opinions": opinions, "report": report_of(review),
            "reasons": [_(REASON_LABELS.get(r, r)) for r in review.major_reasons or []],
            "may_conclude": review.pk in chairing})
    return rounds


# The opinion form

def _opinion(request, order_id: int, opinion_id: int):
    with service_errors(request):
        opinion = opinion_for(request.user, opinion_id)
    if opinion.review.order_id != order_id:
        raise Http404
    return opinion


def _field_rows(opinion, values: dict) -> list[dict]:
    """The department's typed inputs; each is named by its service field path."""
    return [{"spec": spec, "key": f"details.{spec.name}", "label": _(spec.label),
             "value": values.get("details", {}).get(spec.name, ""),
             "choices": [(v, _(label)) for v, label in spec.choices]}
            for spec in opinion_fields(opinion.department.code)]


def _values_of(opinion) -> dict:
    values = {name: getattr(opinion, name) or "" for name in OPINION_INPUTS}
    values["details"] = {k: "" if v is None else str(v)
                         for k, v in (opinion.details or {}).items()}
    return values


def _render_opinion(request, opinion, values: dict, errors: FormErrors, status=200):
    order = order_detail(request.user, opinion.review.order_id)
    reports = check_reports_for(order, limit=1)
    annotate_time_left([opinion])
    file_errors = [m for k in FILE_ERROR_KEYS for m in errors.get(k, [])]
    return render(request, "review/opinion_form.html", {
        "order": order, "opinion": opinion, "review": opinion.review,
        "dept_label": DEPT_LABELS.get(opinion.department.code, opinion.department.name),
        "latest_report": reports[0] if reports else None,
        "fields": _field_rows(opinion, values), "values": values, "errors": errors,
        "file_errors": file_errors, "conclusions": Conclusion.choices,
        "may_give": (opinion.status == OpinionStatus.PENDING
                     and may_give_opinion(request.user, opinion)),
        "detail_rows": detail_rows(opinion)}, status=status)


def _posted_opinion(request, opinion) -> dict:
    values = {name: request.POST.get(name, "").strip() for name in OPINION_INPUTS}
    values["details"] = {spec.name: request.POST.get(f"details.{spec.name}", "").strip()
                         for spec in opinion_fields(opinion.department.code)}
    return values


@login_required
@require_http_methods(["GET", "POST"])
def opinion_form(request, order_id: int, opinion_id: int):
    """A department gives its typed opinion with attachments (P3.2.1-P3.2.5, P3.4.1)."""
    opinion = _opinion(request, order_id, opinion_id)
    if request.method == "GET":
        return _render_opinion(request, opinion, _values_of(opinion), FormErrors())
    values, errors, saved = _posted_opinion(request, opinion), FormErrors(), None
    with service_errors(request, errors), transaction.atomic():
        # The files belong to the opinion: none stays if the opinion is refused.
        for upload in request.FILES.getlist("files"):
            opinion_attachment_add(opinion_id=opinion.pk, actor=request.user, upload=upload)
        saved = opinion_submit(opinion_id=opinion.pk, actor=request.user,
                               conclusion=values["conclusion"], text=values["text"],
                               conditions=values["conditions"], details=values["details"])
    if saved is None:
        return _render_opinion(request, _opinion(request, order_id, opinion_id), values,
                               errors, status=422 if errors else 200)
    messages.success(request, _("Your opinion on order %(number)s was recorded.")
                     % {"number": opinion.review.order.number})
    return redirect("web:order_detail", order_id)


@login_required
@require_GET
def opinion_attachment_download(request, order_id: int, opinion_id: int, attachment_id: int):
    opinion = _opinion(request, order_id, opinion_id)
    attachment = next((a for a in opinion.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name)


# The major-order panel (P3.1.2)

def _panel(request, order_id: int, review_id: int):
    with service_errors(request):
        order = order_detail(request.user, order_id)
    review = next((r for r in reviews_for(request.user, order) if r.pk == review_id), None)
    if review is None or not review.is_major:
        raise Http404
    return order, review


@login_required
@require_http_methods(["GET", "POST"])
def panel_conclude(request, order_id: int, review_id: int):
    """The chair records the panel's conclusion (P3.1.2)."""
    order, review = _panel(request, order_id, review_id)
    values = {name: request.POST.get(name, "").strip() for name in OPINION_INPUTS}
    errors, saved = FormErrors(), None
    if request.method == "POST":
        with service_errors(request, errors):
            saved = review_conclude(review_id=review.pk, actor=request.user,
                                    conclusion=values["conclusion"], text=values["text"],
                                    conditions=values["conditions"])
        if saved is not None:
            messages.success(request, _("The panel's conclusion on order %(number)s was "
                                        "recorded.") % {"number": order.number})
            return redirect("web:order_detail", order.pk)
    elif not may_conclude(request.user, review):
        raise PermissionDenied(_("The panel's chair records its conclusion once every "
                                 "department's opinion is in."))
    return render(request, "review/panel_conclude.html", {
        "order": order, "review": review, "rounds": board([review]), "values": values,
        "errors": errors, "conclusions": Conclusion.choices},
        status=422 if errors else 200)


# The review report (P3.3.3, P3.4.2)

@login_required
@require_GET
def report_pdf(request, report_id: int):
    """The issued report's PDF, to those who may see the order (404 otherwise)."""
    with service_errors(request):
        report = report_for(request.user, report_id)
    if not report.file:
        # Normally rendered by the worker right after issue; render now if not yet.
        report = report_render(report_id=report.pk)
    return FileResponse(report.file.open("rb"), as_attachment=False,
                        filename=f"{report.number}.pdf", content_type="application/pdf")


urlpatterns = [
    path("orders/<id:order_id>/review/opinions/<id:opinion_id>/", opinion_form,
         name="opinion_form"),
    path("orders/<id:order_id>/review/opinions/<id:opinion_id>/attachments/"
         "<id:attachment_id>/", opinion_attachment_download,
         name="opinion_attachment_download"),
    path("orders/<id:order_id>/review/<id:review_id>/conclude/", panel_conclude,
         name="panel_conclude"),
    path("reviews/reports/<id:report_id>/pdf", report_pdf, name="review_report_pdf"),
]
