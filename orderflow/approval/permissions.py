"""Who may act in an approval (P4.1): on a task, at sign-off, and who sees what.

Delegation is resolved at the moment of acting (P4.1): a deputy holds the principal's
pending items while the delegation runs, and they return to the principal when it ends.
"""

import rules
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation, User
from orderflow.accounts.permissions import is_sales_head, is_system_admin
from orderflow.accounts.selectors import acting_for, delegators_of
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State

from .domain.acting import Refusal, TaskFacts, refusal
from .domain.subjects import subject_kind
from .models import (
    ApprovalRequest,
    ApprovalTask,
    RequestStatus,
    StageStatus,
    TaskStatus,
)

REFUSAL_MESSAGES = {
    Refusal.OWN_ORDER: _("No one approves their own order."),
    Refusal.PRINCIPAL_OWN_ORDER: _("A deputy cannot approve an order of the person they "
                                   "act for."),
    Refusal.ACTED_ON_STAGE: _("You have already acted on this approval step."),
    Refusal.HOLDS_OWN_TASK: _("You hold your own task in this approval step; act on that "
                              "one. The person you are deputy for acts on theirs."),
    Refusal.ACTED_ON_REQUEST: _("You have already acted on another step of this approval "
                                "under another role."),
}


def task_is_open(task: ApprovalTask) -> bool:
    """Pending, in the active stage of a request in progress."""
    return (task.status == TaskStatus.PENDING and task.stage.status == StageStatus.ACTIVE
            and task.request.status == RequestStatus.IN_PROGRESS)


def request_task_facts(request_id: int) -> list[TaskFacts]:
    """Every task of a request as the acting rules read them (one query)."""
    rows = (ApprovalTask.objects.filter(request_id=request_id)
            .values_list("id", "stage__position", "assignee_id", "status", "acted_by_id",
                         "on_behalf_of_id"))
    return [TaskFacts(*row) for row in rows]


def facts_of(task: ApprovalTask) -> TaskFacts:
    return TaskFacts(task.pk, task.stage.position, task.assignee_id, task.status,
                     task.acted_by_id, task.on_behalf_of_id)


def owners_of(order, request: ApprovalRequest) -> frozenset[int]:
    """Whose subject it is: they never approve it (P4.1)."""
    return subject_kind(request.subject_kind).owner_ids(order, request.subject_id)


def owners_of_tasks(tasks: list[ApprovalTask]) -> dict[int, frozenset[int]]:
    """{task id: owners_of its subject} for a list of tasks (request and order loaded):
    at most one query per subject kind, whatever the number of tasks."""
    by_kind: dict[str, list[ApprovalTask]] = {}
    for task in tasks:
        by_kind.setdefault(task.request.subject_kind, []).append(task)
    owners: dict[int, frozenset[int]] = {}
    for kind, group in by_kind.items():
        subject = subject_kind(kind)
        if subject.owners_many is None:
            owners.update({t.pk: subject.owner_ids(t.order, t.request.subject_id)
                           for t in group})
            continue
        found = subject.owners_many([(t.order, t.request.subject_id) for t in group])
        owners.update({t.pk: found.get(t.request.subject_id, frozenset()) for t in group})
    return owners


def acting_as(user, task: ApprovalTask) -> tuple[bool, int | None]:
    """(True, None) for the assignee, (True, assignee id) for their deputy today."""
    if not user or not user.is_authenticated or not user.is_active:
        return False, None
    return acting_for(user, [task.assignee_id], on=clock.today())


def task_refusal(user, task: ApprovalTask, on_behalf_of: int | None,
                 request_tasks: list[TaskFacts],
                 owner_ids: frozenset[int] | None = None) -> Refusal | None:
    """Why the user, acting (for on_behalf_of), may not act on this task; None: they may.
    `owner_ids`: the subject's owners when the caller has them (owners_of_tasks)."""
    if owner_ids is None:
        owner_ids = owners_of(task.order, task.request)
    return refusal(actor_id=user.pk, task=facts_of(task), on_behalf_of=on_behalf_of,
                   owner_ids=owner_ids, request_tasks=request_tasks)


def refusal_message(reason: Refusal):
    return REFUSAL_MESSAGES[reason]


# -- sign-off (P4.1.2) --------------------------------------------------------------

def sales_heads_among(user_ids) -> set[int]:
    ids = list(user_ids)
    if not ids:
        return set()
    return set(User.objects.filter(pk__in=ids, is_active=True, department__code=Dept.SALES,
                                   role_rows__role=Role.DEPT_HEAD)
               .values_list("pk", flat=True))


def sign_off_authority(user, order) -> tuple[bool, int | None]:
    """Whether the user signs for Sales: (True, None) as the Sales head, (True, head id)
    as the Sales head's deputy today; never for their own order or their principal's."""
    if not user or not user.is_authenticated or not user.is_active or order is None:
        return False, None
    owners = {order.salesperson_id, order.created_by_id}
    if user.pk in owners:
        return False, None
    if is_sales_head(user):
        return True, None
    principals = [p for p in delegators_of(user, on=clock.today()) if p not in owners]
    heads = sales_heads_among(principals)
    principal = next((p for p in principals if p in heads), None)
    return principal is not None, principal


def may_sign_off(user, order) -> tuple[bool, int | None]:
    """sign_off_authority, and the order waits for the signature."""
    if order is None or order.status != State.AWAITING_SIGNOFF:
        return False, None
    return sign_off_authority(user, order)


# -- rules for the order lifecycle (orders.permissions.ACTOR_RULES) -----------------

@rules.predicate
def is_current_approver(user, order) -> bool:
    """Holds (or is deputy today for the holder of) a pending task of the order's current
    approval; or, awaiting sign-off, may sign it (and so may refuse to, P4.1.2)."""
    if order is None or not user or not user.is_authenticated:
        return False
    if order.status == State.AWAITING_SIGNOFF:
        return may_sign_off(user, order)[0]
    assignees = (ApprovalTask.objects
                 .filter(order_id=order.pk, status=TaskStatus.PENDING,
                         stage__status=StageStatus.ACTIVE,
                         request__status=RequestStatus.IN_PROGRESS)
                 .values_list("assignee_id", flat=True))
    return acting_for(user, list(assignees), on=clock.today())[0]


@rules.predicate
def is_sales_head_deputy(user, order=None) -> bool:
    """Deputy today for the Sales head (P4.1 delegation), not on their own order."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if order is not None:
        return sign_off_authority(user, order)[0]
    return bool(sales_heads_among(delegators_of(user, on=clock.today())))


# -- visibility (orders.permissions.VISIBILITY_EXTENSIONS) ---------------------------

def _delegations_today(user):
    today = clock.today()
    return Delegation.objects.filter(deputy_id=user.pk, starts_on__lte=today,
                                     ends_on__gte=today, revoked_at__isnull=True,
                                     principal__is_active=True)


def approval_visibility_q(user) -> Q:
    """Orders a user sees because of approval work: they, or someone they are deputy for
    today, hold a task of it; and, for the Sales head's deputy, orders awaiting sign-off.
    Subqueries only (no query of its own): the task table is indexed by assignee."""
    delegations = _delegations_today(user)
    own = ApprovalTask.objects.filter(assignee_id=user.pk).values("order_id")
    deputised = (ApprovalTask.objects
                 .filter(assignee_id__in=delegations.values("principal_id"))
                 .values("order_id"))
    signing = delegations.filter(principal__department__code=Dept.SALES,
                                 principal__role_rows__role=Role.DEPT_HEAD)
    return (Q(pk__in=own) | Q(pk__in=deputised)
            | (Q(status=State.AWAITING_SIGNOFF) & Q(Exists(signing))))


rules.add_perm("approval.manage_chains", is_system_admin)
