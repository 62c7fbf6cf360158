"""Approval (P4.1): the approval rounds of an order, acting on a task, delegations, and
duplicating an order (a repeat order starts the whole process again).

Sign-off, rejecting back to Sales and resubmitting are the order actions `sign_off`,
`reject_approval` and `resubmit_approval` (POST /api/orders/{id}/actions/{action}).
Thin: reads through selectors, writes through services.
"""

import datetime as dt

from ninja import Field, Router, Schema, Status

from orderflow.accounts import services as account_services
from orderflow.accounts.models import User
from orderflow.accounts.permissions import is_system_admin
from orderflow.approval import selectors, services
from orderflow.approval.models import StageStatus
from orderflow.core import clock
from orderflow.core.errors import NotPermitted
from orderflow.orders import selectors as order_selectors
from orderflow.orders.services import order_duplicate

from .review import visible_order
from .schemas import ERRORS, LooseDate, LooseId, OrderDetail, UserRef
from .schemas_review import (
    ApprovalRequestOut,
    ApproveIn,
    RejectIn,
    ReturnIn,
    TaskResultOut,
    mark_deadlines,
)

router = Router(tags=["approval"])


def _with_cc_users(requests: list) -> list:
    """Attach each stage's CC users (stored as ids, P4.1 抄送), fetched in one query, and
    the working hours left on the active stages."""
    stages = [stage for request in requests for stage in request.stages.all()]
    ids = {uid for stage in stages for uid in stage.cc_user_ids or ()}
    users = User.objects.in_bulk(ids) if ids else {}
    for stage in stages:
        stage.cc_users = [users[uid] for uid in stage.cc_user_ids or () if uid in users]
    mark_deadlines((stage, stage.due_at, stage.status == StageStatus.ACTIVE)
                   for stage in stages)
    return requests


@router.get("/orders/{id:order_id}/approvals",
            response={200: list[ApprovalRequestOut], **ERRORS},
            summary="Approval rounds of an order",
            description="Every approval round, newest first (P4.1.1): the chain's stages in "
            "order with mode (one / all 会签 / any 或签), state, skip reason, deadline and CC "
            "(抄送); each approver's task with who acted (and for whom, as deputy), when and "
            "the comment; the Sales head's sign-off with the hash of the signed content "
            "(P4.1.2).")
def order_approvals(request, order_id: int):
    order = visible_order(request, order_id)
    return _with_cc_users(selectors.requests_for(request.auth, order))


def _task_result(request, task):
    """The task after an act, re-read as its approver sees it, with the order's state."""
    return selectors.task_for(request.auth, task.pk)


@router.post("/approval-tasks/{id:task_id}/approve", response={200: TaskResultOut, **ERRORS},
             summary="Approve a task",
             description="Approve with an optional comment (P4.1.1). Send `seen_version`, the "
             "order version you looked at: if the content changed since, 409 and nothing is "
             "approved. 403 for your own order or a step you already acted on under another "
             "role; 409 if the task is no longer waiting.")
def approve_task(request, task_id: int, payload: ApproveIn):
    task = services.task_approve(task_id=task_id, actor=request.auth,
                                 comment=payload.comment or "",
                                 seen_version=payload.seen_version)
    return _task_result(request, task)


@router.post("/approval-tasks/{id:task_id}/reject", response={200: TaskResultOut, **ERRORS},
             summary="Reject back to Sales",
             description="Reject with a mandatory reason (P4.1.1): the round ends and the "
             "order goes back to Sales (approval rejected).")
def reject_task(request, task_id: int, payload: RejectIn):
    task = services.task_reject(task_id=task_id, actor=request.auth,
                                reason=payload.reason or "")
    return _task_result(request, task)


@router.post("/approval-tasks/{id:task_id}/return", response={200: TaskResultOut, **ERRORS},
             summary="Return to an earlier step",
             description="Send the round back to an earlier step (`to_position`) with a "
             "reason; that step's approvers act again.")
def return_task(request, task_id: int, payload: ReturnIn):
    task = services.task_return(task_id=task_id, actor=request.auth,
                                to_position=payload.to_position, reason=payload.reason or "")
    return _task_result(request, task)


# Duplicating an order


@router.post("/orders/{id:order_id}/duplicate", response={201: OrderDetail, **ERRORS},
             tags=["orders"], summary="Duplicate an order as a new draft",
             description="A repeat order: a new draft with the same customer, lines, terms "
             "and requirements. Nothing of the original's check, review, approval or "
             "sign-off carries over (P4.1): the copy goes through the whole process again.")
def duplicate_order(request, order_id: int):
    copy = order_duplicate(order_id=order_id, actor=request.auth)
    return Status(201, order_selectors.order_detail(request.auth, copy.pk))


# Delegations (P4.1)


class DelegationIn(Schema):
    deputy_id: LooseId = None
    starts_on: LooseDate = None
    ends_on: LooseDate = Field(None, description="Inclusive.")
    reason: str | None = None
    principal_id: LooseId = Field(
        None, description="Whose work is delegated; only a system administrator names "
        "someone else. Defaults to you.")


class DelegationOut(Schema):
    id: int
    principal: UserRef
    deputy: UserRef
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    created_by: UserRef
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_by: UserRef | None
    active: bool = Field(description="In force today.")

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.revoked_at is None and obj.starts_on <= clock.today() <= obj.ends_on


@router.get("/delegations", response={200: list[DelegationOut], **ERRORS},
            tags=["delegations"], summary="Delegations given and received",
            description="Your delegations, given and received, newest first. System "
            "administrators may ask for everyone's with `all=true` (up to 200; others: 403).")
def list_delegations(request, all: bool = False):
    if all:
        if not is_system_admin(request.auth):
            raise NotPermitted()
        return selectors.all_delegations(limit=200)
    return selectors.delegations_for(request.auth)


@router.post("/delegations", response={201: DelegationOut, **ERRORS}, tags=["delegations"],
             summary="Name a deputy for a date range",
             description="While the delegation runs the deputy sees and acts on the "
             "principal's pending reviews and approvals; each act is recorded as “deputy "
             "for” the principal (P4.1). Items return when it ends.")
def create_delegation(request, payload: DelegationIn):
    delegation = account_services.delegation_create(
        actor=request.auth, deputy_id=payload.deputy_id, starts_on=payload.starts_on,
        ends_on=payload.ends_on, reason=payload.reason or "",
        principal_id=payload.principal_id)
    return Status(201, delegation)


@router.post("/delegations/{id:delegation_id}/revoke", response={200: DelegationOut, **ERRORS},
             tags=["delegations"], summary="Revoke a delegation",
             description="Ends a delegation now; pending items return to the principal.")
def revoke_delegation(request, delegation_id: int):
    return account_services.delegation_revoke(actor=request.auth, delegation_id=delegation_id)
