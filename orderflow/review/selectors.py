"""Reading reviews (P3.4.1, P3.4.2): rounds of an order, an opinion, the inbox of opinions
to give and panels to conclude, the report. Every read is bounded and only shows what
belongs to orders the user may see (orders.permissions.visibility_q)."""

from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import gettext as _

from orderflow.accounts.models import User
from orderflow.accounts.selectors import delegators_of
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from .domain.opinions import OPINION_FIELDS, FieldSpec
from .models import (
    OpinionAttachment,
    OpinionStatus,
    Review,
    ReviewOpinion,
    ReviewReport,
    ReviewStatus,
)
from .permissions import chair_right, department_heads, is_open, opinion_right

MAX_ROUNDS = 50
INBOX_LIMIT = 50


def _visible_order_ids(user):
    return Order.objects.filter(visibility_q(user)).values("pk")


def reviews_for(user, order) -> list[Review]:
    """Every review round of a visible order, newest first, with opinions, reviewers,
    attachments and the report loaded (a fixed number of queries)."""
    opinions = (ReviewOpinion.objects.select_related("department", "reviewer", "on_behalf_of")
                .prefetch_related(Prefetch("attachments", OpinionAttachment.objects
                                           .select_related("uploaded_by")))
                .order_by("position", "id"))
    return list(Review.objects.filter(order_id=order.pk, order_id__in=_visible_order_ids(user))
                .select_related("report", "chair", "started_by", "concluded_by")
                .prefetch_related(Prefetch("opinions", opinions))
                .order_by("-round")[:MAX_ROUNDS])


def opinion_for(user, opinion_id: int) -> ReviewOpinion:
    """One opinion of a visible order with its review, order and people; NotFound else."""
    opinion = (ReviewOpinion.objects
               .filter(pk=opinion_id, review__order_id__in=_visible_order_ids(user))
               .select_related("review", "review__order", "review__order__customer",
                               "review__chair", "department", "reviewer", "on_behalf_of")
               .prefetch_related("attachments").first())
    if opinion is None:
        raise NotFound(_("Review opinion not found."))
    return opinion


def may_give_opinion(user, opinion: ReviewOpinion) -> bool:
    """Whether the user may give (or attach files to) this opinion now."""
    return (is_open(opinion) and opinion.review.order.status == State.IN_REVIEW
            and opinion_right(user, opinion)[0])


def may_conclude(user, review: Review) -> bool:
    """Whether the user records this panel's conclusion now (chair or deputy, P3.1.2)."""
    if review.status != ReviewStatus.OPEN or review.order.status != State.IN_REVIEW \
            or not chair_right(user, review)[0]:
        return False
    return not review.opinions.filter(status=OpinionStatus.PENDING).exists()


def _principals(user) -> dict[int, User]:
    """The user and everyone whose delegation to the user runs today (P4.1)."""
    ids = [user.pk, *delegators_of(user, on=clock.today())]
    return {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}


def review_inbox(user, *, limit: int = INBOX_LIMIT) -> list[ReviewOpinion]:
    """Waiting opinions the user may give, in person or as a deputy (`acting_for` set to
    the principal), earliest deadline first; review, order and customer selected."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    people = _principals(user)
    dept_member = {}
    for person in sorted(people.values(), key=lambda p: (p.pk != user.pk, p.pk)):
        if person.department_id:
            dept_member.setdefault(person.department_id, person)
    heads = {dept: head for dept, head in department_heads(list(dept_member)).items()
             if head.pk in people}
    wanted = (Q(review__is_major=False, department_id__in=list(dept_member))
              | Q(review__is_major=True, department_id__in=list(heads)))
    rows = list(ReviewOpinion.objects
                .filter(wanted, status=OpinionStatus.PENDING, review__status=ReviewStatus.OPEN,
                        review__order__status=State.IN_REVIEW,
                        review__order_id__in=_visible_order_ids(user))
                .exclude(review__order__salesperson_id=user.pk)
                .select_related("review", "review__order", "review__order__customer",
                                "department")
                .order_by(F("due_at").asc(nulls_last=True), "id")[:limit])
    out = []
    for opinion in rows:
        holder = heads.get(opinion.department_id) if opinion.review.is_major else \
            dept_member.get(opinion.department_id)
        if holder is None or holder.pk == opinion.review.order.salesperson_id:
            continue
        opinion.acting_for = None if holder.pk == user.pk else holder
        out.append(opinion)
    return out


def panels_to_conclude(user, *, limit: int = INBOX_LIMIT) -> list[Review]:
    """Open major-order panels the user chairs (or holds as the chair's deputy) whose
    department opinions are all in (P3.1.2), oldest first; `acting_for` as above."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    people = _principals(user)
    reviews = list(Review.objects
                   .filter(is_major=True, status=ReviewStatus.OPEN, chair_id__in=list(people),
                           order__status=State.IN_REVIEW,
                           order_id__in=_visible_order_ids(user))
                   .annotate(waiting=Count("opinions",
                                           filter=Q(opinions__status=OpinionStatus.PENDING)))
                   .filter(waiting=0)
                   .select_related("order", "order__customer", "chair")
                   .order_by("started_at", "id")[:limit])
    for review in reviews:
        review.acting_for = None if review.chair_id == user.pk else people[review.chair_id]
    return reviews


def report_for(user, report_id: int) -> ReviewReport:
    """An issued review report of a visible order; NotFound otherwise."""
    report = (ReviewReport.objects
              .filter(pk=report_id, review__order_id__in=_visible_order_ids(user))
              .select_related("review", "review__order", "issued_by").first())
    if report is None:
        raise NotFound(_("Review report not found."))
    return report


def opinion_fields(dept_code: str) -> list[FieldSpec]:
    """The typed fields of a department's opinion (P3.2.1-P3.2.5); empty if it has none."""
    return list(OPINION_FIELDS.get(dept_code, ()))
