"""Starting a review round (P3.1.1, P3.1.2, P3.3.1, P3.3.2)."""

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Role
from orderflow.accounts.models import Department, User
from orderflow.accounts.selectors import users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import apply_transition, lock_order, register_action
from orderflow.orders.services.content import content_hash

from ..domain.major import MajorFacts, MajorRule, major_reasons
from ..domain.opinions import REVIEWING_DEPARTMENTS
from ..models import (
    MajorOrderRule,
    OpinionStatus,
    Review,
    ReviewOpinion,
    ReviewRoute,
    ReviewStatus,
    ReviewTimeLimit,
)
from ..permissions import department_heads

SUBJECT_ORDER = "order"


def reviewing_departments(order_type: str) -> list[Department]:
    """The departments that review an order of this type, in the route's order (P3.1.1);
    Technology, Production, Quality, Procurement and Finance if no route is set."""
    route = ReviewRoute.objects.filter(order_type=order_type).first()
    codes = list(route.departments) if route and route.departments else \
        list(REVIEWING_DEPARTMENTS)
    found = {d.code: d for d in Department.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def current_major_rule() -> MajorRule:
    row = MajorOrderRule.objects.filter(pk=1).first() or MajorOrderRule()
    return MajorRule(amount_threshold=row.amount_threshold, customised=row.customised,
                     new_customer=row.new_customer,
                     special_requirements=row.special_requirements)


def major_facts(order: Order) -> MajorFacts:
    kinds = frozenset(order.special_requirements.values_list("kind", flat=True))
    earlier = (Order.objects.filter(customer_id=order.customer_id, pk__lt=order.pk)
               .exclude(status__in=[State.CANCELLED, State.DECLINED]).exists())
    return MajorFacts(amount_gross=order.total_gross, order_type=order.order_type,
                      requirement_kinds=kinds, has_earlier_order=earlier)


def panel_chair() -> User:
    """The first active division leader, else the general manager (P3.1.2)."""
    for role in (Role.DIVISION_LEADER, Role.GENERAL_MANAGER):
        chair = users_with(roles=[role]).first()
        if chair is not None:
            return chair
    raise Conflict(_("A major order's review needs a panel chair, but there is no active "
                     "division leader or general manager."))


def _next_round(order: Order) -> int:
    seen = Review.objects.filter(subject_kind=SUBJECT_ORDER, subject_id=order.pk).aggregate(
        last=Max("round"), open=Count("pk", filter=Q(status=ReviewStatus.OPEN)))
    if seen["open"]:
        raise Conflict(_("This order already has a review in progress."))
    return (seen["last"] or 0) + 1


def _opinions(review: Review, departments: list[Department], now) -> list[ReviewOpinion]:
    """One opinion per department with its working-hour deadlines (P3.3.2)."""
    from orderflow.workcal.services import deadlines_for

    limits = {lim.department_id: lim for lim in
              ReviewTimeLimit.objects.filter(department__in=departments)}
    # Departments with the same limits share one calculation: the query count stays
    # the same whatever the number of departments.
    computed = {}
    rows = []
    for position, dept in enumerate(departments, start=1):
        lim = limits.get(dept.pk) or ReviewTimeLimit(department=dept)
        key = (lim.hours, lim.remind_before_hours, lim.leader_after_hours)
        if key not in computed:
            computed[key] = deadlines_for(now, hours=key[0], remind_before=key[1],
                                          leader_after=key[2])
        due_at, remind_at, escalate_at = computed[key]
        rows.append(ReviewOpinion(review=review, department=dept, position=position,
                                  status=OpinionStatus.PENDING, assigned_at=now,
                                  due_at=due_at, remind_at=remind_at,
                                  escalate_at=escalate_at))
    return ReviewOpinion.objects.bulk_create(rows)


def _notify_reviewers(order: Order, review: Review, departments: list[Department]) -> None:
    """P3.3.1: the order, its attachments and the check findings go to every reviewer
    before the review: each department's members, a panel's department heads."""
    dept_ids = [d.pk for d in departments]
    if review.is_major:
        recipients = [u for u in department_heads(dept_ids).values()
                      if u.pk != order.salesperson_id]
    else:
        recipients = list(User.objects.filter(is_active=True, department_id__in=dept_ids)
                          .exclude(pk=order.salesperson_id).order_by("id"))
    url = f"/orders/{order.pk}/"
    notify(recipients=recipients, kind="review.opinion_requested",
           title=gettext_lazy("Order %(number)s is waiting for your review opinion: see the order, "
                       "its attachments and the check findings"),
           params={"number": order.number}, url=url)
    if review.is_major:
        notify(recipients=[review.chair], kind="review.panel_chair",
               title=gettext_lazy("You chair the review panel of major order %(number)s"),
               params={"number": order.number}, url=url)


@transaction.atomic
def review_start(*, order_id: int, actor) -> Review:
    """Sales starts the review of a checked order (P3.1.1): a new round with one opinion
    per reviewing department; a major order gets a panel (P3.1.2).

    Raises:
        NotFound, NotPermitted (not the order's Sales owner), TransitionNotAllowed (not
        checked), Conflict (a review is open, no reviewing department, no panel chair).
    """
    order = lock_order(order_id, actor)
    apply_transition(order, "start_review", actor)
    round_no = _next_round(order)
    departments = reviewing_departments(order.order_type)
    if not departments:
        raise Conflict(_("No reviewing departments are configured for this order type."))
    reasons = major_reasons(major_facts(order), current_major_rule())
    now = clock.now()
    review = Review.objects.create(
        order=order, subject_kind=SUBJECT_ORDER, subject_id=order.pk, round=round_no,
        is_major=bool(reasons), major_reasons=reasons,
        chair=panel_chair() if reasons else None, content_hash=content_hash(order),
        started_by=actor, started_at=now)
    opinions = _opinions(review, departments, now)
    audit.record(actor, "review.started", review, to_state=ReviewStatus.OPEN, data={
        "order": order.pk, "round": round_no, "major": bool(reasons), "reasons": reasons,
        "chair": review.chair_id, "departments": [d.code for d in departments],
        "due": {o.department.code: o.due_at for o in opinions},
        "content_hash": review.content_hash})
    _notify_reviewers(order, review, departments)
    return review


@register_action("start_review")
def start_review_action(*, order_id: int, actor, **_ignored) -> Order:
    """The order page's and the API's "start review" action: answers the order."""
    return review_start(order_id=order_id, actor=actor).order
