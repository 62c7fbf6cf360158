"""Approval chains are data a system administrator configures (P4.1.1)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..domain.conditions import Problem, validate_conditions
from ..domain.subjects import SUBJECTS
from ..models import ApprovalChain, ApprovalStep, AssigneeKind, StepMode

MAX_STEPS = 20
MAX_CC = 20
MAX_HOURS = 2000

CONDITION_MESSAGES = {
    Problem.NOT_A_MAPPING: gettext_lazy("Each condition needs a field, an operator and a value."),
    Problem.UNKNOWN_FIELD: gettext_lazy("Unknown condition field “%(field)s”."),
    Problem.UNKNOWN_OPERATOR: gettext_lazy("Unknown operator “%(op)s”."),
    Problem.OPERATOR_NOT_FOR_FIELD: gettext_lazy("The operator “%(op)s” does not apply to "
                                          "“%(field)s”; use one of: %(allowed)s."),
    Problem.VALUE_REQUIRED: gettext_lazy("Enter a value."),
    Problem.NOT_A_NUMBER: gettext_lazy("Enter an amount."),
    Problem.NOT_YES_NO: gettext_lazy("Enter yes or no."),
    Problem.NOT_A_CHOICE: gettext_lazy("Choose from: %(choices)s."),
    Problem.TOO_MANY: gettext_lazy("At most %(max)s conditions."),
}


def _conditions(errors: Errors, prefix: str, raw) -> list[dict]:
    problems, normalised = validate_conditions(raw)
    for problem in problems:
        path = prefix if problem.index < 0 else f"{prefix}.{problem.index}"
        path = f"{path}.{problem.key}" if problem.key else path
        errors.add(path, str(CONDITION_MESSAGES[problem.code]) % dict(problem.params))
    return normalised


def _who(errors: Errors, prefix: str, kind_key: str, raw: dict, users,
         owners_head: bool = False) -> dict:
    """An approver or CC spec, validated: {"kind", "role", "department", "user"}.
    `owners_head`: a dept_head with no department (the head of the subject owner's
    department) is allowed, for subjects that name their owner's department."""
    kind = errors.choice(f"{prefix}{kind_key}", raw.get(kind_key), AssigneeKind.choices)
    role, department = raw.get("role"), raw.get("department")
    user_id = raw.get("user_id", raw.get("user"))
    spec = {"kind": kind, "role": "", "department": "", "user": None}
    if kind == AssigneeKind.ROLE:
        spec["role"] = errors.choice(f"{prefix}role", role, [str(r) for r in Role])
        spec["department"] = errors.choice(f"{prefix}department", department,
                                           [str(d) for d in Dept], required=False)
    elif kind == AssigneeKind.DEPT_HEAD:
        spec["department"] = errors.choice(f"{prefix}department", department,
                                           [str(d) for d in Dept], required=not owners_head)
    elif kind == AssigneeKind.DEPARTMENT:
        spec["department"] = errors.choice(f"{prefix}department", department,
                                           [str(d) for d in Dept])
    elif kind == AssigneeKind.USER:
        user_key = str(user_id or "").strip()
        if not user_key:
            errors.add(f"{prefix}user_id", _("This field is required."))
        elif not user_key.isdigit() or int(user_key) not in users:
            errors.add(f"{prefix}user_id", _("Unknown or inactive user: %(value)s.")
                       % {"value": user_key})
        else:
            spec["user"] = int(user_key)
    return spec


def _cc(errors: Errors, prefix: str, raw, users) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple) or len(raw) > MAX_CC:
        errors.add(prefix, _("At most %(n)s people or groups in copy.") % {"n": MAX_CC})
        return []
    specs = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        specs.append(_who(errors, f"{prefix}.{i}.", "kind", item, users))
    return specs


def _step(errors: Errors, i: int, raw: dict, users, owners_head: bool) -> dict:
    prefix = f"steps.{i}."
    spec = _who(errors, prefix, "assignee_kind", raw, users, owners_head)
    hours = errors.integer(f"{prefix}time_limit_hours", raw.get("time_limit_hours") or 0,
                           min_value=0)
    if hours is not None and hours > MAX_HOURS:
        errors.add(f"{prefix}time_limit_hours", _("At most %(n)s working hours.")
                   % {"n": MAX_HOURS})
    return {
        "position": i + 1,
        "name": errors.text(f"{prefix}name", raw.get("name"), required=True, max_length=100),
        "assignee_kind": spec["kind"], "role": spec["role"],
        "department": spec["department"], "user_id": spec["user"],
        "mode": errors.choice(f"{prefix}mode", raw.get("mode") or StepMode.SINGLE,
                              StepMode.choices),
        "conditions": _conditions(errors, f"{prefix}conditions", raw.get("conditions")),
        "cc": _cc(errors, f"{prefix}cc", raw.get("cc"), users),
        "time_limit_hours": hours or 0,
    }


def _referenced_users(steps) -> set[int]:
    ids = set()
    for raw in steps:
        refs = [raw.get("user_id")] + [c.get("user_id", c.get("user"))
                                       for c in raw.get("cc") or [] if isinstance(c, dict)]
        ids |= {int(str(r)) for r in refs if str(r or "").strip().isdigit()}
    return set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def _validate(errors: Errors, steps, owners_head: bool = False) -> list[dict]:
    if not isinstance(steps, list | tuple) or not steps:
        errors.add("steps", _("Add at least one step."))
        return []
    if len(steps) > MAX_STEPS:
        errors.add("steps", _("At most %(n)s steps.") % {"n": MAX_STEPS})
        return []
    steps = [s if isinstance(s, dict) else {} for s in steps]
    users = _referenced_users(steps)
    return [_step(errors, i, raw, users, owners_head) for i, raw in enumerate(steps)]


def _as_data(step: ApprovalStep) -> dict:
    return {"position": step.position, "name": step.name,
            "assignee_kind": step.assignee_kind, "role": step.role,
            "department": step.department, "user_id": step.user_id, "mode": step.mode,
            "conditions": step.conditions, "cc": step.cc,
            "time_limit_hours": step.time_limit_hours}


@transaction.atomic
def chain_save(*, actor, subject_kind: str, name: str, steps: list[dict]) -> ApprovalChain:
    """Replace a chain's steps at once (P4.1.1); rounds under way keep their snapshot.

    Raises:
        NotPermitted: system administrators only.
        ValidationFailed: field by field (steps.<i>.<field>); nothing is written.
    """
    require(actor, "approval.manage_chains")
    errors = Errors()
    kind = errors.choice("subject_kind", subject_kind, sorted(SUBJECTS))
    name = errors.text("name", name, required=True, max_length=100)
    subject = SUBJECTS.get(kind)
    cleaned = _validate(errors, steps, bool(subject and subject.owner_department))
    errors.raise_if_any()
    chain, _created = ApprovalChain.objects.select_for_update().get_or_create(
        subject_kind=kind, defaults={"name": name})
    before = {"name": chain.name, "steps": [_as_data(s) for s in chain.steps.all()]}
    chain.steps.all().delete()
    ApprovalStep.objects.bulk_create([ApprovalStep(chain=chain, **s) for s in cleaned])
    chain.name, chain.updated_at, chain.updated_by = name, clock.now(), actor
    chain.save(update_fields=["name", "updated_at", "updated_by"])
    audit.record(actor, "approval.chain_saved", chain,
                 data={"before": before, "after": {"name": name, "steps": cleaned}})
    return chain
