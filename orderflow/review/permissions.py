"""Who takes part in a review (P3.1.1, P3.1.2): whose opinion a user may give, who chairs
a panel, and which orders a deputy sees because of it. Checked in the services."""

import datetime as dt

import rules
from django.db.models import Q

from orderflow.accounts.domain.organisation import Role
from orderflow.accounts.models import Delegation, Department, User
from orderflow.accounts.permissions import is_system_admin
from orderflow.accounts.selectors import acting_for, delegators_of
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.permissions import VISIBILITY_EXTENSIONS

from .models import OpinionStatus, Review, ReviewOpinion, ReviewStatus

rules.add_perm("review.configure", is_system_admin)  # routes, time limits, major rule (P11)

# The order is in Sales' hands (P2, P3.3.3 renegotiation): reviewers do not see it.
SALES_STATES = (State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
                State.DECLINED)


def department_heads(dept_ids) -> dict[int, User]:
    """{department id: head} as accounts.selectors.department_head decides it (the head
    named on the department if active, else its first member with the role); two queries
    at most, whatever the number of departments."""
    depts = list(Department.objects.filter(pk__in=list(dept_ids)).select_related("head"))
    heads = {d.pk: d.head for d in depts if d.head_id and d.head.is_active}
    missing = [d.pk for d in depts if d.pk not in heads]
    if missing:
        for user in (User.objects.filter(is_active=True, department_id__in=missing,
                                         role_rows__role=Role.DEPT_HEAD)
                     .select_related("department").order_by("id")):
            heads.setdefault(user.department_id, user)
    return heads


def opinion_right(user, opinion: ReviewOpinion, *, on: dt.date | None = None
                  ) -> tuple[bool, int | None]:
    """Whether `user` may give this department's opinion, and for whom.

    (True, None) in their own right, (True, principal id) as a deputy (P4.1 delegation),
    (False, None) otherwise. A member of the department gives its opinion (P3.1.1); in a
    major order's panel only the department head (P3.1.2). The order's own salesperson
    never reviews it, not even as a deputy. Does not look at the opinion's status.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return False, None
    order = opinion.review.order
    if user.pk == order.salesperson_id:
        return False, None
    on = on or clock.today()
    if opinion.review.is_major:
        head = department_heads([opinion.department_id]).get(opinion.department_id)
        if head is None or head.pk == order.salesperson_id:
            return False, None
        return acting_for(user, [head.pk], on=on)
    if user.department_id == opinion.department_id:
        return True, None
    principal = (User.objects.filter(pk__in=delegators_of(user, on=on), is_active=True,
                                     department_id=opinion.department_id)
                 .exclude(pk=order.salesperson_id).order_by("id")
                 .values_list("pk", flat=True).first())
    return principal is not None, principal


def chair_right(user, review: Review, *, on: dt.date | None = None
                ) -> tuple[bool, int | None]:
    """Whether `user` chairs this major-order panel, in person or as the chair's deputy."""
    if not review.is_major or review.chair_id is None or not user or \
            not user.is_authenticated or not user.is_active:
        return False, None
    return acting_for(user, [review.chair_id], on=on or clock.today())


def is_open(opinion: ReviewOpinion) -> bool:
    return (opinion.status == OpinionStatus.PENDING
            and opinion.review.status == ReviewStatus.OPEN)


def _review_visibility_q(user) -> Q:
    """Orders a user sees because of a review: as deputy of a member (or chair) whose
    opinion is still awaited, or because they gave an opinion (P3.4.1)."""
    today = clock.today()
    principals = Delegation.objects.filter(
        deputy_id=user.pk, starts_on__lte=today, ends_on__gte=today, revoked_at__isnull=True,
        principal__is_active=True).values("principal_id")
    depts = User.objects.filter(pk__in=principals).values("department_id")
    waiting = ReviewOpinion.objects.filter(
        status=OpinionStatus.PENDING, review__status=ReviewStatus.OPEN,
        department_id__in=depts).values("review__order_id")
    chaired = Review.objects.filter(status=ReviewStatus.OPEN,
                                    chair_id__in=principals).values("order_id")
    given = ReviewOpinion.objects.filter(reviewer_id=user.pk).values("review__order_id")
    # Like the reviewing departments: not while Sales has it back (renegotiation, P3.3.3).
    return (Q(pk__in=waiting) | Q(pk__in=chaired)
            | (Q(pk__in=given) & ~Q(status__in=SALES_STATES)))


if _review_visibility_q not in VISIBILITY_EXTENSIONS:
    VISIBILITY_EXTENSIONS.append(_review_visibility_q)
