"""Reading approvals (P4.1): inbox, the chain as it stands per order, delegations, chains.

Every read is bounded and goes through the order's visibility; what a user may do is
answered by the same rules the services enforce (approval.permissions).
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import Delegation, User
from orderflow.accounts.permissions import is_system_admin
from orderflow.accounts.selectors import delegators_of
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from .domain.acting import TaskFacts
from .domain.conditions import CONDITION_FIELDS, OPERATORS, OPERATORS_BY_KIND
from .domain.subjects import SUBJECTS, subject_url
from .models import (
    ApprovalChain,
    ApprovalRequest,
    ApprovalStage,
    ApprovalStep,
    ApprovalTask,
    RequestStatus,
    StageStatus,
    TaskStatus,
)
from .permissions import (
    acting_as,
    facts_of,
    may_sign_off,
    owners_of_tasks,
    request_task_facts,
    task_is_open,
    task_refusal,
)

MAX_LIMIT = 200

CONDITION_LABELS = {
    "amount": gettext_lazy("Order total with tax"),
    "major": gettext_lazy("Major or complex order"),
    "customer_rating": gettext_lazy("Customer credit rating"),
    "order_type": gettext_lazy("Order type"),
}


def condition_fields() -> list[dict]:
    """The fields step conditions may test, with their operators, for the chain editor."""
    return [{"name": f.name, "label": CONDITION_LABELS[f.name], "kind": str(f.kind),
             "choices": list(f.choices),
             "operators": [(op, OPERATORS[op]) for op in OPERATORS_BY_KIND[f.kind]]}
            for f in CONDITION_FIELDS.values()]


def _bounded(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _task_rows():
    return ApprovalTask.objects.select_related(
        "stage", "request", "order", "order__customer", "assignee", "acted_by",
        "on_behalf_of")


def may_act(user, task: ApprovalTask, request_tasks: list[TaskFacts] | None = None,
            owner_ids: frozenset[int] | None = None,
            principals: list[int] | None = None) -> bool:
    """Whether the user may approve, reject or return the task now (as the services
    decide it): open, theirs or deputised today, and no rule refusing them. A list passes
    what it has read once for all rows: the subject's owners, the user's principals today
    (delegators_of)."""
    if not task_is_open(task):
        return False
    if principals is None:
        may, on_behalf_of = acting_as(user, task)
    else:
        may = task.assignee_id == user.pk or task.assignee_id in principals
        on_behalf_of = task.assignee_id if may and task.assignee_id != user.pk else None
    if not may:
        return False
    if request_tasks is None:
        request_tasks = request_task_facts(task.request_id)
    return task_refusal(user, task, on_behalf_of, request_tasks, owner_ids) is None


def approval_inbox(user, *, limit: int = 50) -> list[ApprovalTask]:
    """Pending tasks the user may act on, own or as deputy today, soonest deadline first;
    each with `.acting_for` = the principal (User) when held as deputy, else None."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    principals = delegators_of(user, on=clock.today())
    tasks = list(_task_rows()
                 .filter(status=TaskStatus.PENDING, assignee_id__in=[user.pk, *principals],
                         stage__status=StageStatus.ACTIVE,
                         request__status=RequestStatus.IN_PROGRESS)
                 .exclude(Q(order__salesperson_id=user.pk) | Q(order__created_by_id=user.pk))
                 .order_by("stage__due_at", "id")[:_bounded(limit)])
    facts: dict[int, list[TaskFacts]] = {}
    for row in ApprovalTask.objects.filter(request_id__in={t.request_id for t in tasks}) \
            .select_related("stage"):
        facts.setdefault(row.request_id, []).append(facts_of(row))
    owners = owners_of_tasks(tasks)
    inbox = []
    for task in tasks:
        if may_act(user, task, facts.get(task.request_id, []), owners[task.pk],
                   principals):
            task.acting_for = task.assignee if task.assignee_id != user.pk else None
            inbox.append(task)
    return inbox


def describe_subjects(tasks: list[ApprovalTask]) -> list[ApprovalTask]:
    """Set on each task (request and order loaded) `subject_url`, where its approver reads
    the subject, and `subject_amount`, (amount, currency) of what is decided or None; at
    most one query per subject kind, whatever the number of tasks."""
    by_kind: dict[str, list[ApprovalTask]] = {}
    for task in tasks:
        by_kind.setdefault(task.request.subject_kind, []).append(task)
    for kind, group in by_kind.items():
        subject = SUBJECTS.get(kind)
        amounts = (subject.amounts([(t.order, t.request.subject_id) for t in group])
                   if subject is not None and subject.amounts is not None else {})
        for task in group:
            sid = task.request.subject_id
            task.subject_url = subject_url(kind, task.order, sid)
            task.subject_amount = amounts.get(sid)
    return tasks


def requests_for(user, order, *, subject_kind: str = "order") -> list[ApprovalRequest]:
    """Every approval round of a visible order's subject (the order itself unless told),
    newest first, with its stages, tasks, people and sign-off loaded (the board)."""
    tasks = ApprovalTask.objects.select_related("assignee", "acted_by", "on_behalf_of") \
        .order_by("id")
    stages = ApprovalStage.objects.prefetch_related(Prefetch("tasks", tasks)) \
        .order_by("position")
    return list(ApprovalRequest.objects
                .filter(order_id=order.pk, subject_kind=subject_kind,
                        order__in=Order.objects.filter(visibility_q(user)))
                .select_related("started_by", "sign_off", "sign_off__signed_by",
                                "sign_off__on_behalf_of")
                .prefetch_related(Prefetch("stages", stages))
                .order_by("-round", "-id")[:MAX_LIMIT])


def task_for(user, task_id: int) -> ApprovalTask:
    """One task of an order the user sees; NotFound otherwise."""
    task = (_task_rows().filter(pk=task_id, order__in=Order.objects.filter(visibility_q(user)))
            .first())
    if task is None:
        raise NotFound(_("Approval task not found."))
    return task


def signoffs_waiting(user, *, limit: int = 50) -> list[Order]:
    """Orders awaiting the signature of the user (the Sales head, or their deputy today)."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    orders = (Order.objects.filter(visibility_q(user), status=State.AWAITING_SIGNOFF)
              .exclude(Q(salesperson_id=user.pk) | Q(created_by_id=user.pk))
              .select_related("customer", "salesperson").order_by("updated_at", "id"))
    return [o for o in orders[:_bounded(limit)] if may_sign_off(user, o)[0]]


def delegations_for(user, *, limit: int = 100) -> list[Delegation]:
    """Delegations the user gave or received, newest first."""
    return list(Delegation.objects.filter(Q(principal_id=user.pk) | Q(deputy_id=user.pk))
                .select_related("principal", "deputy", "created_by", "revoked_by")
                .order_by("-starts_on", "-id")[:_bounded(limit)])


def all_delegations(*, limit: int = 200) -> list[Delegation]:
    """Every delegation, newest first (for system administrators)."""
    return list(Delegation.objects.select_related("principal", "deputy", "created_by",
                                                  "revoked_by")
                .order_by("-starts_on", "-id")[:_bounded(limit)])


def may_manage_delegations(user) -> bool:
    return bool(is_system_admin(user))


def delegation_candidates(user) -> list[User]:
    """Active users who may be named deputy (everyone but the user), by name."""
    return list(User.objects.filter(is_active=True).exclude(pk=user.pk)
                .select_related("department").order_by("department_id", "full_name",
                                                        "username")[:1000])


def chains() -> list[ApprovalChain]:
    """Every chain with its steps (and named approvers) loaded."""
    steps = ApprovalStep.objects.select_related("user").order_by("position")
    return list(ApprovalChain.objects.prefetch_related(Prefetch("steps", steps))
                .order_by("subject_kind"))
