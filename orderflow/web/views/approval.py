"""Approval actions (P4.1, P4.1.2): approve, reject, return a task, sign off an order.

From the inbox they run through htmx and answer with the inbox row, replaced in place;
from the order page they are plain forms that go back to the order with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from orderflow.accounts.labels import DEPT_LABELS, ROLE_LABELS
from orderflow.approval.models import AssigneeKind, StageStatus
from orderflow.approval.selectors import task_for
from orderflow.approval.services import order_sign_off, task_approve, task_reject, task_return
from orderflow.core.errors import NotFound, NotPermitted, ServiceError, ValidationFailed
from orderflow.masterdata.selectors import user_names
from orderflow.orders.selectors import order_detail

from ..errors import FormErrors, service_errors
from ..field_labels import error_message
from .inbox import annotate_time_left, signoff_row, task_row

# What the row says once done, and the message on the order page.
DONE_LABELS = {
    "approve": gettext_lazy("Approved"), "reject": gettext_lazy("Rejected"),
    "return": gettext_lazy("Returned to an earlier step"), "sign_off": gettext_lazy("Signed off"),
}
DONE_MESSAGES = {
    "approve": gettext_lazy("You approved order %(number)s."),
    "reject": gettext_lazy("You rejected order %(number)s; it goes back to Sales."),
    "return": gettext_lazy("Order %(number)s was returned to an earlier step."),
    "sign_off": gettext_lazy("You signed off order %(number)s: it is approved."),
}


# The approval panel of the order page

def sign_off_of(request_):
    """The request's sign-off, or None (a reverse one-to-one raises when missing)."""
    try:
        return request_.sign_off
    except ObjectDoesNotExist:
        return None


def _spec_label(spec: dict, names: dict) -> str:
    """Whom a CC spec names, before the step starts: a role, a department's head, a person."""
    dept = str(DEPT_LABELS.get(spec.get("department") or "", spec.get("department") or ""))
    if spec.get("kind") == AssigneeKind.ROLE:
        role = str(ROLE_LABELS.get(spec.get("role"), spec.get("role")))
        return f"{role} · {dept}" if dept else role
    if spec.get("kind") == AssigneeKind.DEPT_HEAD:
        return _("head of %(department)s") % {"department": dept}
    return names.get(spec.get("user"), f"#{spec.get('user')}")


def _cc_labels(stage, names: dict) -> list[str]:
    """Who is informed (抄送): the people resolved when the step started, else the specs."""
    if stage.cc_user_ids:
        return [names.get(uid, f"#{uid}") for uid in stage.cc_user_ids]
    return [_spec_label(spec, names) for spec in (stage.spec or {}).get("cc") or []]


def _cc_user_ids(stages) -> set:
    ids = set()
    for stage in stages:
        ids.update(stage.cc_user_ids or [])
        ids.update(c.get("user") for c in (stage.spec or {}).get("cc") or [] if c.get("user"))
    return ids


def approval_board(requests, *, my_tasks=()) -> list[dict]:
    """The approval rounds as the order page shows them, newest first (P4.1): each stage
    with its tasks, who acted (and for whom), skipped steps, CC, and the sign-off."""
    requests = list(requests)
    stages_of = {r.pk: list(r.stages.all()) for r in requests}
    names = user_names(_cc_user_ids(s for stages in stages_of.values() for s in stages))
    mine = {t.request_id: [] for t in my_tasks}
    for task in my_tasks:
        mine[task.request_id].append(task)
    rounds = []
    for req in requests:
        stages = stages_of[req.pk]
        annotate_time_left([s for s in stages if s.status == StageStatus.ACTIVE])
        for stage in stages:
            stage.task_list = list(stage.tasks.all())
            stage.cc_names = _cc_labels(stage, names)
        for task in mine.get(req.pk, []):
            position = next((s.position for s in stages if s.pk == task.stage_id), 0)
            task.targets = [s for s in stages if s.position < position
                            and s.status != StageStatus.SKIPPED]
        rounds.append({"request": req, "stages": stages, "sign_off": sign_off_of(req),
                       "my_tasks": mine.get(req.pk, [])})
    return rounds


# The actions

def _run(request, call):
    """(result, errors): a refused action becomes errors shown in the row (htmx) or
    messages on the order page; an invisible task or order is a 404 either way."""
    errors = FormErrors()
    try:
        return call(), errors
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except ValidationFailed as exc:
        errors.update(exc.errors)
        errors.message = str(exc.message)
    except NotPermitted as exc:
        if not request.htmx:
            raise PermissionDenied(str(exc.message)) from exc
        errors.message = str(exc.message)
    except ServiceError as exc:
        errors.message = str(exc.message)
    return None, errors


def _failed(errors: FormErrors) -> bool:
    """Field errors, or a refusal with only a message (FormErrors is falsy then)."""
    return bool(errors) or bool(errors.message)


def _int_or_none(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _task(request, task_id: int):
    with service_errors(request):
        return task_for(request.user, task_id)


def _back(request, order_id: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("web:order_detail", order_id)


def return_targets(task) -> list:
    """The earlier steps a task may be returned to (P4.1: return to an earlier step)."""
    return [stage for stage in task.request.stages.all()
            if stage.position < task.stage.position and stage.status != StageStatus.SKIPPED]


def _row_response(request, row, *, mode="", verb="", done="", errors=None, values=None):
    context = {"row": row, "mode": mode, "verb": verb, "done": done,
               "errors": FormErrors() if errors is None else errors, "values": values or {}}
    if row.kind == "task" and mode == "return":
        context["targets"] = return_targets(row.obj)
    annotate_time_left([row])
    return render(request, "inbox/_row.html", context)


def _finish(request, *, row, order_id, verb, errors, mode="", values=None):
    """The answer to an action: the inbox row (htmx), or back to the order page."""
    failed = _failed(errors)
    if request.htmx:
        return _row_response(request, row, mode=mode if failed else "", verb=verb,
                             done="" if failed else DONE_LABELS[verb], errors=errors,
                             values=values)
    if failed:
        if not errors:
            messages.error(request, errors.message)
        for field, msgs in errors.items():
            messages.error(request, error_message(field, msgs))
    else:
        messages.success(request, DONE_MESSAGES[verb] % {"number": row.order.number})
    return _back(request, order_id)


@login_required
@require_POST
def task_approve_view(request, task_id: int):
    """Approve with an optional comment; `seen_version` binds it to the version shown."""
    task = _task(request, task_id)
    values = {"comment": request.POST.get("comment", "")}
    done, errors = _run(request, lambda: task_approve(
        task_id=task.pk, actor=request.user, comment=values["comment"],
        seen_version=_int_or_none(request.POST.get("seen_version"))))
    return _finish(request, row=task_row(done or task), order_id=task.order_id, verb="approve",
                   errors=errors, values=values)


def _decide(request, task_id: int, verb: str):
    """Reject (back to Sales) or return (to an earlier step): both need a reason."""
    task = _task(request, task_id)
    if request.method == "GET":
        if not request.htmx:
            return render(request, "approval/decide.html", {
                "task": task, "verb": verb, "targets": return_targets(task),
                "errors": FormErrors(), "values": {}})
        return _row_response(request, task_row(task), mode=verb)
    values = {"reason": request.POST.get("reason", ""),
              "to_position": request.POST.get("to_position", "")}
    if verb == "reject":
        call = lambda: task_reject(task_id=task.pk, actor=request.user,  # noqa: E731
                                   reason=values["reason"])
    else:
        call = lambda: task_return(  # noqa: E731
            task_id=task.pk, actor=request.user, reason=values["reason"],
            to_position=_int_or_none(values["to_position"]))
    done, errors = _run(request, call)
    if errors and not request.htmx and any(errors.values()):
        return render(request, "approval/decide.html", {
            "task": task, "verb": verb, "targets": return_targets(task), "errors": errors,
            "values": values}, status=422)
    return _finish(request, row=task_row(done or task), order_id=task.order_id, verb=verb,
                   errors=errors, mode=verb, values=values)


@login_required
@require_http_methods(["GET", "POST"])
def task_reject_view(request, task_id: int):
    return _decide(request, task_id, "reject")


@login_required
@require_http_methods(["GET", "POST"])
def task_return_view(request, task_id: int):
    return _decide(request, task_id, "return")


@login_required
@require_POST
def sign_off_view(request, order_id: int):
    """P4.1.2: the Sales head signs the approved content, with an optional comment."""
    with service_errors(request):
        order = order_detail(request.user, order_id)
    values = {"comment": request.POST.get("comment", "")}
    _signed, errors = _run(request, lambda: order_sign_off(
        order_id=order.pk, actor=request.user, comment=values["comment"]))
    return _finish(request, row=signoff_row(order), order_id=order.pk, verb="sign_off",
                   errors=errors, values=values)


urlpatterns = [
    path("approvals/tasks/<id:task_id>/approve/", task_approve_view, name="task_approve"),
    path("approvals/tasks/<id:task_id>/reject/", task_reject_view, name="task_reject"),
    path("approvals/tasks/<id:task_id>/return/", task_return_view, name="task_return"),
    path("orders/<id:order_id>/sign-off/", sign_off_view, name="order_sign_off"),
]
