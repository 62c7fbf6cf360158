"""The approval-chain editor (P4.1.1): ordered steps, each with its approvers, mode,
conditions that include or skip it, CC (抄送) and time limit.

Adding, removing and moving rows re-renders the form (htmx swaps the editor) without
saving; "Save" sends the whole chain to chain_save, which validates it field by field.
"""

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from orderflow.accounts.labels import DEPT_LABELS, ROLE_LABELS
from orderflow.accounts.selectors import users_with
from orderflow.approval.domain.conditions import OPERATORS
from orderflow.approval.models import AssigneeKind, StepMode
from orderflow.approval.selectors import chains, condition_fields
from orderflow.approval.services import chain_save

from ...errors import FormErrors, service_errors
from .access import admin_only, page

STEP_INPUTS = ("name", "assignee_kind", "role", "department", "user_id", "mode",
               "time_limit_hours")
GROUPS = {"conditions": ("field", "op", "value"), "cc": ("kind", "role", "department", "user")}
_SUB_KEY = re.compile(r"^steps-(\d{1,3})-(conditions|cc)-(\d{1,3})-(\w+)$")
_STEP_KEY = re.compile(r"^steps-(\d{1,3})-(\w+)$")
PEOPLE_LIMIT = 500


def _blank(group: str | None = None) -> dict:
    if group:
        return dict.fromkeys(GROUPS[group], "")
    step = dict.fromkeys(STEP_INPUTS, "")
    step.update(assignee_kind=AssigneeKind.ROLE, mode=StepMode.SINGLE, time_limit_hours="0",
                conditions=[], cc=[])
    return step


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def state_from_chain(chain) -> dict:
    """The editor's state of a stored chain."""
    steps = []
    for step in chain.steps.all():
        row = {name: _text(getattr(step, name)) for name in STEP_INPUTS}
        row["conditions"] = [{k: _text(c.get(k)) for k in GROUPS["conditions"]}
                             for c in step.conditions or []]
        row["cc"] = [{k: _text(c.get(k)) for k in GROUPS["cc"]} for c in step.cc or []]
        steps.append(row)
    return {"name": chain.name, "steps": steps}


def parse_chain_post(post) -> dict:
    """The editor's state as posted, rows in the order shown (blank rows kept)."""
    raw: dict[int, dict] = {}
    for key in post:
        value = post.get(key, "").strip()
        if match := _SUB_KEY.match(key):
            i, group, j, name = int(match[1]), match[2], int(match[3]), match[4]
            if name in GROUPS[group]:
                raw.setdefault(i, {}).setdefault(group, {}).setdefault(j, {})[name] = value
        elif (match := _STEP_KEY.match(key)) and match[2] in STEP_INPUTS:
            raw.setdefault(int(match[1]), {})[match[2]] = value
    steps = []
    for i in sorted(raw):
        step = {name: raw[i].get(name, "") for name in STEP_INPUTS}
        for group, names in GROUPS.items():
            rows = raw[i].get(group, {})
            step[group] = [{n: rows[j].get(n, "") for n in names} for j in sorted(rows)]
        steps.append(step)
    return {"name": post.get("name", "").strip(), "steps": steps}


def apply_op(state: dict, op: str) -> None:
    """Add, remove or move a row: "add_step", "up-2", "remove_cc-1-0", ... (bad ops are
    ignored: the form is shown again as it was)."""
    verb, *numbers = op.split("-")
    steps = state["steps"]
    try:
        idx = [int(n) for n in numbers]
        if verb == "add_step":
            steps.append(_blank())
        elif verb == "remove_step":
            del steps[idx[0]]
        elif verb in ("up", "down"):
            i = idx[0]
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(steps) and 0 <= i < len(steps):
                steps[i], steps[j] = steps[j], steps[i]
        elif verb in ("add_conditions", "add_cc"):
            group = verb.removeprefix("add_")
            steps[idx[0]][group].append(_blank(group))
        elif verb in ("remove_conditions", "remove_cc"):
            del steps[idx[0]][verb.removeprefix("remove_")][idx[1]]
    except (ValueError, IndexError):
        return


def _id(value: str):
    return int(value) if value.isdigit() else None


def payload(state: dict) -> list[dict]:
    """chain_save's steps: blank condition and CC rows dropped, ids as numbers."""
    steps = []
    for step in state["steps"]:
        row = {name: step[name] for name in STEP_INPUTS}
        row["user_id"] = _id(step["user_id"])
        row["conditions"] = [dict(c) for c in step["conditions"] if c["field"]]
        row["cc"] = [{**c, "user": _id(c["user"])} for c in step["cc"] if c["kind"]]
        steps.append(row)
    return steps


def _sub_errors(errors: dict, prefix: str) -> dict:
    start = f"{prefix}."
    return {key[len(start):]: msgs for key, msgs in errors.items() if key.startswith(start)}


def place_errors(state: dict, errors: FormErrors) -> list[str]:
    """Attach each message to its row; return those that belong to no input."""
    placed = {"name"}   # the chain's name has its own input
    for i, step in enumerate(state["steps"]):
        step["prefix"] = f"steps.{i}"
        step["errors"] = _sub_errors(errors, step["prefix"])
        placed.update(f"{step['prefix']}.{k}" for k in step["errors"])
        for group in GROUPS:
            for j, row in enumerate(step[group]):
                row["prefix"] = f"{step['prefix']}.{group}.{j}"
                row["errors"] = _sub_errors(errors, row["prefix"])
    return [m for key, msgs in errors.items() if key not in placed for m in msgs]


def _chain(subject_kind: str):
    chain = next((c for c in chains() if c.subject_kind == subject_kind), None)
    if chain is None:
        raise Http404
    return chain


def _editor(request, chain, state: dict, errors: FormErrors):
    unplaced = place_errors(state, errors)
    template = "config/_chain_editor.html" if request.htmx else "config/chain_form.html"
    return page(request, template, "chains", {
        "chain": chain, "state": state, "errors": errors, "unplaced": unplaced,
        "kinds": AssigneeKind.choices, "modes": StepMode.choices,
        "roles": list(ROLE_LABELS.items()), "departments": list(DEPT_LABELS.items()),
        "people": [(u.pk, f"{u.display_name} · {u.department}" if u.department_id
                    else u.display_name) for u in users_with()[:PEOPLE_LIMIT]],
        "fields": [(f["name"], f["label"]) for f in condition_fields()],
        "operators": list(OPERATORS.items())}, status=422 if errors else 200)


@admin_only
@require_GET
def chain_list(request):
    return page(request, "config/chains.html", "chains", {"chains": chains()})


@admin_only
@require_http_methods(["GET", "POST"])
def chain_edit(request, subject_kind: str):
    chain = _chain(subject_kind)
    if request.method != "POST":
        return _editor(request, chain, state_from_chain(chain), FormErrors())
    state, op = parse_chain_post(request.POST), request.POST.get("op", "save")
    if op != "save":
        apply_op(state, op)
        return _editor(request, chain, state, FormErrors())
    errors, saved = FormErrors(), None
    with service_errors(request, errors):
        saved = chain_save(actor=request.user, subject_kind=subject_kind, name=state["name"],
                           steps=payload(state))
    if saved is None:
        return _editor(request, chain, state, errors)
    messages.success(request, _("The approval chain “%(name)s” was saved. It applies to "
                                "approvals started from now on.") % {"name": saved.name})
    url = reverse("web:config_chain", args=[subject_kind])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


urlpatterns = [
    path("config/chains/", chain_list, name="config_chains"),
    path("config/chains/<slug:subject_kind>/", chain_edit, name="config_chain"),
]
