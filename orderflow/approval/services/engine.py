"""The approval engine (P4.1): start a round, activate stages, complete, void.

Subject-neutral: what is specific to a subject (its facts, owners, content hash and what
approval or rejection does to it) comes from domain.subjects.SUBJECTS. Every function here
runs inside the caller's transaction, on an order the caller has locked.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.labels import DEPT_LABELS, ROLE_LABELS
from orderflow.accounts.models import Delegation, User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict
from orderflow.notifications.services import notify
from orderflow.workcal.services import deadlines_for

from ..domain.acting import TaskFacts, earlier_actors
from ..domain.conditions import InvalidCondition, describe, first_unmet
from ..domain.stages import pick_assignees, stage_timing
from ..domain.subjects import SubjectKind, subject_kind, subject_url
from ..models import (
    ApprovalChain,
    ApprovalRequest,
    ApprovalStage,
    ApprovalTask,
    AssigneeKind,
    RequestStatus,
    StageStatus,
    TaskStatus,
)
from ..permissions import owners_of
from .assignees import approver_spec, resolve_specs

ACTIVATION_FIELDS = ["status", "activated_at", "completed_at", "due_at", "remind_at",
                     "escalate_at", "reminded_at", "escalated_head_at", "escalated_leader_at",
                     "cc_user_ids"]


def subject_for(kind: str) -> SubjectKind:
    try:
        return subject_kind(kind)
    except KeyError:
        raise Conflict(_("Approvals of “%(kind)s” are not available.") % {"kind": kind}) \
            from None


def order_url(order) -> str:
    return f"/orders/{order.pk}/"


def request_url(request: ApprovalRequest, order) -> str:
    """Where the round's approvers read its subject (an archive query's requests page, a
    statement's settlement page): not every approver may open the order's page."""
    return subject_url(request.subject_kind, order, request.subject_id)


def tell(recipients, order, *, kind: str, title, params: dict | None = None, body="",
         exclude=None, url: str | None = None) -> None:
    """Notify people about an order's approval, each in their own language; the link is
    `url`, else the order's page."""
    skip = getattr(exclude, "pk", None)
    people = [u for u in recipients if u is not None and u.pk != skip]
    if people:
        notify(recipients=people, kind=kind, title=title,
               params={"number": order.number, **(params or {})}, body=body,
               url=url or order_url(order))


def describe_spec(spec: dict) -> str:
    """Whom a spec names, for people: "Division leader", "head of Finance", "user #7"."""
    kind, dept = spec.get("kind"), spec.get("department") or ""
    dept_label = str(DEPT_LABELS.get(dept, dept))
    if kind == AssigneeKind.ROLE:
        role = str(ROLE_LABELS.get(spec.get("role"), spec.get("role")))
        return _("%(role)s of %(dept)s") % {"role": role, "dept": dept_label} if dept else role
    if kind == AssigneeKind.DEPARTMENT:
        return _("everyone in %(dept)s") % {"dept": dept_label}
    if kind == AssigneeKind.DEPT_HEAD and not dept:
        return _("head of the requester's department")
    if kind == AssigneeKind.DEPT_HEAD:
        return _("head of %(dept)s") % {"dept": dept_label}
    return _("user #%(id)s") % {"id": spec.get("user")}


def _nobody(stage_name: str, spec: dict) -> Conflict:
    return Conflict(_("Approval step “%(step)s” has no one who may approve it (%(who)s). "
                      "An administrator must give someone that role or department, or "
                      "change the approval chain; the salesperson and creator of the order "
                      "and those who already approved it cannot.")
                    % {"step": stage_name, "who": describe_spec(spec)})


# -- planning a round ---------------------------------------------------------------

@dataclass
class Plan:
    stage: ApprovalStage
    approvers: list[User]
    cc: list[User]


def snapshot_step(step) -> dict:
    """What a stage keeps of its step: editing the chain later changes no round under way."""
    return {"assignee_kind": step.assignee_kind, "role": step.role,
            "department": step.department, "user_id": step.user_id,
            "conditions": list(step.conditions or []), "cc": list(step.cc or []),
            "time_limit_hours": step.time_limit_hours}


def _stage_for(request, step, facts) -> ApprovalStage:
    try:
        unmet = first_unmet(step.conditions or [], facts)
    except InvalidCondition:
        raise Conflict(_("Approval step “%(step)s” has an invalid condition; an "
                         "administrator must correct the approval chain.")
                       % {"step": step.name}) from None
    return ApprovalStage(request=request, position=step.position, name=step.name,
                         mode=step.mode, spec=snapshot_step(step),
                         status=StageStatus.SKIPPED if unmet else StageStatus.WAITING,
                         skip_reason=describe(unmet)[:200] if unmet else "")


def owner_department(subject: SubjectKind, order, subject_id: int) -> str | None:
    """The subject owner's department (for "head of the owner's department" specs)."""
    return subject.owner_department(order, subject_id) if subject.owner_department else None


def plan_stages(stages: list[ApprovalStage], excluded: frozenset[int],
                owner_dept: str | None = None) -> list[Plan]:
    """Approvers and CC of each stage (one batch of queries); Conflict if a stage would
    have nobody who may approve it (an error the administrator must see)."""
    specs = []
    for stage in stages:
        specs.append(approver_spec(stage.spec))
        specs.extend(stage.spec.get("cc") or [])
    resolved = iter(resolve_specs(specs, owner_dept=owner_dept, excluded=excluded))
    plans = []
    for stage in stages:
        candidates = {u.pk: u for u in next(resolved) if u.pk not in excluded}
        cc = {u.pk: u for _spec in stage.spec.get("cc") or [] for u in next(resolved)}
        chosen = pick_assignees(stage.mode, list(candidates))
        if not chosen:
            raise _nobody(stage.name, approver_spec(stage.spec))
        plans.append(Plan(stage, [candidates[pk] for pk in chosen], list(cc.values())))
    return plans


def prepare_activation(plan: Plan, now) -> None:
    """Set a stage active with its deadlines (P3.3.2 on the company calendar) and CC."""
    stage = plan.stage
    hours = int(stage.spec.get("time_limit_hours") or 0)
    remind_before, leader_after = stage_timing(hours)
    deadlines = deadlines_for(now, hours=hours, remind_before=remind_before,
                              leader_after=leader_after)
    stage.status, stage.activated_at, stage.completed_at = StageStatus.ACTIVE, now, None
    stage.due_at, stage.remind_at, stage.escalate_at = deadlines
    stage.reminded_at = stage.escalated_head_at = stage.escalated_leader_at = None
    stage.cc_user_ids = sorted(u.pk for u in plan.cc)


def new_tasks(plan: Plan, request: ApprovalRequest, now) -> list[ApprovalTask]:
    return [ApprovalTask(stage=plan.stage, request=request, order_id=request.order_id,
                         assignee=user, created_at=now) for user in plan.approvers]


def announce_tasks(plan: Plan, order, request: ApprovalRequest) -> None:
    """Tell the approvers, and their deputies of today (the items follow a delegation)."""
    url = request_url(request, order)
    tell(plan.approvers, order, kind="approval.task", url=url,
         title=gettext_lazy("Order %(number)s waits for your approval: %(step)s"),
         params={"step": plan.stage.name})
    today = clock.today()
    delegations = (Delegation.objects.filter(
        principal__in=plan.approvers, starts_on__lte=today, ends_on__gte=today,
        revoked_at__isnull=True).select_related("deputy", "principal").order_by("id"))
    for delegation in delegations:
        tell([delegation.deputy], order, kind="approval.task", url=url,
             title=gettext_lazy("Order %(number)s waits for approval by %(name)s, for whom you "
                         "are deputy: %(step)s"),
             params={"step": plan.stage.name, "name": delegation.principal.display_name})


def activate_stage(stage: ApprovalStage, request: ApprovalRequest, order, *,
                   excluded: frozenset[int], now) -> Plan:
    """Open a waiting stage: tasks for its approvers, deadlines, CC, notifications."""
    subject = subject_for(request.subject_kind)
    plan = plan_stages([stage], excluded,
                       owner_department(subject, order, request.subject_id))[0]
    prepare_activation(plan, now)
    stage.save(update_fields=ACTIVATION_FIELDS)
    ApprovalTask.objects.bulk_create(new_tasks(plan, request, now))
    request.current_position = stage.position
    request.save(update_fields=["current_position"])
    announce_tasks(plan, order, request)
    return plan


# -- starting a round ---------------------------------------------------------------

def _chain(kind: str) -> ApprovalChain:
    chain = ApprovalChain.objects.filter(subject_kind=kind).prefetch_related("steps").first()
    if chain is None:
        raise Conflict(_("No approval chain is set up for “%(kind)s”; an administrator must "
                         "set one up.") % {"kind": kind})
    return chain


@transaction.atomic
def approval_start(*, order, actor, subject_kind: str = "order",
                   subject_id: int | None = None) -> ApprovalRequest:
    """Start the next round of approval of a subject of a locked order (P4.1.1).

    Steps whose conditions do not hold are kept as skipped, with the reason; the first
    included step becomes active. With no included step the round is approved at once.

    Raises:
        TransitionNotAllowed: the subject is not waiting for approval.
        Conflict: a round is already in progress; no chain; an invalid condition; an
            included step that nobody may approve.
    """
    subject = subject_for(subject_kind)
    subject_id = order.pk if subject_id is None else subject_id
    subject.check_in_approval(order, subject_id)
    rounds = ApprovalRequest.objects.filter(subject_kind=subject_kind, subject_id=subject_id)
    if rounds.filter(status=RequestStatus.IN_PROGRESS).exists():
        raise Conflict(_("An approval round is already in progress."))
    chain, facts, now = _chain(subject_kind), subject.facts(order, subject_id), clock.now()
    request = ApprovalRequest(
        order=order, subject_kind=subject_kind, subject_id=subject_id, chain=chain,
        round=(rounds.aggregate(last=Max("round"))["last"] or 0) + 1,
        chain_name=chain.name, content_hash=subject.content_hash(order, subject_id),
        started_by=actor, started_at=now)
    stages = [_stage_for(request, step, facts) for step in chain.steps.all()]
    included = [s for s in stages if s.status == StageStatus.WAITING]
    plans = plan_stages(included, subject.owner_ids(order, subject_id),
                        owner_department(subject, order, subject_id))
    if plans:
        prepare_activation(plans[0], now)
        request.current_position = plans[0].stage.position
    request.save(force_insert=True)
    ApprovalStage.objects.bulk_create(stages)
    if plans:
        ApprovalTask.objects.bulk_create(new_tasks(plans[0], request, now))
    audit.record(actor, "approval.started", order, data={
        "subject": subject_kind, "subject_id": subject_id, "round": request.round,
        "chain": chain.name, "content_hash": request.content_hash,
        "stages": [{"position": s.position, "name": s.name, "status": s.status,
                    "skip_reason": s.skip_reason} for s in stages]})
    if plans:
        announce_tasks(plans[0], order, request)
    else:
        finish_approved(request, order, actor=actor, on_behalf_of=None, now=now)
    return request


# -- moving on ----------------------------------------------------------------------

def finish_approved(request: ApprovalRequest, order, *, actor, on_behalf_of, now) -> None:
    request.status, request.finished_at = RequestStatus.APPROVED, now
    request.save(update_fields=["status", "finished_at"])
    subject_for(request.subject_kind).on_approved(order=order, request=request, actor=actor,
                                                  on_behalf_of=on_behalf_of)


def complete_stage(stage: ApprovalStage, request: ApprovalRequest, order, *, actor,
                   on_behalf_of, request_tasks: list[TaskFacts], now) -> None:
    """An approved stage: close the group's other tasks, inform CC, open the next
    included stage, or finish the round."""
    stage.status, stage.completed_at = StageStatus.APPROVED, now
    stage.save(update_fields=["status", "completed_at"])
    ApprovalTask.objects.filter(stage=stage, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED)
    if stage.cc_user_ids:
        tell(User.objects.filter(pk__in=stage.cc_user_ids, is_active=True), order,
             kind="approval.cc", url=request_url(request, order),
             title=gettext_lazy("Order %(number)s: step “%(step)s” approved"),
             params={"step": stage.name})
    following = (ApprovalStage.objects.filter(request=request, status=StageStatus.WAITING,
                                              position__gt=stage.position)
                 .order_by("position").first())
    if following is None:
        finish_approved(request, order, actor=actor, on_behalf_of=on_behalf_of, now=now)
        return
    excluded = owners_of(order, request) | earlier_actors(request_tasks)
    activate_stage(following, request, order, excluded=excluded, now=now)


def void_request(request: ApprovalRequest, *, reason: str, now) -> set[int]:
    """Void a round and its open stages and tasks; returns the ids of everyone concerned
    (who acted, who waits, who is copied)."""
    tasks = list(ApprovalTask.objects.filter(request=request)
                 .values_list("assignee_id", "acted_by_id", "on_behalf_of_id", "status"))
    concerned = {a for a, _by, _for, status in tasks if status == TaskStatus.PENDING}
    concerned |= {p for _a, by, for_, status in tasks if status == TaskStatus.APPROVED
                  for p in (by, for_) if p}
    for cc_ids in (ApprovalStage.objects.filter(request=request, activated_at__isnull=False)
                   .values_list("cc_user_ids", flat=True)):
        concerned |= set(cc_ids or [])
    ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING).update(
        status=TaskStatus.VOIDED)
    ApprovalStage.objects.filter(request=request, status__in=[
        StageStatus.WAITING, StageStatus.ACTIVE]).update(status=StageStatus.VOIDED)
    request.status, request.finished_at = RequestStatus.VOIDED, now
    request.outcome_reason = reason[:2000]
    request.save(update_fields=["status", "finished_at", "outcome_reason"])
    return concerned
