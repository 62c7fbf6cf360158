"""Approval of an order (P4.1) and its sign-off (P4.1.2): the "order" subject.

Registers: the subject kind "order"; the lifecycle actions "sign_off", "reject_approval"
and "resubmit_approval"; the hook that voids approvals when commercial content is edited.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import User
from orderflow.accounts.selectors import delegators_of, department_head
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Customer
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import apply_transition, lock_order, register_action
from orderflow.orders.services.content import content_hash, is_commercial_change
from orderflow.review.models import Review

from ..domain.subjects import SubjectKind, register_subject
from ..models import ApprovalRequest, ApprovalTask, RequestStatus, SignOff, StageStatus, TaskStatus
from ..permissions import may_sign_off, sign_off_authority
from .acts import MAX_TEXT, authorise, reject
from .engine import approval_start, tell, void_request

ORDER = "order"


def _facts(order: Order, _subject_id: int) -> dict:
    """amount: total with tax; major: from the latest review round (P3.1.2)."""
    major = (Review.objects.filter(order_id=order.pk, subject_kind=ORDER)
             .order_by("-round").values_list("is_major", flat=True).first())
    rating = (Customer.objects.filter(pk=order.customer_id)
              .values_list("credit_rating", flat=True).first())
    return {"amount": order.total_gross, "major": bool(major),
            "customer_rating": rating or "", "order_type": order.order_type}


def _owners(order: Order, _subject_id: int) -> frozenset[int]:
    return frozenset(p for p in (order.salesperson_id, order.created_by_id) if p)


def _check_in_approval(order: Order, _subject_id: int) -> None:
    if order.status != State.IN_APPROVAL:
        raise TransitionNotAllowed(_("The order is not in approval."))


def _sales_head_and_owner(order: Order) -> list:
    return [department_head("sales"), order.salesperson]


def _approved(*, order, request, actor, on_behalf_of) -> None:
    apply_transition(order, "complete_approval", actor, system=True,
                     on_behalf_of=on_behalf_of,
                     data={"round": request.round, "content_hash": request.content_hash})
    tell(_sales_head_and_owner(order), order, kind="approval.approved",
         title=gettext_lazy("Order %(number)s is approved and waits for the Sales head's "
                     "signature"))


def _rejected(*, order, request, actor, reason, on_behalf_of) -> None:
    apply_transition(order, "reject_approval", actor, reason=reason,
                     on_behalf_of=on_behalf_of, data={"round": request.round})


def _voided(*, order, request, actor, reason) -> None:
    void_order_approvals(order, actor=actor, reason=reason, data={"round": request.round})


def _amounts(pairs) -> dict:
    """The order's total with tax (loaded with the order: no query)."""
    return {subject_id: (order.total_gross, order.currency) for order, subject_id in pairs}


register_subject(SubjectKind(kind=ORDER, facts=_facts, owner_ids=_owners,
                             content_hash=lambda order, _sid: content_hash(order),
                             check_in_approval=_check_in_approval, on_approved=_approved,
                             on_rejected=_rejected, on_voided=_voided,
                             url=lambda order, _sid: f"/orders/{order.pk}/", amounts=_amounts))


# -- voiding (P4.1: approvals are bound to the content) -----------------------------

def void_order_approvals(order: Order, *, actor, reason: str, data: dict) -> None:
    """Void the order's approvals in progress (and an approval not yet signed), move
    the order back to draft, and tell everyone concerned that a new round is needed."""
    requests = list(ApprovalRequest.objects.filter(order=order, subject_kind=ORDER).filter(
        Q(status=RequestStatus.IN_PROGRESS)
        | Q(status=RequestStatus.APPROVED, sign_off__isnull=True)))
    now, concerned = clock.now(), set()
    for request in requests:
        concerned |= void_request(request, reason=reason, now=now)
    apply_transition(order, "void_approval", actor, system=True,
                     data={**data, "reason": reason, "voided": [r.round for r in requests]})
    people = [*User.objects.filter(pk__in=concerned, is_active=True),
              *_sales_head_and_owner(order)]
    tell(people, order, kind="approval.voided", body=reason, exclude=actor,
         title=gettext_lazy("The approvals of order %(number)s are void because its commercial "
                     "content changed; a new approval round is needed"))


def void_on_commercial_edit(*, order: Order, actor, changes: list[dict]) -> None:
    """COMMERCIAL_EDIT_HOOKS: an order under approval had a commercial field changed."""
    fields = [c["field"] for c in changes if is_commercial_change(c)]
    void_order_approvals(order, actor=actor, data={"fields": fields[:50]},
                         reason=_("Commercial content changed: %(fields)s")
                         % {"fields": ", ".join(fields[:20])})


# -- sign-off (P4.1.2) --------------------------------------------------------------

def _unsigned_request(order: Order) -> ApprovalRequest | None:
    return (ApprovalRequest.objects.filter(order=order, subject_kind=ORDER,
                                           status=RequestStatus.APPROVED,
                                           sign_off__isnull=True)
            .order_by("-round").first())


def _signer(order: Order, actor) -> int | None:
    """The principal the actor signs for (None: themselves); NotPermitted otherwise."""
    if actor.pk in (order.salesperson_id, order.created_by_id):
        raise NotPermitted(_("No one signs off their own order."))
    may, on_behalf_of = sign_off_authority(actor, order)
    if not may:
        raise NotPermitted(_("Only the Sales head, or their deputy, signs off an order."))
    if order.status != State.AWAITING_SIGNOFF:
        raise TransitionNotAllowed(_("The order is not waiting for a signature."))
    return on_behalf_of


@transaction.atomic
def order_sign_off(*, order_id: int, actor, comment: str = "", **_ignored) -> SignOff:
    """The Sales head signs the approved content (P4.1.2); the order becomes approved.

    Raises:
        NotFound, NotPermitted (not the Sales head or deputy, or own order),
        TransitionNotAllowed (not awaiting sign-off), Conflict (content differs from
        the content approved), ValidationFailed (comment too long).
    """
    order = lock_order(order_id, actor)
    on_behalf_of = _signer(order, actor)
    errors = Errors()
    comment = errors.text("comment", comment, max_length=MAX_TEXT)
    errors.raise_if_any()
    request = _unsigned_request(order)
    if request is None:
        raise TransitionNotAllowed(_("There is no approved round to sign."))
    if request.content_hash != content_hash(order):
        raise Conflict(_("The order's content differs from the content approved; it cannot "
                         "be signed."))
    principal = User.objects.get(pk=on_behalf_of) if on_behalf_of else None
    sign_off = SignOff.objects.create(order=order, request=request, signed_by=actor,
                                      on_behalf_of=principal, signed_at=clock.now(),
                                      content_hash=request.content_hash, comment=comment)
    apply_transition(order, "sign_off", actor, on_behalf_of=principal,
                     data={"round": request.round, "content_hash": request.content_hash,
                           "comment": comment})
    tell([order.salesperson], order, kind="approval.signed", exclude=actor,
         title=gettext_lazy("Order %(number)s is signed off and approved"))
    return sign_off


@register_action("sign_off")
def _sign_off_action(*, order_id: int, actor, comment: str = "", **_ignored) -> Order:
    """The order page's button and the API action: answers the order, as every action."""
    return order_sign_off(order_id=order_id, actor=actor, comment=comment).order


# -- refusing: reject_approval ------------------------------------------------------

def _refuse_signature(order: Order, actor, reason: str, errors: Errors) -> Order:
    may, on_behalf_of = may_sign_off(actor, order)
    if not may:
        raise NotPermitted(_("Only the Sales head, or their deputy, refuses to sign."))
    errors.raise_if_any()
    principal = User.objects.get(pk=on_behalf_of) if on_behalf_of else None
    request = _unsigned_request(order)
    apply_transition(order, "reject_approval", actor, reason=reason, on_behalf_of=principal,
                     data={"round": request.round if request else None, "at": "sign_off"})
    if request is not None:
        request.status, request.outcome_reason = RequestStatus.REJECTED, reason
        request.save(update_fields=["status", "outcome_reason"])
    tell([order.salesperson], order, kind="approval.rejected", body=reason, exclude=actor,
         title=gettext_lazy("The Sales head refused to sign order %(number)s"))
    return order


def _my_pending_task(order: Order, actor) -> ApprovalTask | None:
    """The actor's own pending task of the order, else one they hold as deputy today."""
    holders = [actor.pk, *delegators_of(actor, on=clock.today())]
    tasks = list(ApprovalTask.objects.filter(
        order_id=order.pk, status=TaskStatus.PENDING, assignee_id__in=holders,
        stage__status=StageStatus.ACTIVE, request__status=RequestStatus.IN_PROGRESS)
        .select_related("stage", "request").order_by("id"))
    tasks.sort(key=lambda t: t.assignee_id != actor.pk)
    return tasks[0] if tasks else None


@register_action("reject_approval")
@transaction.atomic
def approval_reject(*, order_id: int, actor, reason: str = "", **_ignored) -> Order:
    """Reject (P4.1.1): the actor's waiting task of the order, or, awaiting sign-off,
    the Sales head (or deputy) refuses to sign. A reason is required.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed (no reason).
    """
    order = lock_order(order_id, actor)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    if order.status == State.AWAITING_SIGNOFF:
        return _refuse_signature(order, actor, reason, errors)
    task = _my_pending_task(order, actor) if order.status == State.IN_APPROVAL else None
    if task is None:  # the table says why: not the approver, or not in approval
        apply_transition(order, "reject_approval", actor, reason=reason)
        raise NotPermitted()
    task.order = order
    on_behalf_of, _tasks = authorise(task, actor)
    errors.raise_if_any()
    reject(order, task, actor, on_behalf_of, reason)
    return order


@register_action("resubmit_approval")
@transaction.atomic
def approval_resubmit(*, order_id: int, actor, **_ignored) -> Order:
    """Sales resubmits a rejected order unchanged: a new approval round (P4.1.1).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed, Conflict (see approval_start).
    """
    order = lock_order(order_id, actor)
    apply_transition(order, "resubmit_approval", actor)
    approval_start(order=order, actor=actor)
    return order
